namespace Shop.Messaging.Configuration;

/// <summary>Settings of one stream, under <c>Messaging:Streams:&lt;stream&gt;</c>; what is left unset follows <see cref="MessagingOptions"/>.</summary>
public sealed class StreamSettings
{
    /// <summary>The stream's partitions, instead of <see cref="MessagingOptions.Partitions"/> (1 to 1024).</summary>
    public int? Partitions { get; set; }
}
