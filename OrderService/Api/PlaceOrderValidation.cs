using Shop.Contracts;

namespace Shop.OrderService.Api;

/// <summary>The rules a new order must meet; each broken rule names its field, as ProblemDetails' <c>errors</c> shows it.</summary>
internal static class PlaceOrderValidation
{
    public static Dictionary<string, string[]> Validate(PlaceOrderRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.CustomerId))
        {
            errors["customerId"] = ["A customer id is required."];
        }
        else if (request.CustomerId.Length > Identifiers.MaxCustomerIdLength)
        {
            errors["customerId"] = [Identifiers.CustomerIdTooLong];
        }

        if (request.Items is not { Count: > 0 })
        {
            errors["items"] = ["An order needs at least one item."];
            return errors;
        }

        if (request.Items.Count > OrderLine.MaxLinesPerOrder)
        {
            errors["items"] = [$"An order has at most {OrderLine.MaxLinesPerOrder} items."];
        }

        for (var i = 0; i < request.Items.Count; i++)
        {
            var line = request.Items[i];
            if (!Identifiers.IsSku(line?.Sku))
            {
                errors[$"items[{i}].sku"] = [Identifiers.InvalidSku];
            }

            if (line is not null && line.Quantity is < 1 or > OrderLine.MaxQuantity)
            {
                errors[$"items[{i}].quantity"] = [$"A quantity is between 1 and {OrderLine.MaxQuantity}."];
            }
        }

        return errors;
    }
}
