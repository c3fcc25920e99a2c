using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace Ham.Data.Splits;

/// <summary>
/// DomainBed's <c>misc.seed_hash(*args)</c>: the MD5 of the text of the Python tuple of the
/// arguments, read as a big integer, mod 2^31. For integers Python writes the tuple as "(0, 1)",
/// and a one-element tuple as "(5,)"; a string as 'text' in single quotes, so
/// <c>seed_hash(7, "lr")</c> hashes "(7, 'lr')".
/// </summary>
public static class SeedHash
{
    public static int Of(params long[] args) =>
        OfTupleText(args.Length == 1 ? $"({args[0]},)" : $"({string.Join(", ", args)})");

    /// <summary>seed_hash(seed, name), as DomainBed seeds each hyperparameter's draw.</summary>
    public static int Of(long seed, string name)
    {
        // Python's repr writes these characters as they are between single quotes; others it escapes or re-quotes.
        if (!name.All(c => c is >= ' ' and <= '~' && c != '\'' && c != '\\'))
            throw new ArgumentException($"seed_hash: '{name}' has characters whose Python repr is not the plain text in single quotes", nameof(name));
        return OfTupleText($"({seed}, '{name}')");
    }

    static int OfTupleText(string text)
    {
        byte[] md5 = MD5.HashData(Encoding.UTF8.GetBytes(text));
        // int(hexdigest, 16) % 2**31 keeps the low 31 bits of the big-endian 128-bit number.
        var value = new BigInteger(md5, isUnsigned: true, isBigEndian: true);
        return (int)(value % (BigInteger.One << 31));
    }
}
