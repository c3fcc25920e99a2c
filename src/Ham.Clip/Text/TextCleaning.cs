using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Ham.Clip.Text;

/// <summary>
/// CLIP's text clean-up before BPE: fix the text (ftfy.fix_text), HTML-unescape twice, collapse
/// whitespace to single spaces, trim, lowercase. Source: clip/simple_tokenizer.py `basic_clean`,
/// `whitespace_clean` and `encode`.
/// ftfy is a large heuristic library; of it we apply the steps that change ordinary text:
/// NFC normalization, curly quotes to straight ones, Latin ligatures (U+FB00..FB06) and fullwidth
/// ASCII (U+FF01..FF5E) spelled out. Mojibake repair (text decoded with the wrong codec) is not
/// reproduced. HTML entities are decoded by WebUtility.HtmlDecode, which knows the HTML 4 named
/// entities and every numeric one (Python's html.unescape knows the larger HTML 5 list).
/// </summary>
public static partial class TextCleaning
{
    public static string Clean(string text)
    {
        text = FixText(text);
        text = WebUtility.HtmlDecode(WebUtility.HtmlDecode(text)).Trim();
        text = Whitespace().Replace(text, " ").Trim();
        return text.ToLowerInvariant();
    }

    static string FixText(string text)
    {
        var fixedText = new StringBuilder(text.Length);
        foreach (char c in text.Normalize(NormalizationForm.FormC))
        {
            switch (c)
            {
                case '\u2018' or '\u2019' or '\u201A' or '\u201B': fixedText.Append('\''); break;
                case '\u201C' or '\u201D' or '\u201E' or '\u201F': fixedText.Append('"'); break;
                case >= '\uFB00' and <= '\uFB06': fixedText.Append(c.ToString().Normalize(NormalizationForm.FormKC)); break;
                case >= '\uFF01' and <= '\uFF5E': fixedText.Append((char)(c - 0xFF01 + '!')); break;
                case '\u3000': fixedText.Append(' '); break;
                default: fixedText.Append(c); break;
            }
        }
        return fixedText.ToString();
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
