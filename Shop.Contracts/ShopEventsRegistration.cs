using Shop.Contracts.Inventory;
using Shop.Contracts.Notifications;
using Shop.Contracts.Orders;
using Shop.Contracts.Orders.Versions;
using Shop.Messaging.DependencyInjection;

namespace Shop.Contracts;

/// <summary>
/// Tells the bus every Shop event: its stream, its JSON contract, its version and the older versions still read
/// (docs/versioning.md), and its partition key — the order id, so that all
/// events of one order stay in one partition and in order when a stream is partitioned (the SKU for stock events that
/// belong to no order, the notification id for a notification that has no order).
/// </summary>
public static class ShopEventsRegistration
{
    public static MessagingBuilder AddShopEvents(this MessagingBuilder messaging)
    {
        ArgumentNullException.ThrowIfNull(messaging);
        var json = ContractsJsonContext.Default;
        return messaging
            .AddEvent(Streams.Orders, json.OrderPlaced, partitionKey: e => OrderKey(e.OrderId), version: OrderPlaced.Version)
            .AddOlderVersion(1, json.OrderPlacedV1, (OrderPlacedV1 v1) => v1.ToVersion2())
            .AddEvent(Streams.Orders, json.OrderConfirmed, partitionKey: e => OrderKey(e.OrderId))
            .AddEvent(Streams.Orders, json.OrderRejected, partitionKey: e => OrderKey(e.OrderId))
            .AddEvent(Streams.Orders, json.OrderCancelled, partitionKey: e => OrderKey(e.OrderId))
            .AddEvent(Streams.Orders, json.StockReleaseRequested, partitionKey: e => OrderKey(e.OrderId))
            .AddEvent(Streams.Inventory, json.StockReserved, partitionKey: e => OrderKey(e.OrderId))
            .AddEvent(Streams.Inventory, json.StockReservationFailed, partitionKey: e => OrderKey(e.OrderId))
            .AddEvent(Streams.Inventory, json.StockReleased, partitionKey: e => OrderKey(e.OrderId))
            .AddEvent(Streams.Inventory, json.StockReplenished, partitionKey: e => e.Sku)
            .AddEvent(Streams.Inventory, json.StockLow, partitionKey: e => e.Sku)
            .AddEvent(Streams.Notifications, json.CustomerNotified, partitionKey: e => OrderKey(e.OrderId ?? e.NotificationId));
    }

    private static string OrderKey(Guid id) => id.ToString("N");
}
