using Shop.Contracts.Inventory;
using Shop.Contracts.Notifications;
using Shop.Contracts.Orders;
using Shop.Messaging.DependencyInjection;

namespace Shop.Contracts;

/// <summary>Tells the bus every Shop event: its stream and its JSON contract.</summary>
public static class ShopEventsRegistration
{
    public static MessagingBuilder AddShopEvents(this MessagingBuilder messaging)
    {
        ArgumentNullException.ThrowIfNull(messaging);
        var json = ContractsJsonContext.Default;
        return messaging
            .AddEvent(Streams.Orders, json.OrderPlaced)
            .AddEvent(Streams.Orders, json.OrderConfirmed)
            .AddEvent(Streams.Orders, json.OrderRejected)
            .AddEvent(Streams.Orders, json.OrderCancelled)
            .AddEvent(Streams.Inventory, json.StockReserved)
            .AddEvent(Streams.Inventory, json.StockReservationFailed)
            .AddEvent(Streams.Inventory, json.StockReleased)
            .AddEvent(Streams.Inventory, json.StockReplenished)
            .AddEvent(Streams.Inventory, json.StockLow)
            .AddEvent(Streams.Notifications, json.CustomerNotified);
    }
}
