namespace Shop.Messaging.Events;

/// <summary>Naming rules for the keys the bus writes.</summary>
public static class StreamNames
{
    /// <summary>The stream that receives the entries of <paramref name="stream"/> that could not be handled.</summary>
    public static string DeadLetter(string stream) => $"{stream}:dead-letter";
}
