using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;

namespace Shop.ServiceDefaults;

/// <summary>ProblemDetails as RFC 9457 spells it (camelCase), source-generated.</summary>
[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ProblemDetails))]
internal sealed partial class ProblemDetailsJsonContext : JsonSerializerContext;
