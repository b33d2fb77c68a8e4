using Shop.InventoryService;
using Shop.InventoryService.Api;
using Shop.InventoryService.Data;
using Shop.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddInventoryService();

var app = builder.Build();
await app.MigrateDatabaseAsync<InventoryDb, InventoryDbOnPostgres>();
app.UseServiceApi();
app.MapProductsEndpoints();
app.MapDefaultEndpoints();
await app.RunAsync();

/// <summary>The entry point, public for WebApplicationFactory in the tests.</summary>
public partial class Program;
