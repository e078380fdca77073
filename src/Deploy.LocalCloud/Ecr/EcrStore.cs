using System.Text.RegularExpressions;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Protocols;
using Deploy.LocalCloud.State;

namespace Deploy.LocalCloud.Ecr;

/// <summary>ECR state file plus the lookups that fail with ECR's own error codes and messages.</summary>
internal sealed partial class EcrStore(LocalCloudOptions options)
{
    private readonly JsonStateFile<EcrState> file = new(options.StateDirectory, "ecr.json");

    public string AccountId => options.AccountId;

    public string Region => options.Region;

    public TResult Read<TResult>(Func<EcrState, TResult> read) => file.Read(read);

    public TResult Update<TResult>(Func<EcrState, TResult> change) => file.Update(change);

    public RepositoryRecord Repository(EcrState state, string name) =>
        state.Repositories.GetValueOrDefault(name)
        ?? throw new AwsServiceException("RepositoryNotFoundException",
            $"The repository with name '{name}' does not exist in the registry with id '{AccountId}'");

    public string RepositoryArn(string name) => $"arn:aws:ecr:{options.Region}:{AccountId}:repository/{name}";

    public static void ValidateRepositoryName(string name)
    {
        if (name.Length is < 2 or > 256 || !RepositoryNamePattern().IsMatch(name))
        {
            throw new AwsServiceException("InvalidParameterException",
                $"Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '{RepositoryNamePattern()}''");
        }
    }

    /// <summary>Finds an image by digest and/or tag; null when absent. A digest/tag pair that disagree is also null.</summary>
    public static ImageRecord? FindImage(RepositoryRecord repository, string? digest, string? tag) =>
        repository.Images.FirstOrDefault(i => (digest is null || i.Digest == digest) && (tag is null || i.Tags.Contains(tag)));

    [GeneratedRegex("^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$")]
    public static partial Regex RepositoryNamePattern();
}
