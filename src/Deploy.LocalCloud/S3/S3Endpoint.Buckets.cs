using System.Net;
using System.Xml.Linq;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.S3;

/// <summary>Bucket settings: location, versioning, default encryption and the public access block.</summary>
internal sealed partial class S3Endpoint
{
    private S3Result GetLocation(string bucket)
    {
        store.Read(state => S3Store.Bucket(state, bucket));
        // us-east-1 is reported as an empty LocationConstraint, as S3 does.
        return S3Result.Xml(new XElement(Ns + "LocationConstraint", options.Region == "us-east-1" ? string.Empty : options.Region));
    }

    private S3Result PutVersioning(string bucket, byte[] body)
    {
        var status = Child(Parse(body), "Status");
        if (status is not ("Enabled" or "Suspended"))
        {
            throw new AwsServiceException("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema");
        }

        Change(bucket, b => b.Versioning = status);
        return S3Result.Empty();
    }

    private S3Result GetVersioning(string bucket) => store.Read(state =>
    {
        var versioning = S3Store.Bucket(state, bucket).Versioning;
        return S3Result.Xml(new XElement(Ns + "VersioningConfiguration", versioning is null ? null : new XElement(Ns + "Status", versioning)));
    });

    private S3Result PutEncryption(string bucket, byte[] body)
    {
        var root = Parse(body);
        var rule = root.Descendants().FirstOrDefault(e => e.Name.LocalName == "ApplyServerSideEncryptionByDefault")
                   ?? throw new AwsServiceException("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema");
        var algorithm = Child(rule, "SSEAlgorithm") ?? "AES256";
        if (algorithm is not ("AES256" or "aws:kms" or "aws:kms:dsse"))
        {
            throw new AwsServiceException("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema");
        }

        Change(bucket, b =>
        {
            b.SseAlgorithm = algorithm;
            b.KmsMasterKeyId = Child(rule, "KMSMasterKeyID");
        });
        return S3Result.Empty();
    }

    private S3Result GetEncryption(string bucket) => store.Read(state =>
    {
        var b = S3Store.Bucket(state, bucket);
        return S3Result.Xml(new XElement(Ns + "ServerSideEncryptionConfiguration",
            new XElement(Ns + "Rule",
                new XElement(Ns + "ApplyServerSideEncryptionByDefault",
                    new XElement(Ns + "SSEAlgorithm", b.SseAlgorithm),
                    b.KmsMasterKeyId is null ? null : new XElement(Ns + "KMSMasterKeyID", b.KmsMasterKeyId)),
                new XElement(Ns + "BucketKeyEnabled", "false"))));
    });

    private S3Result PutPublicAccessBlock(string bucket, byte[] body)
    {
        var root = Parse(body);
        bool? Flag(string name) => Child(root, name) is { } text ? text == "true" : null;
        Change(bucket, b =>
        {
            b.BlockPublicAcls = Flag("BlockPublicAcls");
            b.IgnorePublicAcls = Flag("IgnorePublicAcls");
            b.BlockPublicPolicy = Flag("BlockPublicPolicy");
            b.RestrictPublicBuckets = Flag("RestrictPublicBuckets");
        });
        return S3Result.Empty();
    }

    private S3Result GetPublicAccessBlock(string bucket) => store.Read(state =>
    {
        var b = S3Store.Bucket(state, bucket);
        if (b.BlockPublicAcls is null && b.IgnorePublicAcls is null && b.BlockPublicPolicy is null && b.RestrictPublicBuckets is null)
        {
            throw new AwsServiceException("NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found", HttpStatusCode.NotFound);
        }

        static string Text(bool? value) => value == true ? "true" : "false";
        return S3Result.Xml(new XElement(Ns + "PublicAccessBlockConfiguration",
            new XElement(Ns + "BlockPublicAcls", Text(b.BlockPublicAcls)),
            new XElement(Ns + "IgnorePublicAcls", Text(b.IgnorePublicAcls)),
            new XElement(Ns + "BlockPublicPolicy", Text(b.BlockPublicPolicy)),
            new XElement(Ns + "RestrictPublicBuckets", Text(b.RestrictPublicBuckets))));
    });
}
