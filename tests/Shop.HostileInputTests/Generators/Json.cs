using System.Globalization;
using System.Text;
using CsCheck;

namespace Shop.HostileInputTests.Generators;

/// <summary>JSON text built by hand, so that it can be anything a hostile writer sends: wrong types, odd strings, bad nesting.</summary>
public static class Json
{
    /// <summary>
    /// <paramref name="text"/> as a JSON string literal. Every character a JSON string may not hold raw is escaped, lone
    /// surrogates too: the text is then valid JSON syntax whose value a strict reader may still refuse.
    /// </summary>
    public static string String(string text)
    {
        var json = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            if (c is '"' or '\\' || c < 0x20 || char.IsSurrogate(c))
            {
                json.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                json.Append(c);
            }
        }

        return json.Append('"').ToString();
    }

    /// <summary>An object with these members, in this order (duplicates and all).</summary>
    public static string Object(IEnumerable<(string Name, string Value)> members) =>
        "{" + string.Join(",", members.Select(member => $"{String(member.Name)}:{member.Value}")) + "}";

    public static string Array(IEnumerable<string> items) => "[" + string.Join(",", items) + "]";

    /// <summary>Text a hostile client picks: short and long, letters and every other character, tricks of other systems.</summary>
    public static readonly Gen<string> Text = Gen.Frequency(
        (4, Gen.String[Gen.Char.AlphaNumeric, 0, 24]),
        (2, Gen.String[Gen.Char, 0, 24]),
        (1, Gen.Int[60, 3_000].Select(length => new string('x', length))),
        (2, Gen.OneOf(
            "", " ", "\t", "SKU-001", "SKU 001", "sku-001", "SKU-999", "ÄÖÜß", "订单", "👍", "\u0000", "\ud800", "\udfff\ud800",
            "'; DROP TABLE orders;--", "<script>alert(1)</script>", "${jndi:ldap://x}", "../../etc/passwd", "%00", "null")));

    /// <summary>A JSON value of the wrong kind for almost anything: literals, odd numbers, strings, empty containers.</summary>
    public static readonly Gen<string> Scalar = Gen.Frequency(
        (3, Gen.OneOf(
            "null", "true", "false", "0", "-1", "1.5", "-0", "1e400", "99999999999", "2147483648", "-2147483649", "\"\"", "\" \"",
            "[]", "{}", "[null]", "[[]]", "{\"a\":1}")),
        (2, Text.Select(String)));

    /// <summary>A value of any kind whose text any reader can read, whether it keeps it or not.</summary>
    public static readonly Gen<string> PlainScalar = Gen.Frequency(
        (2, Gen.OneOf("null", "true", "false", "0", "-1", "1.5", "[]", "{}", "[1,2]", "{\"a\":\"b\"}")),
        (1, Gen.String[Gen.Char.AlphaNumeric, 0, 20].Select(String)));
}
