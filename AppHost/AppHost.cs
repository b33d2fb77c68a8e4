var builder = DistributedApplication.CreateBuilder(args);

var redis = builder.AddRedis("redis");

builder.AddProject<Projects.OrderService>("orderservice").WithReference(redis).WaitFor(redis);
builder.AddProject<Projects.InventoryService>("inventoryservice").WithReference(redis).WaitFor(redis);
builder.AddProject<Projects.NotificationService>("notificationservice").WithReference(redis).WaitFor(redis);

builder.Build().Run();
