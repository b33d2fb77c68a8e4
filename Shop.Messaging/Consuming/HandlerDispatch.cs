using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Shop.Messaging.Configuration;
using Shop.Messaging.Inbox;
using Shop.Messaging.Telemetry;

namespace Shop.Messaging.Consuming;

/// <summary>The core of the invoke step, alone or in a batch: the inbox check, every Mediator handler, the inbox record.</summary>
internal static class HandlerDispatch
{
    /// <summary>
    /// Fills in <paramref name="context"/> for <paramref name="entry"/>, then runs its handlers in <paramref name="services"/>'
    /// scope; false when the inbox says the event was applied already.
    /// </summary>
    public static async Task<bool> DispatchAsync(
        IServiceProvider services, DeliveryContext context, string stream, ConsumerIdentity identity, Decoded entry, CancellationToken abort)
    {
        var (delivery, envelope, @event) = (entry.Delivery, entry.Envelope!, entry.Event!);
        context.Begin(stream, identity.Group, identity.Consumer, delivery.EntryId, delivery.DeliveryCount, envelope.EventId);
        var inbox = services.GetService<IInbox>();
        if (inbox is not null && !await inbox.TryBeginAsync(context, @event.GetType(), abort).ConfigureAwait(false))
        {
            return false;
        }

        await services.GetRequiredService<IPublisher>().Publish(@event, abort).ConfigureAwait(false);
        if (inbox is not null)
        {
            await inbox.CompleteAsync(context, abort).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Runs what a handler asked to run once its changes are committed (<see cref="DeliveryContext.AfterCommit"/>).</summary>
    public static void RunAfterCommit(IEnumerable<Action>? actions, string stream, string entryId, ILogger logger)
    {
        foreach (var action in actions ?? [])
        {
            try
            {
                action();
            }
            // The entry's changes are committed: a failing follow-up must not make it look unhandled.
            catch (Exception exception)
            {
                MessagingLog.AfterCommitFailed(logger, exception, stream, entryId);
            }
        }
    }
}
