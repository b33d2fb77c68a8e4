using Mediator;
using Microsoft.EntityFrameworkCore;
using Shop.Messaging.EntityFrameworkCore.Outbox;
using Shop.Messaging.EntityFrameworkCore.Transactions;

namespace Shop.Messaging.EntityFrameworkCore.Tests.Support;

/// <summary>
/// The consuming side's effect: add to a counter, in one transaction with the inbox record. A bump of a counter named
/// <c>asks-…</c> is a question: it raises an answer (a bump of <c>answer-…</c>, by 0) through the outbox, what the
/// inbox publishes again when the question arrives again.
/// </summary>
public sealed class BumpCounter(CounterDb db, HandlerFaults faults, IOutbox outbox) : INotificationHandler<CounterBumped>
{
    public const string QuestionPrefix = "asks-";
    public const string AnswerPrefix = "answer-";

    public async ValueTask Handle(CounterBumped notification, CancellationToken cancellationToken)
    {
        faults.Calls.Enqueue(notification.Id);
        faults.Applied.Enqueue((notification.Counter, notification.By));
        await using var transaction = await db.Database.BeginAtomicAsync(cancellationToken);
        var counter = await db.Counters.FindAsync([notification.Counter], cancellationToken);
        if (counter is null)
        {
            counter = new Counter { Name = notification.Counter };
            db.Counters.Add(counter);
        }

        counter.Value += notification.By;
        if (notification.Counter.StartsWith(QuestionPrefix, StringComparison.Ordinal))
        {
            outbox.Add(new CounterBumped(AnswerPrefix + notification.Counter[QuestionPrefix.Length..], 0));
        }

        await db.SaveChangesAsync(cancellationToken);
        if (faults.AlwaysFailing.Contains(notification.Counter))
        {
            throw new InvalidOperationException($"counter {notification.Counter} is poison");
        }

        if (faults.FailAfterWriting > 0 && Interlocked.Decrement(ref faults.FailAfterWriting) >= 0)
        {
            // Written, not committed: the transaction rolls back when it is disposed.
            throw new InvalidOperationException("failed after writing");
        }

        await transaction.CommitAsync(cancellationToken);
    }
}

/// <summary>What a test lets the handler do wrong, and what it saw.</summary>
public sealed class HandlerFaults
{
#pragma warning disable CA1051 // Decremented with Interlocked by the handler.
    public int FailAfterWriting;
#pragma warning restore CA1051

    /// <summary>Counters whose every bump throws (after writing): a poison entry.</summary>
    public HashSet<string> AlwaysFailing { get; init; } = [];

    /// <summary>Every handler call's event id, in call order.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<Guid> Calls { get; } = [];

    /// <summary>Every handler call's counter and amount, in call order.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<(string Counter, int By)> Applied { get; } = [];
}
