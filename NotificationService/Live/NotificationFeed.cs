using System.Collections.Concurrent;
using System.Threading.Channels;
using Shop.NotificationService.Domain;

namespace Shop.NotificationService.Live;

/// <summary>
/// Fans each new notification out to the open <c>/notifications/stream</c> connections. A slow client loses its
/// oldest unread items rather than holding the others back.
/// </summary>
public sealed class NotificationFeed
{
    private readonly ConcurrentDictionary<Guid, Channel<Notification>> _subscribers = new();

    public void Publish(Notification notification)
    {
        foreach (var subscriber in _subscribers.Values)
        {
            subscriber.Writer.TryWrite(notification);
        }
    }

    /// <summary>Registers a listener at once: everything published from now on reaches it until it is disposed.</summary>
    public Subscription Subscribe()
    {
        var id = Guid.NewGuid();
        var channel = Channel.CreateBounded<Notification>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest });
        _subscribers[id] = channel;
        return new Subscription(channel.Reader, () => _subscribers.TryRemove(id, out _));
    }

    public sealed class Subscription(ChannelReader<Notification> reader, Action unsubscribe) : IDisposable
    {
        public ChannelReader<Notification> Reader => reader;

        public void Dispose() => unsubscribe();
    }
}
