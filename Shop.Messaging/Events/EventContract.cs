using System.Collections.Frozen;

namespace Shop.Messaging.Events;

/// <summary>What this process knows of one event type on one stream: its current version, and every version it reads.</summary>
internal sealed record EventContract(EventRegistration Current, FrozenDictionary<int, EventReader> Readers)
{
    /// <summary>
    /// Why an entry of <paramref name="version"/> cannot be read here. A newer version than the current one was
    /// written by a producer rolled out before this consumer; an older one this process no longer reads was kept
    /// somewhere (a dead letter, a stream not yet trimmed) longer than its reader.
    /// </summary>
    public string Unreadable(int version) => version > Current.Version
        ? $"{Current.TypeName} version {version} is newer than this service reads (up to version {Current.Version}): a producer was "
          + "upgraded before its consumers. Upgrade this service, then replay the dead letter."
        : $"{Current.TypeName} version {version} is no longer read by this service (it reads version{(Readers.Count > 1 ? "s" : "")} "
          + $"{string.Join(", ", Readers.Keys.Order())}).";
}
