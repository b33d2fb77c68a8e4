using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Shop.Contracts.Inventory;

namespace Shop.InventoryService.Api;

public sealed record ProductResponse(string Sku, string Name, int Available, int Reserved);

/// <summary><c>POST /products/{sku}/restock</c>'s body, checked by <c>AddValidation()</c> before the endpoint runs.</summary>
public sealed record RestockRequest(
    [property: Range(1, StockReplenished.MaxQuantity, ErrorMessage = "A restock quantity is between {1} and {2}.")] int Quantity);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ProductResponse))]
[JsonSerializable(typeof(List<ProductResponse>))]
[JsonSerializable(typeof(RestockRequest))]
internal sealed partial class ProductApiJsonContext : JsonSerializerContext;
