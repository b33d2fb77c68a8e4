using System.Text.Json.Serialization;

namespace Shop.InventoryService.Api;

public sealed record ProductResponse(string Sku, string Name, int Available, int Reserved);

/// <summary><c>POST /products/{sku}/restock</c>'s body.</summary>
public sealed record RestockRequest(int Quantity);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ProductResponse))]
[JsonSerializable(typeof(List<ProductResponse>))]
[JsonSerializable(typeof(RestockRequest))]
internal sealed partial class ProductApiJsonContext : JsonSerializerContext;
