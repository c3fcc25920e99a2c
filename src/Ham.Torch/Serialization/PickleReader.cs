using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace Ham.Torch.Serialization;

/// <summary>A Python global named by GLOBAL or STACK_GLOBAL ("module name"); never imported, only named.</summary>
public sealed record PickleGlobal(string Module, string Name)
{
    public override string ToString() => $"{Module}.{Name}";
}

/// <summary>A Python tuple.</summary>
public sealed record PickleTuple(IReadOnlyList<object?> Items);

/// <summary>A Python dict in insertion order (an OrderedDict reads as one too).</summary>
public sealed class PickleDict
{
    public List<KeyValuePair<object?, object?>> Items { get; } = [];
}

/// <summary>
/// An instance of a class the reader does not build itself: a TorchScript module
/// (GLOBAL "__torch__.X Module", NEWOBJ, BUILD with its attribute dict), or whatever a
/// reduce of an unknown callable made. Nothing is ever called: the class is only named.
/// </summary>
public sealed class PickleObject(PickleGlobal type, IReadOnlyList<object?> arguments)
{
    public PickleGlobal Type { get; } = type;
    public IReadOnlyList<object?> Arguments { get; } = arguments;
    public object? State { get; set; }
}

/// <summary>What a persistent id (BINPERSID) stood for; <see cref="PickleReader"/>'s caller resolves it.</summary>
public sealed record PicklePersistent(object? Id);

/// <summary>A reduce the caller knows how to build (torch's _rebuild_tensor_v2, say), with its arguments.</summary>
public sealed record PickleReduce(PickleGlobal Callable, IReadOnlyList<object?> Arguments);

/// <summary>
/// Reads the subset of Python's pickle format (protocols 2 to 5: Lib/pickletools.py documents
/// every opcode) that torch.save and torch.jit.save write, without executing anything: a global
/// is only a name, a reduce of it is a <see cref="PickleReduce"/> (or, for collections.OrderedDict,
/// a dict), an object is a <see cref="PickleObject"/>. Every length is checked against the bytes
/// that are left before anything is allocated, so a cut or corrupt pickle is an
/// <see cref="InvalidDataException"/>, never a crash; the reader is a loop with an explicit stack,
/// so no nesting depth can overflow the native stack (walkers of the result limit their depth).
/// </summary>
public sealed class PickleReader
{
    static readonly object Mark = new();

    readonly byte[] data;
    readonly string source;
    int position;
    readonly List<object?> stack = [];
    readonly List<int> marks = [];
    readonly Dictionary<long, object?> memo = [];

    PickleReader(byte[] data, string source)
    {
        this.data = data;
        this.source = source;
    }

    /// <summary>The value the pickle in <paramref name="data"/> describes.</summary>
    /// <param name="source">names the pickle in error messages (file and record)</param>
    public static object? Read(byte[] data, string source) => new PickleReader(data, source).Run();

    InvalidDataException Error(string why) => new($"{source}: {why} (pickle byte {position})");

