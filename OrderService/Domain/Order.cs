using Shop.Messaging.Events;
namespace Shop.OrderService.Domain;

/// <summary>
/// An order and its rules: it is placed <see cref="OrderStatus.Pending"/>, becomes <see cref="OrderStatus.Confirmed"/>
/// or <see cref="OrderStatus.Rejected"/> once inventory has answered, and may be cancelled until it is final.
/// Every transition says whether it happened, so a late or repeated event never moves a final order, and remembers the
/// event that announced it, so that the saga's deadlines can announce it again, as the same event
/// (<see cref="Redrive"/>).
/// </summary>
public sealed class Order
{
    private readonly List<OrderItem> _items = [];

    private Order()
    {
    }

    public Guid Id { get; private set; }

    public string CustomerId { get; private set; } = "";

    public OrderStatus Status { get; private set; }

    public IReadOnlyList<OrderItem> Items => _items;

    /// <summary>Why the order was rejected.</summary>
    public string? Reason { get; private set; }

    /// <summary>
    /// The client's <c>Idempotency-Key</c>, unique per customer: a retried POST finds the order it made, and another
    /// customer's key of the same value is another key.
    /// </summary>
    public string? IdempotencyKey { get; private set; }

    /// <summary>
    /// What the request that placed the order asked for, hashed (its customer and lines, in order): a request that
    /// comes again with the same key must ask for the same, or it is refused. Null for orders placed before it was kept.
    /// </summary>
    public string? IdempotencyFingerprint { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public DateTime UpdatedAt { get; private set; }

    /// <summary>When the customer was notified of the order's current outcome.</summary>
    public DateTime? NotifiedAt { get; private set; }

    /// <summary>The id of the event that announced the current status (OrderPlaced, OrderConfirmed, …).</summary>
    public Guid StatusEventId { get; private set; }

    /// <summary>When the order took its current status: the announcing event's <c>occurredAt</c>.</summary>
    public DateTime StatusChangedAt { get; private set; }

    /// <summary>How often the current status was announced again because its answer did not come.</summary>
    public int Redrives { get; private set; }

    /// <summary>The W3C trace context the order was placed in: re-drives link their spans to it.</summary>
    public string? TraceParent { get; private set; }

    /// <summary>
    /// Bumped by every change and checked by every save (optimistic concurrency): a cancel and a confirmation racing
    /// for the same pending order cannot both win; the loser reloads and finds the order final.
    /// </summary>
    public int Version { get; private set; }

    public static Order Place(
        string customerId, IEnumerable<(string Sku, int Quantity)> lines, (string Key, string Fingerprint)? idempotency,
        string? traceParent, DateTimeOffset now)
    {
        var order = new Order
        {
            Id = Guid.CreateVersion7(now),
            CustomerId = customerId,
            Status = OrderStatus.Pending,
            IdempotencyKey = idempotency?.Key,
            IdempotencyFingerprint = idempotency?.Fingerprint,
            CreatedAt = now.UtcDateTime,
            UpdatedAt = now.UtcDateTime,
            StatusEventId = EventIds.NewId(now),
            StatusChangedAt = now.UtcDateTime,
            TraceParent = traceParent,
        };
        order._items.AddRange(lines.Select(line => new OrderItem { Sku = line.Sku, Quantity = line.Quantity }));
        return order;
    }

    public bool Confirm(DateTimeOffset now) => MoveFrom(OrderStatus.Pending, OrderStatus.Confirmed, now);

    public bool Reject(string reason, DateTimeOffset now)
    {
        if (!MoveFrom(OrderStatus.Pending, OrderStatus.Rejected, now))
        {
            return false;
        }

        Reason = reason;
        return true;
    }

    /// <summary>Pending or confirmed orders can be cancelled; a rejected or cancelled one cannot.</summary>
    public bool Cancel(DateTimeOffset now) =>
        MoveFrom(OrderStatus.Pending, OrderStatus.Cancelled, now) || MoveFrom(OrderStatus.Confirmed, OrderStatus.Cancelled, now);

    /// <summary>
    /// Whether a request that came again with this order's idempotency key asks for what the first one did (an order
    /// placed before fingerprints were kept is taken at its key's word).
    /// </summary>
    public bool IsPlacedBy(string fingerprint) => IdempotencyFingerprint is null || IdempotencyFingerprint == fingerprint;

    /// <summary>
    /// Whether <paramref name="lines"/> are this order's: the same units of the same products, however they are split
    /// into lines (inventory answers one line per product).
    /// </summary>
    public bool HasLines(IEnumerable<(string Sku, int Quantity)> lines) =>
        UnitsPerProduct(lines).SequenceEqual(UnitsPerProduct(_items.Select(item => (item.Sku, item.Quantity))));

    /// <summary>
    /// Whether the order waits for an answer that is overdue at <paramref name="now"/>: pending (inventory's), or final
    /// but not notified (the customer notification's), with its status unchanged for <paramref name="timeout"/>.
    /// </summary>
    public bool IsOverdue(TimeSpan timeout, DateTimeOffset now) =>
        (Status == OrderStatus.Pending || NotifiedAt is null) && UpdatedAt <= (now - timeout).UtcDateTime;

    /// <summary>
    /// The current status is announced again (its event republished with the same id): counts it, and starts the
    /// status's deadline over. False when the order has nothing to wait for.
    /// </summary>
    public bool Redrive(DateTimeOffset now)
    {
        if (Status != OrderStatus.Pending && NotifiedAt is not null)
        {
            return false;
        }

        Redrives++;
        UpdatedAt = now.UtcDateTime;
        Version++;
        return true;
    }

    /// <summary>Notes the notification about <paramref name="outcome"/>, if that is still the order's status.</summary>
    public bool MarkNotified(OrderStatus outcome, DateTimeOffset now)
    {
        if (Status != outcome || outcome == OrderStatus.Pending)
        {
            return false;
        }

        NotifiedAt = now.UtcDateTime;
        UpdatedAt = now.UtcDateTime;
        Version++;
        return true;
    }

    private static IEnumerable<(string Sku, long Units)> UnitsPerProduct(IEnumerable<(string Sku, int Quantity)> lines) =>
        lines.GroupBy(line => line.Sku, StringComparer.Ordinal)
            .Select(product => (product.Key, product.Sum(line => (long)line.Quantity)))
            .OrderBy(product => product.Key, StringComparer.Ordinal);

    /// <summary>
    /// The one place an order's status changes, and so the one place its status event is stamped: a new event id and
    /// <paramref name="now"/>, which <see cref="Saga.OrderStatusEvents"/> builds the event from, first time and re-drive alike.
    /// </summary>
    private bool MoveFrom(OrderStatus from, OrderStatus to, DateTimeOffset now)
    {
        if (Status != from)
        {
            return false;
        }

        Status = to;
        NotifiedAt = null;
        StatusEventId = EventIds.NewId(now);
        StatusChangedAt = now.UtcDateTime;
        Redrives = 0;
        UpdatedAt = now.UtcDateTime;
        Version++;
        return true;
    }
}
