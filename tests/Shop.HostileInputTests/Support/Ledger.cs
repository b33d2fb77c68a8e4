using System.Collections.Concurrent;

namespace Shop.HostileInputTests.Support;

/// <summary>
/// What the run made happen that the system must account for: the orders OrderService accepted (valid requests among
/// the hostile ones), the units restocked, and the hostile entries written with the groups that must refuse them.
/// </summary>
public sealed class Ledger(IReadOnlyDictionary<string, (int Available, int Reserved)> initialStock)
{
    private readonly List<Guid> _orders = [];
    private readonly ConcurrentDictionary<string, long> _restocked = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, (int Available, int Reserved)> InitialStock { get; } = initialStock;

    public IReadOnlyList<Guid> Orders => _orders;

    /// <summary>Each written entry (its stream and id: ids are unique per stream only), with the groups that must dead-letter it.</summary>
    public Dictionary<(string Stream, string Id), (string[] RefusedBy, string Description)> Entries { get; } = [];

    public void OrderAccepted(Guid orderId)
    {
        if (!_orders.Contains(orderId))
        {
            _orders.Add(orderId);
        }
    }

    public void Restocked(string sku, int quantity) => _restocked.AddOrUpdate(sku, quantity, (_, sum) => sum + quantity);

    /// <summary>How many units of <paramref name="sku"/> exist now: what the catalog started with, and every restock.</summary>
    public long UnitsOf(string sku) =>
        InitialStock.TryGetValue(sku, out var initial) ? initial.Available + initial.Reserved + _restocked.GetValueOrDefault(sku) : 0;
}
