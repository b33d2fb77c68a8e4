using Shop.AppHost;
using Shop.AppHost.Database;
using Shop.AppHost.Redis;

var builder = DistributedApplication.CreateBuilder(args);

// Redis holds the streams: a container where Docker runs, else a local redis-server, or a local cluster (see Redis:Mode).
var redis = builder.AddShopRedis("redis");

// Each service's own database: a SQLite file (the default), or a database and a user of its own on PostgreSQL, where
// every service runs two instances (see Database:Mode).
var databases = ShopDatabases.Add(builder);

// Each service connects as its own Redis user: it may write only the stream it publishes to, and read the streams it
// consumes through its consumer group.
// The services speak plain HTTP on localhost: no development certificate (see WithoutDevelopmentCertificate).
databases.For(builder.AddProject<Projects.OrderService>("orderservice"), "orderdb", user: "order-service").WithoutDevelopmentCertificate()
    .WithShopRedis(redis, user: "order-service", publishes: ["orders"], consumes: ["inventory", "notifications"])
    .WithReplicas(databases.InstancesPerService)
    // A button on the resource in the dashboard: a burst of sample orders, some of them over stock.
    .WithHttpCommand("/samples/orders?count=20", "Place 20 sample orders", commandOptions: new HttpCommandOptions
    {
        Method = HttpMethod.Post,
        Description = "POST /samples/orders: 20 orders, every fifth one over stock, to watch the saga in traces and metrics.",
        IconName = "Cart",
    });
// Two instances of one consumer group in every mode: the dashboard shows them splitting the orders stream, and stopping
// one shows the other taking over its pending entries after Messaging:ReclaimAfter.
databases.For(builder.AddProject<Projects.InventoryService>("inventoryservice"), "inventorydb", user: "inventory-service").WithoutDevelopmentCertificate()
    .WithShopRedis(redis, user: "inventory-service", publishes: ["inventory"], consumes: ["orders"])
    .WithReplicas(2);
databases.For(builder.AddProject<Projects.NotificationService>("notificationservice"), "notificationdb", user: "notification-service").WithoutDevelopmentCertificate()
    .WithShopRedis(redis, user: "notification-service", publishes: ["notifications"], consumes: ["orders", "inventory"])
    .WithReplicas(databases.InstancesPerService);

// The streams console: what the dashboard does not show — the streams themselves, their groups, consumers, pending
// entries and dead letters, live — and the replay of dead letters after a fix.
builder.AddShopStreamsConsole(redis);

builder.Build().Run();
