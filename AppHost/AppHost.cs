using Shop.AppHost;
using Shop.AppHost.Redis;

var builder = DistributedApplication.CreateBuilder(args);

// Redis holds the streams: a container where Docker runs, else a local redis-server, or a local cluster (see Redis:Mode).
var redis = builder.AddShopRedis("redis");

// Every service's SQLite file lives in one data folder (the two InventoryService replicas share theirs).
var data = builder.ShopDataDirectory();

builder.AddProject<Projects.OrderService>("orderservice").WithShopRedis(redis).WithSqlite("orderdb", data)
    // A button on the resource in the dashboard: a burst of sample orders, some of them over stock.
    .WithHttpCommand("/samples/orders?count=20", "Place 20 sample orders", commandOptions: new HttpCommandOptions
    {
        Method = HttpMethod.Post,
        Description = "POST /samples/orders: 20 orders, every fifth one over stock, to watch the saga in traces and metrics.",
        IconName = "Cart",
    });
// Two instances of one consumer group: the dashboard shows them splitting the orders stream, and stopping one shows
// the other taking over its pending entries after Messaging:ReclaimAfter.
builder.AddProject<Projects.InventoryService>("inventoryservice").WithShopRedis(redis).WithSqlite("inventorydb", data)
    .WithReplicas(2);
builder.AddProject<Projects.NotificationService>("notificationservice").WithShopRedis(redis).WithSqlite("notificationdb", data);

builder.Build().Run();
