using System.Text.Json.Serialization;

namespace Shop.NotificationService.Api;

public sealed record NotificationResponse(Guid Id, Guid? OrderId, string CustomerId, string Kind, string Message, DateTime CreatedAt, Guid SourceEventId);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(NotificationResponse))]
[JsonSerializable(typeof(List<NotificationResponse>))]
internal sealed partial class NotificationApiJsonContext : JsonSerializerContext;
