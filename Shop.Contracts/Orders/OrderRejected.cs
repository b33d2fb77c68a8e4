using Shop.Messaging.Events;

namespace Shop.Contracts.Orders;

/// <summary>At least one line could not be reserved, so none was.</summary>
public sealed record OrderRejected(Guid OrderId, string CustomerId, string Reason) : IntegrationEvent
{
    public override IEnumerable<string> Validate() => new ContractRules()
        .Id(OrderId, "orderId")
        .CustomerId(CustomerId)
        .Text(Reason, "reason", ContractRules.MaxReasonLength)
        .Problems;
}
