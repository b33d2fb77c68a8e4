using Shop.Messaging.Configuration;
using StackExchange.Redis;

namespace Shop.Messaging.Consuming;

/// <summary>
/// What a field of an entry weighs: its name's and its value's bytes, counted on the reply as it came, before anything is
/// copied. <see cref="MessagingOptions.MaxEntryBytes"/> bounds the sum over an entry's fields.
/// </summary>
internal static class EntrySize
{
    public static long Of(NameValueEntry field) => field.Name.Length() + field.Value.Length();
}
