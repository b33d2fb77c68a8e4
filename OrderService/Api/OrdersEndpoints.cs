using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Shop.Contracts;
using Shop.Contracts.Orders;
using Shop.Messaging.EntityFrameworkCore.Outbox;
using Shop.OrderService.Data;
using Shop.OrderService.Domain;
using Shop.OrderService.Saga;

namespace Shop.OrderService.Api;

/// <summary>The <c>/orders</c> resource. Every write raises its event through the outbox, so it needs no Redis to answer.</summary>
internal static class OrdersEndpoints
{
    private const int MaxIdempotencyKeyLength = 200;

    public static IEndpointRouteBuilder MapOrdersEndpoints(this IEndpointRouteBuilder app)
    {
        var orders = app.MapGroup("/orders").WithTags("Orders");
        orders.MapPost("/", PlaceAsync).WithName("PlaceOrder");
        orders.MapGet("/{orderId:guid}", GetAsync).WithName("GetOrder");
        orders.MapGet("/", ListAsync).WithName("ListOrders");
        orders.MapPost("/{orderId:guid}/cancel", CancelAsync).WithName("CancelOrder");
        return app;
    }

    /// <summary>
    /// Places an order. With an <c>Idempotency-Key</c>, the key is the customer's own: the same key and the same request
    /// answer the order the first request made (however often, however concurrently); the same key with another request
    /// is refused with 422, never answered with somebody else's order.
    /// </summary>
    private static async Task<Results<AcceptedAtRoute<PlacedOrderResponse>, ValidationProblem, ProblemHttpResult>> PlaceAsync(
        PlaceOrderRequest request,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        OrderDb db,
        IOutbox outbox,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        // The body met its rules already (OrderContracts.cs; AddValidation's filter answered 400 otherwise). The header
        // is checked here: the validation would name it after this parameter, not as the client sent it.
        if (idempotencyKey is { Length: > MaxIdempotencyKeyLength })
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["Idempotency-Key"] = [$"An idempotency key has at most {MaxIdempotencyKeyLength} characters."],
            });
        }

        var (customerId, lines) = (request.CustomerId!, request.Items!.Select(line => (line.Sku!, line.Quantity)).ToList());
        var idempotency = idempotencyKey is null ? ((string Key, string Fingerprint)?)null : (idempotencyKey, PlaceOrderFingerprint.Of(customerId, lines));
        if (idempotency is { } retried && await FindByIdempotencyKeyAsync(db, customerId, retried.Key, cancellationToken) is { } earlier)
        {
            return AnswerRetry(earlier, retried.Fingerprint);
        }

        var order = AddOrder(db, outbox, timeProvider.GetUtcNow(), customerId, lines, idempotency);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (idempotency is not null)
        {
            // The same key raced us and won: its order is the answer to both requests, if they ask for the same.
            db.ChangeTracker.Clear();
            if (await FindByIdempotencyKeyAsync(db, customerId, idempotency.Value.Key, cancellationToken) is { } winner)
            {
                return AnswerRetry(winner, idempotency.Value.Fingerprint);
            }

            throw;
        }

        return Accepted(order);
    }

    /// <summary>The order an earlier request with the same key made, when this request asks for the same; else 422.</summary>
    private static Results<AcceptedAtRoute<PlacedOrderResponse>, ValidationProblem, ProblemHttpResult> AnswerRetry(Order earlier, string fingerprint) =>
        earlier.IsPlacedBy(fingerprint)
            ? Accepted(earlier)
            : TypedResults.Problem(
                statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "Idempotency-Key reused for another request",
                detail: "This customer sent this Idempotency-Key before with another order. Use a new key for a new order.");

    private static async Task<Results<Ok<OrderResponse>, NotFound>> GetAsync(Guid orderId, OrderDb db, CancellationToken cancellationToken) =>
        await db.Orders.AsNoTracking().SingleOrDefaultAsync(order => order.Id == orderId, cancellationToken) is { } order
            ? TypedResults.Ok(ToResponse(order))
            : TypedResults.NotFound();

    private static async Task<Ok<List<OrderResponse>>> ListAsync(
        [MaxLength(Identifiers.MaxCustomerIdLength, ErrorMessage = Identifiers.CustomerIdTooLong)] string? customerId,
        OrderStatus? status,
        OrderDb db,
        CancellationToken cancellationToken)
    {
        var query = db.Orders.AsNoTracking();
        if (!string.IsNullOrEmpty(customerId))
        {
            query = query.Where(order => order.CustomerId == customerId);
        }

        if (status is { } wanted)
        {
            query = query.Where(order => order.Status == wanted);
        }

        var orders = await query.OrderByDescending(order => order.CreatedAt).Take(500).ToListAsync(cancellationToken);
        return TypedResults.Ok(orders.Select(ToResponse).ToList());
    }

    private static async Task<Results<Accepted, NotFound, ProblemHttpResult>> CancelAsync(
        Guid orderId, OrderDb db, IOutbox outbox, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        // A confirmation may land between our read and our write: then the save fails its version check, and the
        // cancel is decided again on the order as it now is.
        for (var attempt = 1; ; attempt++)
        {
            var order = await db.Orders.SingleOrDefaultAsync(o => o.Id == orderId, cancellationToken);
            if (order is null)
            {
                return TypedResults.NotFound();
            }

            if (!order.Cancel(timeProvider.GetUtcNow()))
            {
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status409Conflict,
                    title: "The order cannot be cancelled.",
                    detail: $"The order is {order.Status}.");
            }

            outbox.Add(OrderStatusEvents.Current(order));
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return TypedResults.Accepted($"/orders/{order.Id}");
            }
            catch (DbUpdateConcurrencyException) when (attempt < 3)
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>A new pending order and its <see cref="OrderPlaced"/>, added to one unit of work (saved by the caller).</summary>
    internal static Order AddOrder(
        OrderDb db, IOutbox outbox, DateTimeOffset now, string customerId, IEnumerable<(string Sku, int Quantity)> lines,
        (string Key, string Fingerprint)? idempotency)
    {
        // The event's id is the order's from now on: a re-drive announces the order again as this very event.
        var order = Order.Place(customerId, lines, idempotency, Activity.Current?.Id, now);
        db.Orders.Add(order);
        outbox.Add(OrderStatusEvents.Placed(order));
        return order;
    }

    private static Task<Order?> FindByIdempotencyKeyAsync(OrderDb db, string customerId, string key, CancellationToken cancellationToken) =>
        db.Orders.AsNoTracking().SingleOrDefaultAsync(order => order.CustomerId == customerId && order.IdempotencyKey == key, cancellationToken);

    private static AcceptedAtRoute<PlacedOrderResponse> Accepted(Order order) =>
        TypedResults.AcceptedAtRoute(new PlacedOrderResponse(order.Id, order.Status.ToString()), "GetOrder", new { orderId = order.Id });

    private static OrderResponse ToResponse(Order order) => new(
        order.Id,
        order.CustomerId,
        order.Status.ToString(),
        [.. order.Items.Select(item => new OrderLineResponse(item.Sku, item.Quantity))],
        order.Reason,
        DateTime.SpecifyKind(order.CreatedAt, DateTimeKind.Utc),
        DateTime.SpecifyKind(order.UpdatedAt, DateTimeKind.Utc),
        order.NotifiedAt is { } notified ? DateTime.SpecifyKind(notified, DateTimeKind.Utc) : null);
}
