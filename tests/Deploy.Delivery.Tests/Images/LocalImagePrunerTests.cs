using Deploy.Delivery.Images;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Deploy.Delivery.Tests.Images;

// Real Docker engine: tiny imported images stand in for builds of four commits.
[Collection("Docker engine")]
public sealed class LocalImagePrunerTests
{
    [Fact]
    public async Task Old_images_of_this_checkout_go_with_their_registry_tags_while_the_newest_those_a_container_uses_and_others_images_stay()
    {
        using var docker = Tools.CreateDockerClient();
        var repository = $"deploy-prune-test/{Guid.NewGuid():N}";
        var registryTag = $"127.0.0.1:5999/{repository}";
        var ids = new List<string>();
        var others = new List<string>();
        var checkout = LocalImagePruner.CheckoutId("/srv/checkout");
        string? container = null;
        try
        {
            // The oldest of all: built by another checkout (or by hand, unlabelled) under the same name.
            var foreign = await ImportAsync(docker, repository, "other-checkout", LocalImagePruner.CheckoutId("/srv/other"));
            var byHand = await ImportAsync(docker, repository, "by-hand", null);
            others.AddRange([foreign, byHand]);
            for (var commit = 1; commit <= 4; commit++)
            {
                await Task.Delay(TimeSpan.FromSeconds(1.1)); // the engine lists creation times in whole seconds
                ids.Add(await ImportAsync(docker, repository, $"commit{commit}", checkout));
            }

            // The oldest was also pushed (tagged for the registry); the second oldest backs a stopped container.
            await docker.Images.TagImageAsync(ids[0], new ImageTagParameters { RepositoryName = registryTag, Tag = "commit1" });
            container = (await docker.Containers.CreateContainerAsync(new CreateContainerParameters { Image = $"{repository}:commit2", Cmd = ["/nothing"] })).ID;

            var result = await new LocalImagePruner(docker).PruneAsync(repository, checkout, keep: 2, currentId: ids[3]);

            Assert.Equal([$"{ImageId.Abbreviate(ids[0])} ({registryTag}:commit1, {repository}:commit1)"], result.Removed);
            Assert.Equal([ImageId.Abbreviate(ids[1])], result.InUse);
            await Assert.ThrowsAsync<DockerImageNotFoundException>(() => docker.Images.InspectImageAsync(ids[0]));
            await Assert.ThrowsAsync<DockerImageNotFoundException>(() => docker.Images.InspectImageAsync($"{registryTag}:commit1"));
            foreach (var kept in ids.Skip(1))
                await docker.Images.InspectImageAsync(kept);
            await docker.Images.InspectImageAsync(foreign);
            await docker.Images.InspectImageAsync(byHand);
            Assert.NotEqual(checkout, LocalImagePruner.CheckoutId("/srv/other"));
            Assert.Equal(checkout, LocalImagePruner.CheckoutId("/srv/checkout/"));
            Assert.Contains("Pruned 1 old image(s)", result.Describe(repository, 2), StringComparison.Ordinal);
            Assert.Contains($"\n  removed {ImageId.Abbreviate(ids[0])} ({registryTag}:commit1, {repository}:commit1)", result.Describe(repository, 2), StringComparison.Ordinal);
            Assert.Contains("still used by a container", result.Describe(repository, 2), StringComparison.Ordinal);

            var again = await new LocalImagePruner(docker).PruneAsync(repository, checkout, keep: 3, currentId: ids[3]);
            Assert.Empty(again.Removed);
            Assert.Empty(again.InUse);
        }
        finally
        {
            if (container is not null)
                await docker.Containers.RemoveContainerAsync(container, new ContainerRemoveParameters { Force = true });
            foreach (var id in ids.Concat(others))
                await docker.Images.DeleteImageAsync(id, new ImageDeleteParameters { Force = true }).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    // An empty tar: an image with one empty layer, told apart by its label, built by a checkout when one is given.
    [Fact]
    public async Task Untagged_stage_images_past_the_newest_go_while_tagged_and_other_stages_stay()
    {
        using var docker = Tools.CreateDockerClient();
        var repository = $"deploy-prune-test/{Guid.NewGuid():N}";
        var stage = $"{LocalImagePruner.StageLabel}=test-{Guid.NewGuid():N}";
        var ids = new List<string>();
        try
        {
            // Each import takes the tag from the one before, which is left untagged, as a rebuilt stage is.
            // Another stage's single untagged image, the oldest of all.
            var otherStage = $"{LocalImagePruner.StageLabel}=other-{Guid.NewGuid():N}";
            ids.Add(await ImportAsync(docker, repository, "other", null, $"{otherStage} build=1"));
            ids.Add(await ImportAsync(docker, repository, "other", null, $"{otherStage} build=2"));
            for (var build = 1; build <= 4; build++)
            {
                await Task.Delay(TimeSpan.FromSeconds(1.1)); // the engine lists creation times in whole seconds
                ids.Add(await ImportAsync(docker, repository, "stage", null, $"{stage} build={build}"));
            }

            var removed = await new LocalImagePruner(docker).PruneStagesAsync(keep: 2);

            Assert.Contains(ImageId.Abbreviate(ids[2]), removed);
            await Assert.ThrowsAsync<DockerImageNotFoundException>(() => docker.Images.InspectImageAsync(ids[2]));
            foreach (var kept in ids.Where((_, i) => i != 2))
                await docker.Images.InspectImageAsync(kept); // the other stage's, two untagged, the tagged newest
            Assert.DoesNotContain(ImageId.Abbreviate(ids[3]), removed);
        }
        finally
        {
            foreach (var id in Enumerable.Reverse(ids))
                await docker.Images.DeleteImageAsync(id, new ImageDeleteParameters { Force = true }).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private static async Task<string> ImportAsync(DockerClient docker, string repository, string tag, string? checkout, string? labels = null)
    {
        var label = (checkout is null ? "" : $" {LocalImagePruner.CheckoutLabel}={checkout}") + (labels is null ? "" : " " + labels);
        var import = new ImagesCreateParameters { FromSrc = "-", Repo = repository, Tag = tag, Changes = [$"LABEL commit={tag}{label}"] };
        await docker.Images.CreateImageAsync(import, new MemoryStream(new byte[1024]), null, new Progress<JSONMessage>());
        return (await docker.Images.InspectImageAsync($"{repository}:{tag}")).ID;
    }
}
