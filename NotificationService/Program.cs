using Shop.NotificationService;
using Shop.NotificationService.Api;
using Shop.NotificationService.Data;
using Shop.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddNotificationService();

var app = builder.Build();
await app.MigrateDatabaseAsync<NotificationDb, NotificationDbOnPostgres>();
app.UseServiceApi();
app.MapNotificationsEndpoints();
app.MapDefaultEndpoints();
await app.RunAsync();

/// <summary>The entry point, public for WebApplicationFactory in the tests.</summary>
public partial class Program;
