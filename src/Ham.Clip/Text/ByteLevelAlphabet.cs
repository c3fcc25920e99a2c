namespace Ham.Clip.Text;

/// <summary>
/// GPT-2/CLIP byte-level BPE works on a 256-character alphabet in which every byte of UTF-8 text
/// has a printable stand-in: printable Latin-1 bytes ('!'..'~', '¡'..'¬', '®'..'ÿ') stand for
/// themselves, the other 68 bytes take the characters U+0100, U+0101, ... in byte order.
/// Source: OpenAI CLIP, clip/simple_tokenizer.py `bytes_to_unicode`.
/// </summary>
static class ByteLevelAlphabet
{
    /// <summary>The stand-in character for each byte value.</summary>
    public static readonly char[] CharOfByte = Build(out OrderedChars);

    /// <summary>
    /// The alphabet in the order CLIP's vocabulary lists it (the printable bytes first, then the
    /// remapped ones): the first 256 entries of the vocabulary.
    /// </summary>
    public static readonly char[] OrderedChars;

    static char[] Build(out char[] ordered)
    {
        var printable = new List<int>();
        for (int b = '!'; b <= '~'; b++) printable.Add(b);
        for (int b = '¡'; b <= '¬'; b++) printable.Add(b);
        for (int b = '®'; b <= 'ÿ'; b++) printable.Add(b);
        var map = new char[256];
        var order = new List<char>(256);
        foreach (int b in printable) { map[b] = (char)b; order.Add((char)b); }
        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            if (printable.Contains(b)) continue;
            map[b] = (char)next++;
            order.Add(map[b]);
        }
        ordered = order.ToArray();
        return map;
    }
}
