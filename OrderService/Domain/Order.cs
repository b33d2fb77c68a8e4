namespace Shop.OrderService.Domain;

/// <summary>
/// An order and its rules: it is placed <see cref="OrderStatus.Pending"/>, becomes <see cref="OrderStatus.Confirmed"/>
/// or <see cref="OrderStatus.Rejected"/> once inventory has answered, and may be cancelled until it is final.
/// Every transition says whether it happened, so a late or repeated event never moves a final order.
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

    /// <summary>The client's <c>Idempotency-Key</c>, unique: a retried POST finds the order it made.</summary>
    public string? IdempotencyKey { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public DateTime UpdatedAt { get; private set; }

    /// <summary>When the customer was notified of the order's current outcome.</summary>
    public DateTime? NotifiedAt { get; private set; }

    /// <summary>
    /// Bumped by every change and checked by every save (optimistic concurrency): a cancel and a confirmation racing
    /// for the same pending order cannot both win; the loser reloads and finds the order final.
    /// </summary>
    public int Version { get; private set; }

    public static Order Place(string customerId, IEnumerable<(string Sku, int Quantity)> lines, string? idempotencyKey, DateTimeOffset now)
    {
        var order = new Order
        {
            Id = Guid.CreateVersion7(now),
            CustomerId = customerId,
            Status = OrderStatus.Pending,
            IdempotencyKey = idempotencyKey,
            CreatedAt = now.UtcDateTime,
            UpdatedAt = now.UtcDateTime,
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

    private bool MoveFrom(OrderStatus from, OrderStatus to, DateTimeOffset now)
    {
        if (Status != from)
        {
            return false;
        }

        Status = to;
        NotifiedAt = null;
        UpdatedAt = now.UtcDateTime;
        Version++;
        return true;
    }
}
