using System.ComponentModel.DataAnnotations;

namespace Shop.OrderService.Saga;

/// <summary>The saga's deadlines, bound from <c>Orders</c> and validated at start.</summary>
public sealed class OrderSagaOptions
{
    public const string SectionName = "Orders";

    /// <summary>
    /// How long an order may wait for its answer — inventory's for a pending order, the notification's for a final
    /// one — before its status event is published again; and again after as long, up to <see cref="MaxRedrives"/> times.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan ReservationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Re-drives without an answer before giving up: a pending order is then rejected ("Timed out waiting for
    /// inventory"); a final order stays final, without its notification noted.
    /// </summary>
    [Range(0, 100)]
    public int MaxRedrives { get; set; } = 3;

    /// <summary>How often the overdue orders are looked for.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan DeadlineScanInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Overdue orders handled per query; a full batch is followed by the next at once.</summary>
    [Range(1, 10_000)]
    public int DeadlineScanBatchSize { get; set; } = 100;
}
