using Shop.AppHost.Redis;

var builder = DistributedApplication.CreateBuilder(args);

// Redis holds the streams: a container where Docker runs, else a local redis-server (see Redis:Mode).
var redis = builder.AddShopRedis("redis");

builder.AddProject<Projects.OrderService>("orderservice").WithReference(redis).WaitFor(redis);
builder.AddProject<Projects.InventoryService>("inventoryservice").WithReference(redis).WaitFor(redis);
builder.AddProject<Projects.NotificationService>("notificationservice").WithReference(redis).WaitFor(redis);

builder.Build().Run();
