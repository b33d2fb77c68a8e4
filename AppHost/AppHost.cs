using Shop.AppHost;
using Shop.AppHost.Database;
using Shop.AppHost.Redis;

var builder = DistributedApplication.CreateBuilder(args);

// Redis holds the streams: a container where Docker runs, else a local redis-server, or a local cluster (see Redis:Mode).
var redis = builder.AddShopRedis("redis");

// Each service's own database: a SQLite file (the default), or a database and a user of its own on PostgreSQL, where
// every service runs two instances (see Database:Mode).
var databases = ShopDatabases.Add(builder);
var orderDb = databases.Add("orderdb", user: "order-service");
var inventoryDb = databases.Add("inventorydb", user: "inventory-service");
var notificationDb = databases.Add("notificationdb", user: "notification-service");

// Each service connects as its own Redis user: it may write only the stream it publishes to, and read the streams it
// consumes through its consumer group. It starts once Redis and its database are ready.
// The services speak plain HTTP on localhost: no development certificate (see WithoutDevelopmentCertificate).
builder.AddProject<Projects.OrderService>("orderservice").WithoutDevelopmentCertificate()
    .WithShopRedis(redis, user: "order-service", publishes: ["orders"], consumes: ["inventory", "notifications"])
    .WithReference(orderDb)
    .WaitFor(redis.Resource)
    .WaitFor(orderDb)
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
builder.AddProject<Projects.InventoryService>("inventoryservice").WithoutDevelopmentCertificate()
    .WithShopRedis(redis, user: "inventory-service", publishes: ["inventory"], consumes: ["orders"])
    .WithReference(inventoryDb)
    .WaitFor(redis.Resource)
    .WaitFor(inventoryDb)
    .WithReplicas(2);

builder.AddProject<Projects.NotificationService>("notificationservice").WithoutDevelopmentCertificate()
    .WithShopRedis(redis, user: "notification-service", publishes: ["notifications"], consumes: ["orders", "inventory"])
    .WithReference(notificationDb)
    .WaitFor(redis.Resource)
    .WaitFor(notificationDb)
    .WithReplicas(databases.InstancesPerService);

// The streams console: what the dashboard does not show — the streams themselves, their groups, consumers, pending
// entries and dead letters, live — and the replay of dead letters after a fix.
builder.AddShopStreamsConsole(redis)
    .WaitFor(redis.Resource);

builder.Build().Run();
