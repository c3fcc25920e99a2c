using Ham.Torch.Native;

namespace Ham.Torch;

// Views, reshapes, joins, splits and indexing.
public sealed unsafe partial class Tensor
{
    delegate int DimsOp(IntPtr t, long* dims, int n, out IntPtr r);

    Tensor WithDims(ReadOnlySpan<long> dims, DimsOp op)
    {
        fixed (long* d = dims) return Wrap(op(Handle, d, dims.Length, out var r), r);
    }

    public Tensor Reshape(params long[] shape) => WithDims(shape, Api.ham_reshape);
    public Tensor View(params long[] shape) => WithDims(shape, Api.ham_view);
    public Tensor Expand(params long[] shape) => WithDims(shape, Api.ham_expand);
    public Tensor Repeat(params long[] repeats) => WithDims(repeats, Api.ham_repeat);
    public Tensor Permute(params long[] dims) => WithDims(dims, Api.ham_permute);
    public Tensor Flip(params long[] dims) => WithDims(dims, Api.ham_flip);
    public Tensor Transpose(long dim0, long dim1) => Wrap(Api.ham_transpose(Handle, dim0, dim1, out var r), r);
    /// <summary>Transpose of the last two dimensions.</summary>
    public Tensor T => Transpose(-2, -1);
    public Tensor Flatten(long startDim = 0, long endDim = -1) => Wrap(Api.ham_flatten(Handle, startDim, endDim, out var r), r);
    public Tensor Squeeze(long dim) => Wrap(Api.ham_squeeze(Handle, dim, out var r), r);
    public Tensor Unsqueeze(long dim) => Wrap(Api.ham_unsqueeze(Handle, dim, out var r), r);
    public Tensor Narrow(long dim, long start, long length) => Wrap(Api.ham_narrow(Handle, dim, start, length, out var r), r);
    public Tensor Select(long dim, long index) => Wrap(Api.ham_select(Handle, dim, index, out var r), r);
    public Tensor Slice(long dim, long start, long end, long step = 1) => Wrap(Api.ham_slice(Handle, dim, start, end, step, out var r), r);
    public Tensor Tril(long diagonal = 0) => Wrap(Api.ham_tril(Handle, diagonal, out var r), r);
    public Tensor Triu(long diagonal = 0) => Wrap(Api.ham_triu(Handle, diagonal, out var r), r);
    public Tensor Diagonal(long offset = 0, long dim0 = -2, long dim1 = -1) => Wrap(Api.ham_diagonal(Handle, offset, dim0, dim1, out var r), r);
    /// <summary>Square matrices with the last dimension on their diagonal.</summary>
    public Tensor DiagEmbed() => Wrap(Api.ham_diag_embed(Handle, out var r), r);

    public static Tensor Cat(IReadOnlyList<Tensor> tensors, long dim = 0)
    {
        var hs = Handles(tensors);
        fixed (IntPtr* p = hs) return Wrap(Api.ham_cat(p, hs.Length, dim, out var r), r);
    }

    public static Tensor Stack(IReadOnlyList<Tensor> tensors, long dim = 0)
    {
        var hs = Handles(tensors);
        fixed (IntPtr* p = hs) return Wrap(Api.ham_stack(p, hs.Length, dim, out var r), r);
    }

    /// <summary>Pieces of <paramref name="size"/> along dim (the last may be shorter).</summary>
    public Tensor[] Split(long size, long dim = 0)
    {
        int capacity = (int)Math.Max(1, (Size((int)dim) + size - 1) / Math.Max(1, size));
        return ReadList(capacity, (IntPtr* o, int cap, out int n) => Api.ham_split(Handle, size, dim, o, cap, out n));
    }

    public Tensor[] Split(long[] sizes, long dim = 0)
    {
        fixed (long* s = sizes)
        {
            long* sp = s;
            return ReadList(sizes.Length, (IntPtr* o, int cap, out int n) => Api.ham_split_sizes(Handle, sp, sizes.Length, dim, o, cap, out n));
        }
    }

    public Tensor[] Chunk(long chunks, long dim = 0) =>
        ReadList((int)chunks, (IntPtr* o, int cap, out int n) => Api.ham_chunk(Handle, chunks, dim, o, cap, out n));

    public Tensor IndexSelect(long dim, Tensor index) => Wrap(Api.ham_index_select(Handle, dim, index.Handle, out var r), r);
    public Tensor Gather(long dim, Tensor index) => Wrap(Api.ham_gather(Handle, dim, index.Handle, out var r), r);
    public Tensor Scatter(long dim, Tensor index, Tensor source) => Wrap(Api.ham_scatter(Handle, dim, index.Handle, source.Handle, out var r), r);
    public Tensor ScatterAdd(long dim, Tensor index, Tensor source) => Wrap(Api.ham_scatter_add(Handle, dim, index.Handle, source.Handle, out var r), r);
    public Tensor MaskedFill(Tensor mask, double value) => Wrap(Api.ham_masked_fill(Handle, mask.Handle, value, out var r), r);
    public Tensor MaskedSelect(Tensor mask) => Wrap(Api.ham_masked_select(Handle, mask.Handle, out var r), r);
    /// <summary>this[index] with a long or bool index tensor (advanced indexing on dim 0).</summary>
    public Tensor Index(Tensor index) => Wrap(Api.ham_index(Handle, index.Handle, out var r), r);
    /// <summary>this[index] = values (or += with accumulate).</summary>
    public Tensor IndexPut_(Tensor index, Tensor values, bool accumulate = false)
    {
        Api.Check(Api.ham_index_put_(Handle, index.Handle, values.Handle, accumulate ? 1 : 0));
        return this;
    }
    public Tensor OneHot(long classes) => Wrap(Api.ham_one_hot(Handle, classes, out var r), r);
    /// <summary>Constant padding, pairs (before, after) from the last dimension backwards, as F.pad.</summary>
    public Tensor Pad(long[] pad, double value = 0)
    {
        fixed (long* p = pad) return Wrap(Api.ham_pad(Handle, p, pad.Length, value, out var r), r);
    }

    internal static IntPtr[] Handles(IReadOnlyList<Tensor> tensors)
    {
        var hs = new IntPtr[tensors.Count];
        for (int i = 0; i < hs.Length; i++) hs[i] = tensors[i].Handle;
        return hs;
    }

    delegate int ListOp(IntPtr* output, int capacity, out int count);

    static Tensor[] ReadList(int capacity, ListOp op)
    {
        var hs = new IntPtr[capacity];
        int count;
        fixed (IntPtr* p = hs) Api.Check(op(p, capacity, out count));
        var result = new Tensor[count];
        for (int i = 0; i < count; i++) result[i] = new Tensor(hs[i]);
        return result;
    }
}
