using System.Threading.Channels;

namespace Shop.Messaging.EntityFrameworkCore.Outbox;

/// <summary>
/// Wakes the relay right after a commit that wrote outbox rows, so an event leaves without waiting for the next
/// sweep. Any number of commits between two wake-ups collapse into one.
/// </summary>
internal sealed class OutboxSignal
{
    private readonly Channel<bool> _pending = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
    });

    public void Notify() => _pending.Writer.TryWrite(true);

    /// <summary>Waits for a notification or until <paramref name="timeout"/> passes, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        using var timeoutSource = new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeoutSource.Token, cancellationToken);
        try
        {
            await _pending.Reader.ReadAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The sweep interval passed without a commit: time for the safety-net sweep.
        }
    }
}
