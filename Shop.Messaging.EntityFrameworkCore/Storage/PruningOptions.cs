using System.ComponentModel.DataAnnotations;

namespace Shop.Messaging.EntityFrameworkCore.Storage;

/// <summary>How often the outbox and inbox are pruned, bound from <c>Messaging:Pruning</c>.</summary>
public sealed class PruningOptions
{
    public const string SectionName = "Messaging:Pruning";

    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(10);
}
