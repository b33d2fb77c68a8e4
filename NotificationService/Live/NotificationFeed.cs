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

    public async IAsyncEnumerable<Notification> SubscribeAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid();
        var channel = Channel.CreateBounded<Notification>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest });
        _subscribers[id] = channel;
        try
        {
            await foreach (var notification in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return notification;
            }
        }
        finally
        {
            _subscribers.TryRemove(id, out _);
        }
    }
}
