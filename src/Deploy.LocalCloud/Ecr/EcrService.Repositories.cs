using System.Globalization;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Ecr;

/// <summary>Repository lifecycle and registry credentials.</summary>
internal sealed partial class EcrService
{
    private JsonObject CreateRepository(JsonObject request)
    {
        var name = request.RequiredString("repositoryName");
        EcrStore.ValidateRepositoryName(name);
        var mutability = RequireMutability(request.OptionalString("imageTagMutability") ?? "MUTABLE");
        var scanOnPush = request.OptionalObject("imageScanningConfiguration")?.OptionalBool("scanOnPush") ?? false;
        var encryption = request.OptionalObject("encryptionConfiguration");
        var encryptionType = encryption?.RequiredString("encryptionType") ?? "AES256";
        var kmsKey = encryption?.OptionalString("kmsKey");
        if (encryptionType is not ("AES256" or "KMS" or "KMS_DSSE"))
        {
            throw new AwsServiceException("InvalidParameterException", $"Invalid parameter at 'encryptionType': '{encryptionType}' is not AES256, KMS or KMS_DSSE");
        }

        if (encryptionType == "AES256" && kmsKey is not null)
        {
            throw new AwsServiceException("InvalidParameterException", "Invalid parameter: kmsKey can only be specified with encryptionType KMS");
        }

        var now = Now;
        var created = store.Update(state =>
        {
            if (state.Repositories.ContainsKey(name))
            {
                throw new AwsServiceException("RepositoryAlreadyExistsException",
                    $"The repository with name '{name}' already exists in the registry with id '{store.AccountId}'");
            }

            var repository = new RepositoryRecord
            {
                Name = name,
                CreatedAt = now,
                ImageTagMutability = mutability,
                ScanOnPush = scanOnPush,
                EncryptionType = encryptionType,
                // Stored, not used: nothing is encrypted with KMS locally.
                KmsKey = encryptionType == "AES256" ? null : kmsKey ?? $"arn:aws:kms:{store.Region}:{store.AccountId}:alias/aws/ecr",
            };
            state.Repositories[name] = repository;
            return RepositoryJson(repository);
        });
        return new JsonObject { ["repository"] = created };
    }

    private JsonObject DescribeRepositories(JsonObject request)
    {
        var names = request.OptionalStringList("repositoryNames");
        var maxResults = request.OptionalInt("maxResults") ?? 100;
        var start = request.OptionalString("nextToken") is { } token && int.TryParse(token, CultureInfo.InvariantCulture, out var index) ? index : 0;
        return store.Read(state =>
        {
            var repositories = names.Count > 0
                ? names.Select(n => store.Repository(state, n)).ToList()
                : state.Repositories.Values.OrderBy(r => r.Name, StringComparer.Ordinal).ToList();
            var page = repositories.Skip(start).Take(maxResults).ToList();
            var response = new JsonObject { ["repositories"] = new JsonArray(page.Select(r => (JsonNode)RepositoryJson(r)).ToArray()) };
            if (start + page.Count < repositories.Count)
            {
                response["nextToken"] = (start + page.Count).ToString(CultureInfo.InvariantCulture);
            }

            return response;
        });
    }

    private JsonObject DeleteRepository(JsonObject request)
    {
        var name = request.RequiredString("repositoryName");
        var force = request.OptionalBool("force") ?? false;
        var deleted = store.Update(state =>
        {
            var repository = store.Repository(state, name);
            if (repository.Images.Count > 0 && !force)
            {
                throw new AwsServiceException("RepositoryNotEmptyException",
                    $"The repository with name '{name}' in registry with id '{store.AccountId}' cannot be deleted because it still contains images");
            }

            state.Repositories.Remove(name);
            return RepositoryJson(repository);
        });
        return new JsonObject { ["repository"] = deleted };
    }

    private JsonObject GetAuthorizationToken(JsonObject request)
    {
        _ = request;
        // The password carries who asked, as ECR's does: the registry authorizes pushes and pulls as that identity.
        var caller = requestCaller.Current;
        var (token, expiresAt) = tokens.Issue(caller.AccessKeyId, caller.Session?.Expiration);
        return new JsonObject
        {
            ["authorizationData"] = new JsonArray(new JsonObject
            {
                ["authorizationToken"] = token,
                ["expiresAt"] = Timestamp(expiresAt),
                // The registry is this same process: Docker talks plain HTTP to loopback registries.
                ["proxyEndpoint"] = $"http://{address.RegistryHost}",
            }),
        };
    }

    private JsonObject PutImageScanningConfiguration(JsonObject request)
    {
        var name = request.RequiredString("repositoryName");
        var configuration = request.OptionalObject("imageScanningConfiguration") ?? throw AwsServiceException.Validation("imageScanningConfiguration");
        var scanOnPush = configuration.OptionalBool("scanOnPush") ?? false;
        store.Update(state => store.Repository(state, name).ScanOnPush = scanOnPush);
        var response = RepositoryScope(name);
        response["imageScanningConfiguration"] = new JsonObject { ["scanOnPush"] = scanOnPush };
        return response;
    }

    private JsonObject PutImageTagMutability(JsonObject request)
    {
        var name = request.RequiredString("repositoryName");
        var mutability = RequireMutability(request.RequiredString("imageTagMutability"));
        store.Update(state => store.Repository(state, name).ImageTagMutability = mutability);
        var response = RepositoryScope(name);
        response["imageTagMutability"] = mutability;
        return response;
    }
}
