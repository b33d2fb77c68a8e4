using Shop.OrderService;
using Shop.OrderService.Api;
using Shop.OrderService.Data;
using Shop.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddOrderService();

var app = builder.Build();
await app.MigrateDatabaseAsync<OrderDb, OrderDbOnPostgres>();
app.UseServiceApi();
app.MapOrdersEndpoints();
if (app.Environment.IsDevelopment())
{
    app.MapSampleOrdersEndpoints();
}

app.MapDefaultEndpoints();
await app.RunAsync();

/// <summary>The entry point, public for WebApplicationFactory in the tests.</summary>
public partial class Program;
