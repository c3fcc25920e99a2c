using System.Text;

namespace Ham.Data.Datasets;

/// <summary>
/// Orders strings as Python's <c>sorted()</c> does: by Unicode code point. (Ordinal comparison of
/// .NET's UTF-16 code units differs only for characters beyond U+FFFF against U+E000-U+FFFF, but a
/// dataset's image order must match torchvision's exactly, since split indices refer to it.)
/// </summary>
public sealed class PythonStringOrder : IComparer<string>
{
    public static PythonStringOrder Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x == null) return -1;
        if (y == null) return 1;
        var a = x.EnumerateRunes();
        var b = y.EnumerateRunes();
        while (true)
        {
            bool hasA = a.MoveNext(), hasB = b.MoveNext();
            if (!hasA || !hasB) return hasA.CompareTo(hasB);
            int c = a.Current.Value.CompareTo(b.Current.Value);
            if (c != 0) return c;
        }
    }
}