    object? Run()
    {
        while (true)
        {
            int at = position;
            byte op = ReadByte();
            switch (op)
            {
                case 0x80: ReadByte(); break;                                   // PROTO
                case 0x95: ReadBytes(8); break;                                 // FRAME: a length hint only
                case (byte)'.':                                                 // STOP
                    if (stack.Count != 1 || marks.Count != 0) throw Error($"STOP with {stack.Count} values and {marks.Count} marks on the stack");
                    return stack[0];
                case (byte)'(': marks.Add(stack.Count); stack.Add(Mark); break;  // MARK
                case (byte)'0': Pop(); break;                                   // POP
                case (byte)'1': PopToMark(); break;                             // POP_MARK
                case (byte)'2': Push(Peek()); break;                            // DUP
                case (byte)'N': Push(null); break;
                case 0x88: Push(true); break;
                case 0x89: Push(false); break;
                case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4))); break;
                case (byte)'K': Push((long)ReadByte()); break;
                case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2))); break;
                case 0x8a: Push(ReadLong(ReadByte())); break;                   // LONG1
                case 0x8b: Push(ReadLong(ReadLength(4))); break;                // LONG4
                case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(ReadBytes(8))); break;
                case (byte)'X': Push(ReadUtf8(ReadLength(4))); break;           // BINUNICODE
                case 0x8c: Push(ReadUtf8(ReadByte())); break;                   // SHORT_BINUNICODE
                case 0x8d: Push(ReadUtf8(ReadLength(8))); break;                // BINUNICODE8
                case (byte)'T': Push(Encoding.Latin1.GetString(ReadBytes(ReadLength(4)))); break; // BINSTRING
                case (byte)'U': Push(Encoding.Latin1.GetString(ReadBytes(ReadByte()))); break;   // SHORT_BINSTRING
                case (byte)'B': Push(ReadBytes(ReadLength(4)).ToArray()); break;                 // BINBYTES
                case (byte)'C': Push(ReadBytes(ReadByte()).ToArray()); break;                    // SHORT_BINBYTES
                case 0x8e: Push(ReadBytes(ReadLength(8)).ToArray()); break;                      // BINBYTES8
                case (byte)')': Push(new PickleTuple([])); break;               // EMPTY_TUPLE
                case (byte)'t': Push(new PickleTuple(PopToMark())); break;      // TUPLE
                case 0x85: Push(new PickleTuple(PopMany(1))); break;            // TUPLE1
                case 0x86: Push(new PickleTuple(PopMany(2))); break;            // TUPLE2
                case 0x87: Push(new PickleTuple(PopMany(3))); break;            // TUPLE3
                case (byte)']': Push(new List<object?>()); break;               // EMPTY_LIST
                case (byte)'l': Push(PopToMark()); break;                       // LIST
                case (byte)'a': { var item = Pop(); PeekAs<List<object?>>("APPEND").Add(item); break; }
                case (byte)'e': { var items = PopToMark(); PeekAs<List<object?>>("APPENDS").AddRange(items); break; }
                case 0x8f: Push(new List<object?>()); break;                    // EMPTY_SET: kept as a list
                case 0x90: { var items = PopToMark(); PeekAs<List<object?>>("ADDITEMS").AddRange(items); break; }
                case 0x91: Push(PopToMark()); break;                            // FROZENSET
                case (byte)'}': Push(new PickleDict()); break;                  // EMPTY_DICT
                case (byte)'d': { var d = new PickleDict(); AddPairs(d, PopToMark()); Push(d); break; } // DICT
                case (byte)'s': { var value = Pop(); var key = Pop(); PeekAs<PickleDict>("SETITEM").Items.Add(new(key, value)); break; }
                case (byte)'u': { var items = PopToMark(); AddPairs(PeekAs<PickleDict>("SETITEMS"), items); break; }
                case (byte)'c': Push(new PickleGlobal(ReadLine(), ReadLine())); break;            // GLOBAL
                case 0x93: { var name = Pop(); var module = Pop(); Push(new PickleGlobal(AsString(module, "STACK_GLOBAL"), AsString(name, "STACK_GLOBAL"))); break; }
                case (byte)'R': { var args = Pop(); var callable = Pop(); Push(Reduce(callable, args)); break; }
                case 0x81: { var args = Pop(); var type = Pop(); Push(Reduce(type, args)); break; } // NEWOBJ
                case 0x92: { Pop(); var args = Pop(); var type = Pop(); Push(Reduce(type, args)); break; } // NEWOBJ_EX (kwargs dropped)
                case (byte)'b': Build(Pop(), Peek()); break;                    // BUILD
                case (byte)'Q': Push(new PicklePersistent(Pop())); break;       // BINPERSID
                case (byte)'h': Push(Get(ReadByte())); break;                   // BINGET
                case (byte)'j': Push(Get(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4)))); break; // LONG_BINGET
                case (byte)'q': memo[ReadByte()] = Peek(); break;               // BINPUT
                case (byte)'r': memo[BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4))] = Peek(); break; // LONG_BINPUT
                case 0x94: memo[memo.Count] = Peek(); break;                    // MEMOIZE
                default:
                    position = at;
                    throw Error($"unsupported pickle opcode 0x{op:x2}{(op is >= 0x20 and < 0x7f ? $" ('{(char)op}')" : "")}");
            }
        }
    }

    byte ReadByte()
    {
        if (position >= data.Length) throw Error("the pickle ends before its STOP opcode");
        return data[position++];
    }

    ReadOnlySpan<byte> ReadBytes(int count)
    {
        if (count > data.Length - position) throw Error($"a {count}-byte field runs past the end of the {data.Length}-byte pickle");
        var span = data.AsSpan(position, count);
        position += count;
        return span;
    }

    /// <summary>A length field of 4 or 8 bytes, checked against what is left before any allocation.</summary>
    int ReadLength(int size)
    {
        long length = size == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4)) : BinaryPrimitives.ReadInt64LittleEndian(ReadBytes(8));
        if (length < 0 || length > data.Length - position) throw Error($"a field of {length} bytes runs past the end of the {data.Length}-byte pickle");
        return (int)length;
    }

    /// <summary>LONG1/LONG4: little-endian two's complement of the given length; Ham only needs 64-bit values.</summary>
    object ReadLong(int length)
    {
        var bytes = ReadBytes(length);
        var value = new BigInteger(bytes, isUnsigned: false, isBigEndian: false);
        return value >= long.MinValue && value <= long.MaxValue ? (long)value : value;
    }

    string ReadUtf8(int length)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(ReadBytes(length));
        }
        catch (DecoderFallbackException)
        {
            throw Error("a string is not valid UTF-8");
        }
    }

    /// <summary>GLOBAL's newline-terminated module and name (ASCII identifiers and dots).</summary>
    string ReadLine()
    {
        int end = Array.IndexOf(data, (byte)'\n', position);
        if (end < 0) throw Error("GLOBAL's name has no end of line");
        string line = Encoding.ASCII.GetString(data, position, end - position);
        position = end + 1;
        return line;
    }

    void Push(object? value) => stack.Add(value);

    object? Pop()
    {
        if (stack.Count == 0 || (marks.Count > 0 && marks[^1] == stack.Count - 1)) throw Error("an opcode takes a value from an empty stack");
        var value = stack[^1];
        stack.RemoveAt(stack.Count - 1);
        return value;
    }

    object? Peek()
    {
        if (stack.Count == 0 || ReferenceEquals(stack[^1], Mark)) throw Error("an opcode needs a value on an empty stack");
        return stack[^1];
    }

    T PeekAs<T>(string opcode) where T : class =>
        Peek() as T ?? throw Error($"{opcode} applied to a {Describe(stack[^1])}");

    IReadOnlyList<object?> PopMany(int count)
    {
        var items = new object?[count];
        for (int i = count - 1; i >= 0; i--) items[i] = Pop();
        return items;
    }

    List<object?> PopToMark()
    {
        if (marks.Count == 0) throw Error("an opcode needs a MARK that was never set");
        int mark = marks[^1];
        marks.RemoveAt(marks.Count - 1);
        var items = stack.GetRange(mark + 1, stack.Count - mark - 1);
        stack.RemoveRange(mark, stack.Count - mark);
        return items;
    }

    object? Get(long index) => memo.TryGetValue(index, out var value) ? value : throw Error($"memo entry {index} was never stored");

    void AddPairs(PickleDict dict, List<object?> items)
    {
        if (items.Count % 2 != 0) throw Error("a dict's items are not key-value pairs");
        for (int i = 0; i < items.Count; i += 2) dict.Items.Add(new(items[i], items[i + 1]));
    }

    /// <summary>collections.OrderedDict() is a dict; any other callable stays named with its arguments.</summary>
    object? Reduce(object? callable, object? arguments)
    {
        if (callable is not PickleGlobal global) throw Error($"a reduce calls a {Describe(callable)}, not a global");
        if (arguments is not PickleTuple args) throw Error($"a reduce of {global} takes a {Describe(arguments)}, not a tuple");
        if (global is { Module: "collections", Name: "OrderedDict" } && args.Items.Count == 0) return new PickleDict();
        if (global.Module.StartsWith("__torch__", StringComparison.Ordinal) || args.Items.Count == 0) return new PickleObject(global, args.Items);
        return new PickleReduce(global, args.Items);
    }

    /// <summary>BUILD: an object takes its state; an OrderedDict's instance attributes (torch's _metadata) are dropped.</summary>
    void Build(object? state, object? target)
    {
        switch (target)
        {
            case PickleObject o: o.State = state; break;
            case PickleDict or PickleReduce: break;
            default: throw Error($"BUILD applied to a {Describe(target)}");
        }
    }

    string AsString(object? value, string opcode) => value as string ?? throw Error($"{opcode} needs strings, got a {Describe(value)}");

    /// <summary>A short name of a value's kind for error messages.</summary>
    public static string Describe(object? value) => value switch
    {
        null => "None",
        bool => "bool",
        long or BigInteger => "int",
        double => "float",
        string => "str",
        byte[] => "bytes",
        PickleTuple => "tuple",
        List<object?> => "list",
        PickleDict => "dict",
        PickleGlobal g => $"global {g}",
        PickleObject o => $"{o.Type} object",
        PickleReduce r => $"{r.Callable}(...)",
        PicklePersistent => "persistent id",
        _ when ReferenceEquals(value, Mark) => "MARK",
        _ => value.GetType().Name,
    };
}
