namespace Shop.Contracts;

/// <summary>One line of an order: a product and how many of it.</summary>
public sealed record OrderLine(string Sku, int Quantity);
