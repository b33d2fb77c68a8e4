namespace Shop.Messaging.Consuming;

/// <summary>
/// Batched handling: lets a store apply the entries of one read in <em>one</em> transaction. The bus begins it, runs
/// each entry's inbox check and handlers in the same scope one after the other (calling <see cref="EntryHandledAsync"/>
/// after each), commits once, and only then acknowledges the batch with one XACK. If any handler throws, the bus rolls
/// the whole batch back and handles its entries one by one (each in its own transaction, with retries and
/// dead-lettering), so a poison entry costs the batch only its speed. Resolved from the batch's scope when registered
/// (the EF store registers one); without it every delivery is handled on its own.
/// </summary>
public interface IBatchTransaction
{
    /// <summary>
    /// Starts the transaction; <paramref name="eventIds"/> are the batch's events, for the inbox to look up at once
    /// among those <paramref name="group"/> has applied.
    /// </summary>
    ValueTask BeginAsync(string group, IReadOnlyCollection<Guid> eventIds, CancellationToken cancellationToken);

    /// <summary>One entry is handled: write what it changed into the transaction, and forget its tracked state.</summary>
    ValueTask EntryHandledAsync(CancellationToken cancellationToken);

    /// <summary>Makes every entry's changes durable at once; only then does the bus acknowledge the batch.</summary>
    ValueTask CommitAsync(CancellationToken cancellationToken);

    /// <summary>Undoes every entry of the batch; the scope's state is as before <see cref="BeginAsync"/>.</summary>
    ValueTask RollbackAsync(CancellationToken cancellationToken);
}
