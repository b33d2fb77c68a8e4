using Shop.ServiceDefaults;
using Shop.StreamsConsole;
using Shop.StreamsConsole.Api;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddStreamsConsole();

var app = builder.Build();
// Requests for another host than AllowedHosts (localhost by default: no DNS rebinding) are refused before this, by
// ASP.NET Core's host filtering.
app.UseSecurityHeaders();
app.UseServiceApi();
// The page: one HTML file, its script and its styles from wwwroot, nothing from anywhere else.
app.UseDefaultFiles();
app.UseStaticFiles();
app.UseAntiforgery();
app.UseRateLimiter();
app.MapStreamsEndpoints();
app.MapDeadLettersEndpoints();
app.MapDefaultEndpoints();
await app.RunAsync();

/// <summary>The entry point, public for WebApplicationFactory in the tests.</summary>
public partial class Program;
