using System.Globalization;

namespace Shop.AppHost.Redis;

/// <summary>
/// A Redis Cluster of local <c>redis-server</c> processes (its nodes are child resources in the dashboard), formed by
/// <see cref="ClusterFormation"/> once every node runs. Services reference it like any Redis: its connection string
/// lists every node, and StackExchange.Redis finds the slots from there.
/// </summary>
internal sealed class LocalRedisClusterResource(string name, IReadOnlyList<int> ports, ParameterResource password)
    : Resource(name), IResourceWithConnectionString, IResourceWithWaitSupport
{
    /// <summary>The nodes' client ports, fixed (a node's cluster bus listens on its port + 10000).</summary>
    public IReadOnlyList<int> Ports { get; } = ports;

    /// <summary>The <c>requirepass</c> (and <c>masterauth</c>) of every node.</summary>
    public ParameterResource Password { get; } = password;

    /// <summary>
    /// Every node, the password, and <c>allowAdmin</c>: Aspire's Redis health check asks a cluster for <c>CLUSTER INFO</c>,
    /// which StackExchange.Redis sends only on an admin connection (the server's ACL still decides what runs).
    /// </summary>
    public ReferenceExpression ConnectionStringExpression => ConnectionStringFor(user: null, Password);

    /// <summary>The same for one ACL user of the nodes (<see cref="ServiceUsers"/>), whose rules allow <c>CLUSTER INFO</c>.</summary>
    public ReferenceExpression ConnectionStringFor(string? user, ParameterResource password)
    {
        var expression = new ReferenceExpressionBuilder();
        expression.AppendLiteral(string.Join(",", Ports.Select(port => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}"))));
        expression.AppendLiteral(user is null ? ",password=" : $",user={user},password=");
        expression.AppendFormatted(password);
        expression.AppendLiteral(",allowAdmin=true");
        return expression.Build();
    }
}
