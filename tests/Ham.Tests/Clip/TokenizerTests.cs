using System.Text.Json;
using Ham.Clip.Text;

namespace Ham.Tests.Clip;

/// <summary>
/// CLIP's tokenizer against ids from OpenAI's clip/simple_tokenizer.py: the fixtures' prompts
/// (../shared/fixtures/clip/*/fixture.json) and strings chosen for punctuation, digits, accents,
/// HTML entities, literal special tokens and scripts outside Latin (ids computed once with the
/// reference code, ftfy reduced to NFC, and kept here).
/// </summary>
public class TokenizerTests
{
    [Theory]
    [InlineData("vit-tiny")]
    [InlineData("rn-tiny")]
    public void FixturePromptsGiveTheReferenceIds(string model)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(SharedData.Path("fixtures", "clip", model, "fixture.json")));
        var tokens = json.RootElement.GetProperty("tokens");
        int checkedPrompts = 0;
        foreach (var prompt in json.RootElement.GetProperty("prompts").EnumerateArray())
        {
            string text = prompt.GetString()!;
            int[] expected = tokens.GetProperty(text).EnumerateArray().Select(e => e.GetInt32()).ToArray();
            int[] row = ClipTokenizer.OpenAi.Tokenize(text);
            Assert.Equal(expected, row[..expected.Length]);
            Assert.All(row[expected.Length..], id => Assert.Equal(0, id));
            checkedPrompts++;
        }
        Assert.True(checkedPrompts >= 8);
    }

    public static TheoryData<string, int[]> ReferenceIds => new()
    {
        { "Hello, world!!! ... ?!", [3306, 267, 1002, 995, 678, 2835] },
        { "it's 2024: 3.14159 & 1,000,000", [585, 568, 273, 271, 273, 275, 281, 274, 269, 272, 275, 272, 276, 280, 261, 272, 267, 271, 271, 271, 267, 271, 271, 271] },
        { "naïve résumé Zürich ñandú", [1097, 35689, 563, 29106, 7054, 4166, 89, 6522, 4021, 6445, 672, 36019] },
        { "&lt;b&gt;bold&lt;/b&gt; &amp;amp; &#39;q&#39;", [283, 321, 285, 8911, 34308, 321, 285, 261, 262, 336, 262] },
        { "<|endoftext|><|startoftext|>", [49407, 49406] },
        { "emoji 🙂 and 日本語 text", [16327, 14860, 537, 39121, 44353, 34002, 508, 4160] },
        { "don't won't we'll they're I'M", [847, 713, 1749, 713, 649, 1342, 889, 982, 328, 880] },
        { "e\u0301cole", [3459, 8166] }, // decomposed accent: NFC first, as ftfy does
    };

    [Theory]
    [MemberData(nameof(ReferenceIds))]
    public void EncodesLikeTheReference(string text, int[] expected) =>
        Assert.Equal(expected, ClipTokenizer.OpenAi.Encode(text));

    [Fact]
    public void VocabularyHasClipsSizeAndSpecialIds()
    {
        var vocabulary = BpeVocabulary.OpenAi;
        Assert.Equal(49408, vocabulary.Count);
        Assert.Equal(49406, vocabulary.StartId);
        Assert.Equal(49407, vocabulary.EndId);
    }

    [Fact]
    public void OverLongTextIsAnErrorOrTruncatedKeepingTheEndToken()
    {
        string text = string.Join(" ", Enumerable.Repeat("dog", 100)); // "dog" is one token
        var error = Assert.Throws<ArgumentException>(() => ClipTokenizer.OpenAi.Tokenize(text));
        Assert.Contains("too long for context length 77", error.Message);

        int[] row = ClipTokenizer.OpenAi.Tokenize(text, truncate: true);
        int dog = ClipTokenizer.OpenAi.Encode("dog").Single();
        Assert.Equal(77, row.Length);
        Assert.Equal(49406, row[0]);
        Assert.All(row[1..76], id => Assert.Equal(dog, id));
        Assert.Equal(49407, row[76]);

        // Exactly 75 words fit: start + 75 + end = 77.
        Assert.Equal(49407, ClipTokenizer.OpenAi.Tokenize(string.Join(" ", Enumerable.Repeat("dog", 75)))[76]);
    }

    [Fact]
    public void BatchIsAnInt64TensorOfRows()
    {
        using var ids = ClipTokenizer.OpenAi.TokenizeBatch(["a photo of a dog.", "house"]);
        Assert.Equal([2L, 77], ids.Shape);
        long[] values = ids.ToArray<long>();
        Assert.Equal([49406L, 320, 1125, 539, 320, 1929, 269, 49407, 0], values[..9]);
        Assert.Equal([49406L, 1212, 49407, 0], values[77..81]);
    }

    /// <summary>A hand-made Hugging Face vocabulary: "lower" merges to l+o -> lo, lo+w -> low, e+r&lt;/w&gt; -> er&lt;/w&gt;.</summary>
    [Fact]
    public void ReadsHuggingFaceVocabAndMerges()
    {
        string dir = Directory.CreateTempSubdirectory("ham-hf-tok").FullName;
        try
        {
            string vocab = Path.Combine(dir, "vocab.json"), merges = Path.Combine(dir, "merges.txt");
            File.WriteAllText(vocab, """
                {"l": 0, "o": 1, "w": 2, "e": 3, "r</w>": 4, "lo": 5, "low": 6, "er</w>": 7, "w</w>": 8,
                 "<|startoftext|>": 9, "<|endoftext|>": 10}
                """);
            File.WriteAllText(merges, "#version: 0.2\nl o\nlo w\ne r</w>\n");
            var tokenizer = new ClipTokenizer(BpeVocabulary.FromHuggingFace(vocab, merges));
            Assert.Equal([6, 7], tokenizer.Encode("LOWER"));
            Assert.Equal([5, 8], tokenizer.Encode("low")); // "lo w</w>": no merge (lo, w</w>)
            Assert.Equal([9, 6, 7, 10, 0], tokenizer.Tokenize("lower", contextLength: 5));

            File.WriteAllText(merges, "#version: 0.2\nl o w\n");
            var error = Assert.Throws<InvalidDataException>(() => BpeVocabulary.FromHuggingFace(vocab, merges));
            Assert.Contains("merges.txt, line 2", error.Message);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
