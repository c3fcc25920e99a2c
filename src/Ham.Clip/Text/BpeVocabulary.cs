using System.IO.Compression;
using System.Text.Json;

namespace Ham.Clip.Text;

/// <summary>
/// CLIP's BPE vocabulary: token strings to ids, and the merge ranks that drive BPE. Loaded from
/// OpenAI's merges file (bpe_simple_vocab_16e6.txt.gz, shipped inside Ham.Clip) or from a
/// Hugging Face tokenizer's vocab.json + merges.txt.
/// </summary>
public sealed class BpeVocabulary
{
    public const string StartOfText = "<|startoftext|>";
    public const string EndOfText = "<|endoftext|>";

    /// <summary>OpenAI's merges file lists more merges than CLIP uses: 49152 - 256 - 2 of them.</summary>
    const int OpenAiMergeCount = 49152 - 256 - 2;

    readonly Dictionary<string, int> _ids;
    readonly Dictionary<(string, string), int> _mergeRanks;

    BpeVocabulary(Dictionary<string, int> ids, Dictionary<(string, string), int> mergeRanks, string source)
    {
        _ids = ids;
        _mergeRanks = mergeRanks;
        foreach (var special in new[] { StartOfText, EndOfText })
            if (!ids.ContainsKey(special))
                throw new InvalidDataException($"{source}: the vocabulary has no '{special}' token.");
        StartId = ids[StartOfText];
        EndId = ids[EndOfText];
    }

    public int StartId { get; }
    public int EndId { get; }
    public int Count => _ids.Count;

    /// <summary>The id of a BPE token, or an error naming it.</summary>
    public int IdOf(string token) => _ids.TryGetValue(token, out int id)
        ? id
        : throw new KeyNotFoundException($"BPE token '{token}' is not in the vocabulary.");

    /// <summary>The rank of merging <paramref name="left"/> with <paramref name="right"/>; lower merges first.</summary>
    public bool TryGetMergeRank(string left, string right, out int rank) => _mergeRanks.TryGetValue((left, right), out rank);

    /// <summary>The vocabulary shipped with Ham.Clip (OpenAI's bpe_simple_vocab_16e6).</summary>
    public static BpeVocabulary OpenAi => LazyOpenAi.Value;
    static readonly Lazy<BpeVocabulary> LazyOpenAi = new(() =>
    {
        using var stream = typeof(BpeVocabulary).Assembly.GetManifestResourceStream("bpe_simple_vocab_16e6.txt.gz")
            ?? throw new InvalidOperationException("Ham.Clip was built without its embedded bpe_simple_vocab_16e6.txt.gz.");
        return FromOpenAiMerges(stream, "bpe_simple_vocab_16e6.txt.gz");
    });

    /// <summary>
    /// OpenAI's gzip merges file. Ids: the 256 byte characters, the same with "&lt;/w&gt;" (end of
    /// word), one per merge (the concatenated pair) in file order, then the start and end tokens.
    /// Source: clip/simple_tokenizer.py `SimpleTokenizer.__init__`.
    /// </summary>
    public static BpeVocabulary FromOpenAiMerges(Stream gzip, string source)
    {
        using var reader = new StreamReader(new GZipStream(gzip, CompressionMode.Decompress));
        reader.ReadLine(); // "#version: 0.2"
        var merges = new List<(string, string)>(OpenAiMergeCount);
        while (merges.Count < OpenAiMergeCount && reader.ReadLine() is { } line)
            merges.Add(ParseMerge(line, source, merges.Count + 2));
        if (merges.Count < OpenAiMergeCount)
            throw new InvalidDataException($"{source}: expected at least {OpenAiMergeCount} merges, found {merges.Count}.");

        var ids = new Dictionary<string, int>(49408);
        foreach (char c in ByteLevelAlphabet.OrderedChars) ids[c.ToString()] = ids.Count;
        foreach (char c in ByteLevelAlphabet.OrderedChars) ids[c + "</w>"] = ids.Count;
        foreach (var (left, right) in merges) ids[left + right] = ids.Count;
        ids[StartOfText] = ids.Count;
        ids[EndOfText] = ids.Count;
        return new BpeVocabulary(ids, RankMerges(merges), source);
    }

    /// <summary>A Hugging Face CLIPTokenizer's files: vocab.json (token -> id) and merges.txt.</summary>
    public static BpeVocabulary FromHuggingFace(string vocabJsonPath, string mergesPath)
    {
        Dictionary<string, int> ids;
        try
        {
            ids = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(vocabJsonPath))
                ?? throw new InvalidDataException($"{vocabJsonPath}: empty vocabulary.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{vocabJsonPath}: expected a JSON object of token -> id ({e.Message}).", e);
        }
        var merges = new List<(string, string)>();
        int lineNumber = 0;
        foreach (string line in File.ReadLines(mergesPath))
        {
            lineNumber++;
            if (line.StartsWith("#version") || line.Length == 0) continue;
            merges.Add(ParseMerge(line, mergesPath, lineNumber));
        }
        return new BpeVocabulary(ids, RankMerges(merges), vocabJsonPath);
    }

    static (string, string) ParseMerge(string line, string source, int lineNumber)
    {
        string[] parts = line.Split(' ');
        if (parts.Length != 2)
            throw new InvalidDataException($"{source}, line {lineNumber}: expected a merge 'LEFT RIGHT', found '{line}'.");
        return (parts[0], parts[1]);
    }

    static Dictionary<(string, string), int> RankMerges(List<(string, string)> merges)
    {
        var ranks = new Dictionary<(string, string), int>(merges.Count);
        for (int i = 0; i < merges.Count; i++) ranks.TryAdd(merges[i], i);
        return ranks;
    }
}
