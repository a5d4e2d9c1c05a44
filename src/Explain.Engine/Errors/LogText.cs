using System.Globalization;
using System.Text;

namespace Explain.Engine.Errors;

/// <summary>
/// A caller-supplied string (model, layer or method name, job id, idempotency key) made safe to
/// echo into an error message or a log line: control and formatting characters escaped (no forged
/// log lines, no terminal escapes, no bidi tricks) and the result cut to <see cref="MaxLength"/>
/// characters, so a megabyte of name cannot flood a log or a grpc-message trailer.
/// </summary>
public static class LogText
{
    /// <summary>The longest result, escapes and the truncation mark included.</summary>
    public const int MaxLength = 200;

    private const string Ellipsis = "…";

    public static string Of(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return "";
        if (text.Length <= MaxLength && !text.Any(NeedsEscape))
            return text;
        var result = new StringBuilder(MaxLength);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            string piece = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])
                ? text.Substring(i++, 2)
                : NeedsEscape(c) ? Escape(c) : c.ToString();
            bool last = i == text.Length - 1;
            if (result.Length + piece.Length > MaxLength - (last ? 0 : Ellipsis.Length))
            {
                return result.Append(Ellipsis).ToString();
            }
            result.Append(piece);
        }
        return result.ToString();
    }

    /// <summary>C0/C1 controls, lone surrogates and format characters (bidi overrides, zero-width marks).</summary>
    private static bool NeedsEscape(char c) =>
        char.IsControl(c) || char.IsSurrogate(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;

    private static string Escape(char c) => c switch
    {
        '\n' => "\\n",
        '\r' => "\\r",
        '\t' => "\\t",
        _ => $"\\u{(int)c:x4}",
    };
}
