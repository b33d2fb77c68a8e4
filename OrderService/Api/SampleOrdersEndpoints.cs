using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Shop.Messaging.EntityFrameworkCore.Outbox;
using Shop.OrderService.Data;

namespace Shop.OrderService.Api;

/// <summary>
/// <c>POST /samples/orders?count=20</c>: a burst of sample orders, every fifth one over stock, so the dashboard shows
/// traffic (confirmed and rejected) without anyone writing a request. Development only; the AppHost offers it as a
/// command on the OrderService resource.
/// </summary>
internal static class SampleOrdersEndpoints
{
    private static readonly string[] Skus = ["SKU-001", "SKU-002", "SKU-003", "SKU-005"];

    public static IEndpointRouteBuilder MapSampleOrdersEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/samples/orders", PlaceSamplesAsync).WithTags("Samples").WithName("PlaceSampleOrders");
        return app;
    }

    private static async Task<Accepted<List<Guid>>> PlaceSamplesAsync(
        OrderDb db, IOutbox outbox, TimeProvider timeProvider, CancellationToken cancellationToken,
        [Range(1, 1000, ErrorMessage = "Between {1} and {2} sample orders.")] int count = 20)
    {
        var ids = new List<Guid>(count);
        for (var i = 0; i < count; i++)
        {
            (string, int)[] lines = i % 5 == 4
                ? [("SKU-006", 50)]
                : [(Skus[i % Skus.Length], 1 + (i % 3))];
            ids.Add(OrdersEndpoints.AddOrder(db, outbox, timeProvider.GetUtcNow(), $"sample-{i % 7}", lines, idempotency: null).Id);
            // One commit per order, as real requests would be: each is its own trace and its own outbox row.
            await db.SaveChangesAsync(cancellationToken);
        }

        return TypedResults.Accepted("/orders", ids);
    }
}
