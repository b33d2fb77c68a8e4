using System.ComponentModel.DataAnnotations;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Shop.Contracts;
using Shop.NotificationService.Data;
using Shop.NotificationService.Domain;
using Shop.NotificationService.Live;

namespace Shop.NotificationService.Api;

/// <summary>The <c>/notifications</c> resource: a filtered list, and a live Server-Sent Events stream.</summary>
internal static class NotificationsEndpoints
{
    public static IEndpointRouteBuilder MapNotificationsEndpoints(this IEndpointRouteBuilder app)
    {
        var notifications = app.MapGroup("/notifications").WithTags("Notifications");
        notifications.MapGet("/", ListAsync).WithName("ListNotifications");
        notifications.MapGet("/stream", Stream).WithName("StreamNotifications");
        return app;
    }

    private static async Task<Ok<List<NotificationResponse>>> ListAsync(
        Guid? orderId,
        [MaxLength(Identifiers.MaxCustomerIdLength, ErrorMessage = Identifiers.CustomerIdTooLong)] string? customerId,
        NotificationDb db,
        CancellationToken cancellationToken)
    {
        var query = db.Notifications.AsNoTracking();
        if (orderId is { } order)
        {
            query = query.Where(notification => notification.OrderId == order);
        }

        if (!string.IsNullOrEmpty(customerId))
        {
            query = query.Where(notification => notification.CustomerId == customerId);
        }

        var found = await query.OrderByDescending(notification => notification.CreatedAt).Take(500).ToListAsync(cancellationToken);
        return TypedResults.Ok(found.Select(ToResponse).ToList());
    }

    private static ServerSentEventsResult<string> Stream(NotificationFeed feed, CancellationToken cancellationToken) =>
        TypedResults.ServerSentEvents(Items(feed, cancellationToken));

    /// <summary>
    /// A <c>ready</c> event first, once the subscription is in place: the client then knows that every notification
    /// made from now on reaches it. Then each notification as a <c>notification</c> event with its JSON.
    /// </summary>
    private static async IAsyncEnumerable<SseItem<string>> Items(
        NotificationFeed feed, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var subscription = feed.Subscribe();
        yield return new SseItem<string>("{}", "ready");
        await foreach (var notification in subscription.Reader.ReadAllAsync(cancellationToken))
        {
            var json = JsonSerializer.Serialize(ToResponse(notification), NotificationApiJsonContext.Default.NotificationResponse);
            yield return new SseItem<string>(json, "notification") { EventId = notification.Id.ToString() };
        }
    }

    private static NotificationResponse ToResponse(Notification notification) => new(
        notification.Id, notification.OrderId, notification.CustomerId, notification.Kind, notification.Message,
        DateTime.SpecifyKind(notification.CreatedAt, DateTimeKind.Utc), notification.SourceEventId);
}
