namespace Shop.Messaging.Configuration;

/// <summary>Where a newly created consumer group starts reading its stream.</summary>
public enum GroupStartPosition
{
    /// <summary>From the first entry still in the stream (<c>XGROUP CREATE … 0</c>).</summary>
    Beginning,

    /// <summary>Only entries added after the group was created (<c>XGROUP CREATE … $</c>).</summary>
    End,
}
