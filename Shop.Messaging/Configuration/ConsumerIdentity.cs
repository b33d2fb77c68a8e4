namespace Shop.Messaging.Configuration;

/// <summary>Who this process is on the streams: its consumer group (the service) and its consumer name.</summary>
/// <param name="Group">The consumer group, the service's name.</param>
/// <param name="Consumer">This instance's consumer name, unique within the group.</param>
internal sealed record ConsumerIdentity(string Group, string Consumer)
{
    /// <summary>
    /// The configured consumer name, else the host's OpenTelemetry <c>service.instance.id</c>, after
    /// <c>OTEL_SERVICE_NAME</c> when set (Aspire gives each replica an id that survives a restart from the dashboard,
    /// so the instance finds its own pending entries again), else machine name and process id (unique, but new after a restart: the instance's leftovers are
    /// then taken over through XAUTOCLAIM after <see cref="MessagingOptions.ReclaimAfter"/>).
    /// </summary>
    public static ConsumerIdentity From(MessagingOptions options, Func<string, string?> environment)
    {
        var consumer = options.ConsumerName;
        if (string.IsNullOrEmpty(consumer))
        {
            consumer = ServiceInstanceId(environment("OTEL_RESOURCE_ATTRIBUTES")) is { } instance
                ? environment("OTEL_SERVICE_NAME") is { Length: > 0 } service ? $"{service}-{instance}" : instance
                : $"{Environment.MachineName}-{Environment.ProcessId}";
        }

        return new ConsumerIdentity(options.ServiceName, consumer);
    }

    private static string? ServiceInstanceId(string? resourceAttributes)
    {
        foreach (var pair in (resourceAttributes ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var separator = pair.IndexOf('=', StringComparison.Ordinal);
            if (separator > 0 && pair[..separator].Trim() == "service.instance.id")
            {
                var value = pair[(separator + 1)..].Trim();
                return value.Length > 0 ? value : null;
            }
        }

        return null;
    }
}
