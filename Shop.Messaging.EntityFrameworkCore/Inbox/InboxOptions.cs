using System.ComponentModel.DataAnnotations;

namespace Shop.Messaging.EntityFrameworkCore.Inbox;

/// <summary>The inbox's settings, bound from <c>Messaging:Inbox</c>.</summary>
public sealed class InboxOptions
{
    public const string SectionName = "Messaging:Inbox";

    /// <summary>
    /// How long an applied event is remembered. Far longer than any realistic redelivery window (ReclaimAfter ×
    /// MaxDeliveries is minutes), so a late duplicate still finds its record.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// When an event arrives that this group has applied already, publish again what its handling raised (the outbox
    /// rows it caused, with their own event ids): a sender that asks again because the answer was lost gets it, and
    /// one whose answer was not lost gets a duplicate its inbox absorbs. Within <see cref="Outbox.OutboxOptions.Retention"/>.
    /// </summary>
    public bool ReplayOutcomes { get; set; } = true;

    /// <summary>
    /// Event types whose handlers touch no database and opt out of the inbox (they run on every delivery).
    /// Set in code with <c>WithoutInbox&lt;T&gt;()</c>.
    /// </summary>
    public ISet<Type> ExcludedEventTypes { get; } = new HashSet<Type>();
}
