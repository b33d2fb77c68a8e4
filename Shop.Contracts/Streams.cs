namespace Shop.Contracts;

/// <summary>One stream per publishing domain; the name is the topic.</summary>
public static class Streams
{
    /// <summary>Written by OrderService.</summary>
    public const string Orders = "orders";

    /// <summary>Written by InventoryService.</summary>
    public const string Inventory = "inventory";

    /// <summary>Written by NotificationService.</summary>
    public const string Notifications = "notifications";
}
