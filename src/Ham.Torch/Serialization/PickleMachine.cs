using System.Buffers.Binary;
using System.Text;

namespace Ham.Torch.Serialization;

/// <summary>A global a pickle names (GLOBAL "module name"), e.g. torch._utils._rebuild_tensor_v2.</summary>
sealed record PickleGlobal(string Module, string Name)
{
    public override string ToString() => $"{Module}.{Name}";
}

/// <summary>What a call to a global the reader does not know produced; kept only so the pickle can go on.</summary>
sealed record PickleObject(PickleGlobal Type, object? Arguments);

/// <summary>A pickled dict or collections.OrderedDict: its items in order (keys are strings, ints, tuples...).</summary>
sealed class PickleDict
{
    public List<(object? Key, object? Value)> Items { get; } = [];
}

/// <summary>
/// The subset of Python's pickle virtual machine (protocols 2-4, as pickletools documents it) that
/// torch.save's data.pkl uses: containers, numbers, strings, memo, GLOBAL / REDUCE / BUILD /
/// NEWOBJ and persistent ids. Values become C# objects: string, long, double, bool, null,
/// byte[], object?[] (tuple), List&lt;object?&gt;, <see cref="PickleDict"/>; calls are handed to
/// <c>call</c> (collections.OrderedDict is a dict here), persistent ids to <c>persistentLoad</c>.
/// BUILD (setting an object's attributes, e.g. a state dict's _metadata) leaves the object as it is.
/// </summary>
sealed class PickleMachine(byte[] data, Func<object?, object?> persistentLoad, Func<PickleGlobal, object?[], object?> call)
{
    static readonly PickleGlobal OrderedDict = new("collections", "OrderedDict");

    readonly List<object?> stack = [];
    readonly Stack<int> marks = new();
    readonly Dictionary<long, object?> memo = [];
    int position;

