using System.Globalization;
using System.Net;
using System.Text;
using System.Xml.Linq;
using Deploy.LocalCloud.Auth;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Iam.Authorization;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.S3;

/// <summary>
/// S3 REST-XML, path style only (<c>/bucket</c>, <c>/bucket/key</c>): buckets with versioning, default encryption and
/// public access block settings, and objects (put, get, head, list v2, delete). SigV4 as S3 signs it: single-encoded
/// path, <c>UNSIGNED-PAYLOAD</c> or streaming (aws-chunked) payloads.
/// </summary>
internal sealed partial class S3Endpoint(
    S3Store store, SigV4Verifier verifier, RequestCaller requestCaller, RequestAuthorization authorization, LocalCloudOptions options)
{
    private static readonly XNamespace Ns = "http://s3.amazonaws.com/doc/2006-03-01/";

    public async Task HandleAsync(HttpContext context)
    {
        var body = await IncomingRequest.ReadBodyAsync(context);
        var requestId = Guid.NewGuid().ToString("N")[..16].ToUpperInvariant();
        var response = context.Response;
        response.Headers["x-amz-request-id"] = requestId;
        var operation = "Unknown";
        try
        {
            var outcome = verifier.Verify(IncomingRequest.ForSignature(context, body), "s3");
            if (!outcome.IsVerified)
            {
                throw AuthenticationError(outcome);
            }

            using var caller = requestCaller.Enter(outcome.Caller!);

            if (AwsChunkedBody.IsChunked(context.Request))
            {
                body = AwsChunkedBody.Decode(body);
            }

            var (bucket, key) = Split(context.Request.Path.Value ?? "/");
            (operation, var handler) = Route(context, bucket, key, body);
            Authorize(outcome.Caller!, operation, bucket, key, context.Request.Query);
            var result = handler();
            response.StatusCode = result.Status;
            var text = result.Document?.ToString(SaveOptions.DisableFormatting) ?? string.Empty;
            options.OnApiResponse?.Invoke(new ApiExchange("rest-xml", "s3", operation, result.Status, text));
            if (result.Document is not null)
            {
                response.ContentType = "application/xml";
                await response.WriteAsync(text, Encoding.UTF8, context.RequestAborted);
            }
            else if (result.Content is not null)
            {
                response.ContentLength = result.Content.Length;
                if (!HttpMethods.IsHead(context.Request.Method))
                {
                    await response.Body.WriteAsync(result.Content, context.RequestAborted);
                }
            }
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            var error = failure as AwsServiceException
                        ?? new AwsServiceException("InternalError", failure.Message, HttpStatusCode.InternalServerError);
            response.StatusCode = (int)error.Status;
            // HEAD responses carry no body; S3 reports only the status.
            var text = HttpMethods.IsHead(context.Request.Method)
                ? string.Empty
                : new XDocument(new XElement("Error",
                    new XElement("Code", error.Code),
                    new XElement("Message", error.Message),
                    new XElement("RequestId", requestId))).ToString(SaveOptions.DisableFormatting);
            options.OnApiResponse?.Invoke(new ApiExchange("rest-xml", "s3", operation, response.StatusCode, text));
            if (text.Length > 0)
            {
                response.ContentType = "application/xml";
                await response.WriteAsync(text, Encoding.UTF8, context.RequestAborted);
            }
        }
    }

    /// <summary>The operation a request is (by method, path and query) and the handler that serves it.</summary>
    private (string Operation, Func<S3Result> Handler) Route(HttpContext context, string? bucket, string? key, byte[] body)
    {
        var method = context.Request.Method;
        var query = context.Request.Query;
        if (bucket is null)
        {
            return ("ListBuckets", HttpMethods.IsGet(method) ? ListBuckets : () => throw NotImplemented());
        }

        if (key is null)
        {
            return (method, query) switch
            {
                ("PUT", var q) when q.ContainsKey("versioning") => ("PutBucketVersioning", () => PutVersioning(bucket, body)),
                ("GET", var q) when q.ContainsKey("versioning") => ("GetBucketVersioning", () => GetVersioning(bucket)),
                ("PUT", var q) when q.ContainsKey("encryption") => ("PutBucketEncryption", () => PutEncryption(bucket, body)),
                ("GET", var q) when q.ContainsKey("encryption") => ("GetBucketEncryption", () => GetEncryption(bucket)),
                ("PUT", var q) when q.ContainsKey("publicAccessBlock") => ("PutPublicAccessBlock", () => PutPublicAccessBlock(bucket, body)),
                ("GET", var q) when q.ContainsKey("publicAccessBlock") => ("GetPublicAccessBlock", () => GetPublicAccessBlock(bucket)),
                ("GET", var q) when q.ContainsKey("location") => ("GetBucketLocation", () => GetLocation(bucket)),
                ("PUT", var q) when q.Count == 0 => ("CreateBucket", () => CreateBucket(context, bucket)),
                ("HEAD", _) => ("HeadBucket", () => HeadBucket(bucket)),
                ("DELETE", var q) when q.Count == 0 => ("DeleteBucket", () => DeleteBucket(bucket)),
                ("GET", var q) when q["list-type"] == "2" => ("ListObjectsV2", () => ListObjectsV2(bucket, q)),
                ("GET", var q) when q.ContainsKey("versions") => ("ListObjectVersions", () => ListObjectVersions(bucket, q)),
                _ => ("Unknown", () => throw NotImplemented()),
            };
        }

        return method switch
        {
            "PUT" when query.Count == 0 => ("PutObject", () => PutObject(context, bucket, key, body)),
            "GET" => ("GetObject", () => GetObject(context, bucket, key)),
            "HEAD" => ("HeadObject", () => GetObject(context, bucket, key)),
            "DELETE" => ("DeleteObject", () => DeleteObject(context, bucket, key)),
            _ => ("Unknown", () => throw NotImplemented()),
        };
    }

    private S3Result ListBuckets() => store.Read(state => S3Result.Xml(new XElement(Ns + "ListAllMyBucketsResult",
        new XElement(Ns + "Owner", new XElement(Ns + "ID", options.AccountId), new XElement(Ns + "DisplayName", "local")),
        new XElement(Ns + "Buckets", state.Buckets.Values.OrderBy(b => b.Name, StringComparer.Ordinal).Select(b => new XElement(Ns + "Bucket",
            new XElement(Ns + "Name", b.Name),
            new XElement(Ns + "CreationDate", Time(b.CreationDate))))))));

    private S3Result CreateBucket(HttpContext context, string bucket)
    {
        store.CreateBucket(bucket);
        context.Response.Headers.Location = "/" + bucket;
        return S3Result.Empty();
    }

    private S3Result HeadBucket(string bucket)
    {
        store.Read(state => S3Store.Bucket(state, bucket));
        return S3Result.Empty();
    }

    private S3Result DeleteBucket(string bucket)
    {
        store.DeleteBucket(bucket);
        return S3Result.Empty(204);
    }

    private S3Result ListObjectsV2(string bucket, IQueryCollection query)
    {
        var prefix = query["prefix"].ToString();
        var delimiter = query["delimiter"].ToString();
        var maxKeys = int.TryParse(query["max-keys"], CultureInfo.InvariantCulture, out var max) ? Math.Clamp(max, 0, 1000) : 1000;
        var token = query["continuation-token"].ToString();
        var after = token.Length > 0 ? Encoding.UTF8.GetString(Convert.FromBase64String(token)) : query["start-after"].ToString();
        return store.Read(state =>
        {
            var keys = S3Store.Bucket(state, bucket).Objects.Values
                .Where(o => o.Key.StartsWith(prefix, StringComparison.Ordinal) && string.CompareOrdinal(o.Key, after) > 0)
                .OrderBy(o => o.Key, StringComparer.Ordinal)
                .ToList();
            var contents = new List<ObjectRecord>();
            var prefixes = new SortedSet<string>(StringComparer.Ordinal);
            string? last = null;
            foreach (var item in keys)
            {
                if (contents.Count + prefixes.Count >= maxKeys)
                {
                    break;
                }

                var rest = item.Key[prefix.Length..];
                var cut = delimiter.Length > 0 ? rest.IndexOf(delimiter, StringComparison.Ordinal) : -1;
                if (cut >= 0)
                {
                    prefixes.Add(prefix + rest[..(cut + delimiter.Length)]);
                }
                else
                {
                    contents.Add(item);
                }

                last = item.Key;
            }

            var truncated = last is not null && keys.Any(k => string.CompareOrdinal(k.Key, last) > 0 && !prefixes.Any(p => k.Key.StartsWith(p, StringComparison.Ordinal)));
            return S3Result.Xml(new XElement(Ns + "ListBucketResult",
                new XElement(Ns + "Name", bucket),
                new XElement(Ns + "Prefix", prefix),
                delimiter.Length > 0 ? new XElement(Ns + "Delimiter", delimiter) : null,
                new XElement(Ns + "MaxKeys", maxKeys),
                new XElement(Ns + "KeyCount", contents.Count + prefixes.Count),
                new XElement(Ns + "IsTruncated", truncated ? "true" : "false"),
                token.Length > 0 ? new XElement(Ns + "ContinuationToken", token) : null,
                truncated ? new XElement(Ns + "NextContinuationToken", Convert.ToBase64String(Encoding.UTF8.GetBytes(last!))) : null,
                contents.Select(o => new XElement(Ns + "Contents",
                    new XElement(Ns + "Key", o.Key),
                    new XElement(Ns + "LastModified", Time(o.LastModified)),
                    new XElement(Ns + "ETag", o.ETag),
                    new XElement(Ns + "Size", o.Size),
                    new XElement(Ns + "StorageClass", "STANDARD"))),
                prefixes.Select(p => new XElement(Ns + "CommonPrefixes", new XElement(Ns + "Prefix", p)))));
        });
    }

    /// <summary>
    /// Every object as its one version (the store keeps the latest write of a key only: no older versions, no delete
    /// markers), in key order, paged by <c>key-marker</c>. Enough to tell an empty bucket from one CloudFormation cannot delete.
    /// </summary>
    private S3Result ListObjectVersions(string bucket, IQueryCollection query)
    {
        var prefix = query["prefix"].ToString();
        var marker = query["key-marker"].ToString();
        var maxKeys = int.TryParse(query["max-keys"], CultureInfo.InvariantCulture, out var max) ? Math.Clamp(max, 0, 1000) : 1000;
        return store.Read(state =>
        {
            var objects = S3Store.Bucket(state, bucket).Objects.Values
                .Where(o => o.Key.StartsWith(prefix, StringComparison.Ordinal) && string.CompareOrdinal(o.Key, marker) > 0)
                .OrderBy(o => o.Key, StringComparer.Ordinal)
                .ToList();
            var page = objects.Take(maxKeys).ToList();
            var truncated = objects.Count > page.Count;
            return S3Result.Xml(new XElement(Ns + "ListVersionsResult",
                new XElement(Ns + "Name", bucket),
                new XElement(Ns + "Prefix", prefix),
                new XElement(Ns + "KeyMarker", marker),
                new XElement(Ns + "VersionIdMarker", query["version-id-marker"].ToString()),
                truncated ? new XElement(Ns + "NextKeyMarker", page[^1].Key) : null,
                truncated ? new XElement(Ns + "NextVersionIdMarker", page[^1].VersionId ?? "null") : null,
                new XElement(Ns + "MaxKeys", maxKeys),
                new XElement(Ns + "IsTruncated", truncated ? "true" : "false"),
                page.Select(o => new XElement(Ns + "Version",
                    new XElement(Ns + "Key", o.Key),
                    new XElement(Ns + "VersionId", o.VersionId ?? "null"),
                    new XElement(Ns + "IsLatest", "true"),
                    new XElement(Ns + "LastModified", Time(o.LastModified)),
                    new XElement(Ns + "ETag", o.ETag),
                    new XElement(Ns + "Size", o.Size),
                    new XElement(Ns + "StorageClass", "STANDARD")))));
        });
    }

    private S3Result PutObject(HttpContext context, string bucket, string key, byte[] content)
    {
        S3Conditions.ValidatePut(context.Request.Headers);
        var hash = store.WriteContent(content);
        var etag = S3Store.ETag(content);
        var headers = context.Request.Headers;
        var versionId = store.Update(state =>
        {
            var b = S3Store.Bucket(state, bucket);
            S3Conditions.CheckPut(headers, b.Objects.GetValueOrDefault(key));
            var record = new ObjectRecord
            {
                Key = key,
                ContentHash = hash,
                Size = content.Length,
                ETag = etag,
                ContentType = headers.ContentType.ToString() is { Length: > 0 } type ? type : "binary/octet-stream",
                LastModified = store.Now,
                VersionId = b.Versioning == "Enabled" ? Guid.NewGuid().ToString("N") : null,
                Metadata = headers.Where(h => h.Key.StartsWith("x-amz-meta-", StringComparison.OrdinalIgnoreCase))
                    .ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            };
            b.Objects[key] = record;
            return record.VersionId;
        });
        context.Response.Headers.ETag = etag;
        if (versionId is not null)
        {
            context.Response.Headers["x-amz-version-id"] = versionId;
        }

        return S3Result.Empty();
    }

    private S3Result GetObject(HttpContext context, string bucket, string key)
    {
        var record = store.Read(state => S3Store.Bucket(state, bucket).Objects.GetValueOrDefault(key))
                     ?? throw new AwsServiceException("NoSuchKey", "The specified key does not exist.", HttpStatusCode.NotFound);
        var headers = context.Response.Headers;
        headers.ETag = record.ETag;
        headers.LastModified = record.LastModified.ToString("R", CultureInfo.InvariantCulture);
        headers.ContentType = record.ContentType;
        headers["x-amz-server-side-encryption"] = "AES256";
        if (record.VersionId is not null)
        {
            headers["x-amz-version-id"] = record.VersionId;
        }

        foreach (var (name, value) in record.Metadata)
        {
            headers[name] = value;
        }

        return S3Result.Bytes(store.ReadContent(record.ContentHash));
    }

    /// <summary>
    /// Deletes the key's object; with <c>versionId</c> only when that is the object's version (the store keeps no older
    /// versions, so any other id names one that is already gone).
    /// </summary>
    private S3Result DeleteObject(HttpContext context, string bucket, string key)
    {
        var versionId = context.Request.Query["versionId"].ToString();
        store.Update(state =>
        {
            var objects = S3Store.Bucket(state, bucket).Objects;
            var current = objects.GetValueOrDefault(key);
            S3Conditions.CheckDelete(context.Request.Headers, current);
            var named = versionId.Length == 0 || (current?.VersionId ?? "null") == versionId;
            return named && objects.Remove(key);
        });
        if (versionId.Length > 0)
        {
            context.Response.Headers["x-amz-version-id"] = versionId;
        }

        return S3Result.Empty(204);
    }

    private void Change(string bucket, Action<BucketRecord> change) => store.Update(state =>
    {
        change(S3Store.Bucket(state, bucket));
        return true;
    });

    private static (string? Bucket, string? Key) Split(string path)
    {
        var trimmed = path.TrimStart('/');
        if (trimmed.Length == 0)
        {
            return (null, null);
        }

        var slash = trimmed.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 || slash == trimmed.Length - 1
            ? (trimmed.TrimEnd('/'), null)
            : (trimmed[..slash], trimmed[(slash + 1)..]);
    }

    private static XElement Parse(byte[] body)
    {
        try
        {
            return XDocument.Parse(Encoding.UTF8.GetString(body)).Root!;
        }
        catch (System.Xml.XmlException)
        {
            throw new AwsServiceException("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema");
        }
    }

    private static string? Child(XElement element, string name) => element.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static AwsServiceException NotImplemented() =>
        new("NotImplemented", "A header or query you provided implies functionality that is not implemented in the local cloud", HttpStatusCode.NotImplemented);

    private static AwsServiceException AuthenticationError(SigV4Outcome outcome) => outcome.Failure switch
    {
        SigV4Failure.MissingAuthentication => new("AccessDenied", "Access Denied", HttpStatusCode.Forbidden),
        SigV4Failure.IncompleteSignature or SigV4Failure.WrongService when outcome.Presigned => new("AuthorizationQueryParametersError", outcome.Message, HttpStatusCode.BadRequest),
        SigV4Failure.IncompleteSignature or SigV4Failure.WrongService => new("AuthorizationHeaderMalformed", outcome.Message, HttpStatusCode.BadRequest),
        SigV4Failure.RequestTimeTooSkewed => new("RequestTimeTooSkewed", "The difference between the request time and the current time is too large.", HttpStatusCode.Forbidden),
        SigV4Failure.PresignedUrlExpired => new("AccessDenied", outcome.Message, HttpStatusCode.Forbidden),
        SigV4Failure.MissingContentHash => new("InvalidRequest", outcome.Message, HttpStatusCode.BadRequest),
        SigV4Failure.InvalidContentHash => new("InvalidArgument", outcome.Message, HttpStatusCode.BadRequest),
        SigV4Failure.ContentHashMismatch => new("XAmzContentSHA256Mismatch", outcome.Message, HttpStatusCode.BadRequest),
        SigV4Failure.UnknownAccessKey => new("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", HttpStatusCode.Forbidden),
        SigV4Failure.ExpiredToken => new("ExpiredToken", "The provided token has expired.", HttpStatusCode.BadRequest),
        _ => new("SignatureDoesNotMatch", outcome.Message, HttpStatusCode.Forbidden),
    };

    private sealed record S3Result(int Status, XDocument? Document, byte[]? Content)
    {
        public static S3Result Empty(int status = 200) => new(status, null, null);

        public static S3Result Xml(XElement root) => new(200, new XDocument(root), null);

        public static S3Result Bytes(byte[] content) => new(200, null, content);
    }
}
