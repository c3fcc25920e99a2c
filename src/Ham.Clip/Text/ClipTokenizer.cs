using System.Text;
using System.Text.RegularExpressions;
using Ham.Torch;

namespace Ham.Clip.Text;

/// <summary>
/// CLIP's tokenizer: cleaned, lowercased text split into words by CLIP's regex, each word's UTF-8
/// bytes mapped to the byte-level alphabet and merged by BPE (the lowest-ranked adjacent pair
/// first, "&lt;/w&gt;" marking the word end), framed by &lt;|startoftext|&gt; (49406) and
/// &lt;|endoftext|&gt; (49407) and zero-padded to the context length (77).
/// Source: OpenAI CLIP, clip/simple_tokenizer.py and clip/clip.py `tokenize`.
/// </summary>
public sealed partial class ClipTokenizer(BpeVocabulary vocabulary)
{
    public const int DefaultContextLength = 77;

    readonly Dictionary<string, int[]> _wordCache = new()
    {
        // The special tokens written literally in text stay whole (simple_tokenizer's cache seed).
        [BpeVocabulary.StartOfText] = [vocabulary.StartId],
        [BpeVocabulary.EndOfText] = [vocabulary.EndId],
    };

    public BpeVocabulary Vocabulary { get; } = vocabulary;

    /// <summary>The tokenizer with OpenAI's vocabulary (shipped inside Ham.Clip).</summary>
    public static ClipTokenizer OpenAi => LazyOpenAi.Value;
    static readonly Lazy<ClipTokenizer> LazyOpenAi = new(() => new ClipTokenizer(BpeVocabulary.OpenAi));

    /// <summary>The BPE ids of <paramref name="text"/>, without start and end tokens.</summary>
    public List<int> Encode(string text)
    {
        var ids = new List<int>();
        foreach (Match word in WordPattern().Matches(TextCleaning.Clean(text)))
            ids.AddRange(EncodeWord(word.Value));
        return ids;
    }

    /// <summary>
    /// Start token, ids, end token, zero-padded to <paramref name="contextLength"/>. Too long
    /// text is an error naming it, or with <paramref name="truncate"/> is cut to the context
    /// length with the end token kept as the last id (clip.tokenize's behaviour).
    /// </summary>
    public int[] Tokenize(string text, int contextLength = DefaultContextLength, bool truncate = false)
    {
        var ids = new List<int> { Vocabulary.StartId };
        ids.AddRange(Encode(text));
        ids.Add(Vocabulary.EndId);
        if (ids.Count > contextLength)
        {
            if (!truncate)
                throw new ArgumentException(
                    $"Text is too long for context length {contextLength} ({ids.Count} tokens): \"{text}\". Shorten it or truncate.");
            ids.RemoveRange(contextLength, ids.Count - contextLength);
            ids[^1] = Vocabulary.EndId;
        }
        var row = new int[contextLength];
        ids.CopyTo(row);
        return row;
    }

    /// <summary>A (texts, context) int64 tensor of token ids, as clip.tokenize returns.</summary>
    public Tensor TokenizeBatch(IReadOnlyList<string> texts, int contextLength = DefaultContextLength, bool truncate = false)
    {
        var ids = new long[texts.Count * contextLength];
        for (int i = 0; i < texts.Count; i++)
        {
            int[] row = Tokenize(texts[i], contextLength, truncate);
            for (int j = 0; j < contextLength; j++) ids[i * contextLength + j] = row[j];
        }
        return Tensor.FromArray(ids, texts.Count, contextLength);
    }

    int[] EncodeWord(string word)
    {
        if (_wordCache.TryGetValue(word, out int[]? cached)) return cached;
        byte[] utf8 = Encoding.UTF8.GetBytes(word);
        var symbols = new List<string>(utf8.Length);
        foreach (byte b in utf8) symbols.Add(ByteLevelAlphabet.CharOfByte[b].ToString());
        symbols[^1] += "</w>";
        MergePairs(symbols);
        int[] ids = symbols.Select(Vocabulary.IdOf).ToArray();
        _wordCache[word] = ids;
        return ids;
    }

    /// <summary>Repeatedly merges every occurrence of the lowest-ranked adjacent pair.</summary>
    void MergePairs(List<string> symbols)
    {
        while (symbols.Count > 1)
        {
            int bestRank = int.MaxValue;
            string? left = null, right = null;
            for (int i = 0; i + 1 < symbols.Count; i++)
                if (Vocabulary.TryGetMergeRank(symbols[i], symbols[i + 1], out int rank) && rank < bestRank)
                    (bestRank, left, right) = (rank, symbols[i], symbols[i + 1]);
            if (left is null) return;
            var merged = new List<string>(symbols.Count);
            for (int i = 0; i < symbols.Count; i++)
            {
                if (i + 1 < symbols.Count && symbols[i] == left && symbols[i + 1] == right)
                {
                    merged.Add(left + right);
                    i++;
                }
                else merged.Add(symbols[i]);
            }
            symbols.Clear();
            symbols.AddRange(merged);
        }
    }

    /// <summary>CLIP's word split: the special tokens, English contractions, runs of letters,
    /// single digits, runs of other non-space characters.</summary>
    [GeneratedRegex(@"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex WordPattern();
}
