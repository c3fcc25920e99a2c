using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace Ham.Data.Splits;

/// <summary>
/// DomainBed's <c>misc.seed_hash(*args)</c>: the MD5 of the text of the Python tuple of the
/// arguments, read as a big integer, mod 2^31. For integers Python writes the tuple as "(0, 1)",
/// and a one-element tuple as "(5,)".
/// </summary>
public static class SeedHash
{
    public static int Of(params long[] args)
    {
        string text = args.Length == 1 ? $"({args[0]},)" : $"({string.Join(", ", args)})";
        byte[] md5 = MD5.HashData(Encoding.UTF8.GetBytes(text));
        // int(hexdigest, 16) % 2**31 keeps the low 31 bits of the big-endian 128-bit number.
        var value = new BigInteger(md5, isUnsigned: true, isBigEndian: true);
        return (int)(value % (BigInteger.One << 31));
    }
}
