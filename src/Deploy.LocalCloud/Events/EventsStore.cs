using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.State;

namespace Deploy.LocalCloud.Events;

/// <summary>The rules of the default event bus and their targets (<c>events.json</c>), shared by the API and the bus.</summary>
internal sealed class EventsStore(LocalCloudOptions options)
{
    private readonly JsonStateFile<NamedItemsState> file = new(options.StateDirectory, "events.json");

    public TResult Read<TResult>(Func<NamedItemsState, TResult> read) => file.Read(read);

    public TResult Update<TResult>(Func<NamedItemsState, TResult> change) => file.Update(change);
}
