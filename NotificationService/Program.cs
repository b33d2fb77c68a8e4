// The service's endpoints, database and event handlers arrive with the services issue; until then it only starts.
var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.MapGet("/alive", () => Results.Ok());
app.Run();