    public object? Run()
    {
        while (true)
        {
            if (position >= data.Length) throw Error("the pickle ends without STOP");
            int at = position;
            byte op = data[position++];
            switch (op)
            {
                case 0x80: position++; break;                                   // PROTO
                case 0x95: position += 8; break;                                // FRAME
                case (byte)'.': return Pop();                                    // STOP
                case (byte)'(': marks.Push(stack.Count); break;                  // MARK
                case (byte)'0': Pop(); break;                                    // POP
                case (byte)'1': PopMark(); break;                                // POP_MARK
                case (byte)'2': Push(stack[^1]); break;                          // DUP
                case (byte)'N': Push(null); break;                               // NONE
                case 0x88: Push(true); break;                                    // NEWTRUE
                case 0x89: Push(false); break;                                   // NEWFALSE
                case (byte)'K': Push((long)data[position++]); break;             // BININT1
                case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2))); break; // BININT2
                case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(Take(4))); break;  // BININT
                case 0x8a: Push(Long(Take(data[position++]))); break;            // LONG1
                case 0x8b: Push(Long(Take(Length4()))); break;                   // LONG4
                case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(Take(8))); break; // BINFLOAT
                case (byte)'X': Push(Encoding.UTF8.GetString(Take(Length4()))); break;      // BINUNICODE
                case 0x8c: Push(Encoding.UTF8.GetString(Take(data[position++]))); break;    // SHORT_BINUNICODE
                case 0x8d: Push(Encoding.UTF8.GetString(Take(Length8()))); break;           // BINUNICODE8
                case (byte)'T': Push(Encoding.Latin1.GetString(Take(Length4()))); break;    // BINSTRING
                case (byte)'U': Push(Encoding.Latin1.GetString(Take(data[position++]))); break; // SHORT_BINSTRING
                case (byte)'B': Push(Take(Length4()).ToArray()); break;          // BINBYTES
                case (byte)'C': Push(Take(data[position++]).ToArray()); break;   // SHORT_BINBYTES
                case 0x8e: Push(Take(Length8()).ToArray()); break;               // BINBYTES8
                case (byte)')': Push(Array.Empty<object?>()); break;             // EMPTY_TUPLE
                case (byte)'t': Push(PopMark().ToArray()); break;                // TUPLE
                case 0x85: Push(PopMany(1)); break;                              // TUPLE1
                case 0x86: Push(PopMany(2)); break;                              // TUPLE2
                case 0x87: Push(PopMany(3)); break;                              // TUPLE3
                case (byte)']': Push(new List<object?>()); break;                // EMPTY_LIST
                case (byte)'l': Push(PopMark()); break;                          // LIST
                case (byte)'a': { var item = Pop(); List(stack[^1]).Add(item); break; } // APPEND
                case (byte)'e': { var items = PopMark(); List(stack[^1]).AddRange(items); break; } // APPENDS
                case (byte)'}': Push(new PickleDict()); break;                   // EMPTY_DICT
                case (byte)'d': { var d = new PickleDict(); AddPairs(d, PopMark()); Push(d); break; } // DICT
                case (byte)'s': { var v = Pop(); var k = Pop(); Dict(stack[^1]).Items.Add((k, v)); break; } // SETITEM
                case (byte)'u': { var items = PopMark(); AddPairs(Dict(stack[^1]), items); break; } // SETITEMS
                case (byte)'q': memo[data[position++]] = stack[^1]; break;       // BINPUT
                case (byte)'r': memo[Length4()] = stack[^1]; break;              // LONG_BINPUT
                case 0x94: memo[memo.Count] = stack[^1]; break;                  // MEMOIZE
                case (byte)'h': Push(Memo(data[position++])); break;             // BINGET
                case (byte)'j': Push(Memo(Length4())); break;                    // LONG_BINGET
                case (byte)'c': Push(new PickleGlobal(Line(), Line())); break;   // GLOBAL
                case 0x93: { var name = (string)Pop()!; Push(new PickleGlobal((string)Pop()!, name)); break; } // STACK_GLOBAL
                case (byte)'R': { var args = Tuple(Pop()); Push(Call(Pop(), args)); break; } // REDUCE
                case 0x81: { var args = Tuple(Pop()); Push(Call(Pop(), args)); break; }      // NEWOBJ
                case (byte)'Q': Push(persistentLoad(Pop())); break;             // BINPERSID
                case (byte)'b': Pop(); break;                                    // BUILD: state ignored, object kept
                default: throw Error($"opcode 0x{op:x2} at byte {at} is not one torch.save writes");
            }
        }
    }

    object? Call(object? callable, object?[] args)
    {
        if (callable is not PickleGlobal global) throw Error($"a call of {callable?.GetType().Name ?? "None"}, expected a global");
        return global == OrderedDict ? new PickleDict() : call(global, args);
    }

    void Push(object? value) => stack.Add(value);

    object? Pop()
    {
        if (stack.Count == 0) throw Error("the pickle pops an empty stack");
        var value = stack[^1];
        stack.RemoveAt(stack.Count - 1);
        return value;
    }

    object?[] PopMany(int n)
    {
        if (stack.Count < n) throw Error("the pickle pops an empty stack");
        var items = stack.GetRange(stack.Count - n, n).ToArray();
        stack.RemoveRange(stack.Count - n, n);
        return items;
    }

    List<object?> PopMark()
    {
        if (marks.Count == 0) throw Error("the pickle closes a MARK it never opened");
        int start = marks.Pop();
        var items = stack.GetRange(start, stack.Count - start);
        stack.RemoveRange(start, stack.Count - start);
        return items;
    }

    static void AddPairs(PickleDict dict, List<object?> items)
    {
        for (int i = 0; i + 1 < items.Count; i += 2) dict.Items.Add((items[i], items[i + 1]));
    }

    ReadOnlySpan<byte> Take(long count)
    {
        if (count < 0 || position + count > data.Length) throw Error("the pickle ends inside a value");
        var span = data.AsSpan(position, (int)count);
        position += (int)count;
        return span;
    }

    long Length4() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));
    long Length8() => checked((long)BinaryPrimitives.ReadUInt64LittleEndian(Take(8)));

    static long Long(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > 8) throw new InvalidDataException($"a pickled integer of {bytes.Length} bytes does not fit 64 bits");
        long value = 0;
        for (int i = bytes.Length - 1; i >= 0; i--) value = (value << 8) | bytes[i];
        int unused = 64 - 8 * bytes.Length;
        return bytes.Length == 0 ? 0 : unused == 0 ? value : (value << unused) >> unused; // sign-extend
    }

    string Line()
    {
        int end = Array.IndexOf(data, (byte)'\n', position);
        if (end < 0) throw Error("a GLOBAL name without its newline");
        var text = Encoding.UTF8.GetString(data, position, end - position);
        position = end + 1;
        return text;
    }

    object? Memo(long key) => memo.TryGetValue(key, out var v) ? v : throw Error($"memo entry {key} is read before it is written");

    List<object?> List(object? value) => value as List<object?> ?? throw Error($"APPEND to a {value?.GetType().Name ?? "None"}");
    PickleDict Dict(object? value) => value as PickleDict ?? throw Error($"SETITEM on a {value?.GetType().Name ?? "None"}");
    object?[] Tuple(object? value) => value as object?[] ?? throw Error($"call arguments are a {value?.GetType().Name ?? "None"}, expected a tuple");

    InvalidDataException Error(string message) => new($"pickle: {message}");
}
