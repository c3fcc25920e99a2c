namespace Ham.Torch.Modules;

/// <summary>
/// Multi-head attention with PyTorch's packed parameters and names (nn.MultiheadAttention,
/// batch_first = False, so inputs are (L, N, E)): in_proj_weight (3E, E) holds the q, k, v
/// projections stacked in that order, in_proj_bias (3E), out_proj.weight/bias.
///   head_h = softmax(q_h k_h^T / sqrt(d) + mask) v_h,  d = E / heads,
///   out = concat_h(head_h) W_out^T + b_out.
/// </summary>
public sealed class MultiheadAttention : Module
{
    public MultiheadAttention(long embedDim, long heads, Generator generator)
    {
        if (embedDim % heads != 0) throw new ArgumentException($"embed dim {embedDim} is not divisible by {heads} heads");
        EmbedDim = embedDim;
        Heads = heads;
        // xavier_uniform_ on (3E, E): bound sqrt(6 / (E + 3E)); biases 0 (PyTorch's _reset_parameters).
        double bound = Math.Sqrt(6.0 / (embedDim + 3 * embedDim));
        InProjWeight = RegisterParameter("in_proj_weight", Random.Uniform_(Tensor.Empty([3 * embedDim, embedDim]), -bound, bound, generator));
        InProjBias = RegisterParameter("in_proj_bias", Tensor.Zeros([3 * embedDim]));
        OutProj = RegisterModule("out_proj", new Linear(embedDim, embedDim, generator));
        using (LibTorch.NoGrad()) OutProj.Bias!.Zero_();
    }

    public long EmbedDim { get; }
    public long Heads { get; }
    public Tensor InProjWeight { get; }
    public Tensor InProjBias { get; }
    public Linear OutProj { get; }

    /// <summary>Sees every self-attention input before in_proj applies, as <see cref="Linear.InputHook"/>.</summary>
    public Action<Tensor>? InProjInputHook { get; set; }

    /// <summary>Self-attention: query = key = value = <paramref name="x"/> (L, N, E).</summary>
    public Tensor Forward(Tensor x, Tensor? mask = null)
    {
        InProjInputHook?.Invoke(x);
        using var scope = new DisposeScope();
        var qkv = Functional.Linear(x, InProjWeight, InProjBias).Chunk(3, -1);
        return scope.MoveToOuter(Attend(qkv[0], qkv[1], qkv[2], mask));
    }

    /// <summary>
    /// General attention. query (L, N, E), key and value (S, N, E); mask (L, S) or (N*heads, L, S),
    /// additive float (e.g. -inf above the diagonal) or bool (true = not allowed).
    /// </summary>
    public Tensor Forward(Tensor query, Tensor key, Tensor value, Tensor? mask = null)
    {
        using var scope = new DisposeScope();
        var w = InProjWeight.Chunk(3, 0);
        var b = InProjBias.Chunk(3, 0);
        var q = Functional.Linear(query, w[0], b[0]);
        var k = Functional.Linear(key, w[1], b[1]);
        var v = Functional.Linear(value, w[2], b[2]);
        return scope.MoveToOuter(Attend(q, k, v, mask));
    }

    Tensor Attend(Tensor q, Tensor k, Tensor v, Tensor? mask)
    {
        var merged = AttendHeads(q, k, v, Heads, mask);
        return OutProj.Forward(merged);
    }

    /// <summary>
    /// Scaled dot-product attention of already projected q (L, N, E), k and v (S, N, E) split into
    /// heads: concat_h softmax(q_h k_h^T / sqrt(d) + mask) v_h, as (L, N, E), before the output
    /// projection. Shared with CLIP's attention pooling, which projects q, k, v separately.
    /// </summary>
    public static Tensor AttendHeads(Tensor q, Tensor k, Tensor v, long heads, Tensor? mask = null)
    {
        using var scope = new DisposeScope();
        long l = q.Size(0), n = q.Size(1), s = k.Size(0), e = q.Size(2), d = e / heads;
        // (L, N, E) -> (N * heads, L, d)
        var qh = q.Reshape(l, n * heads, d).Transpose(0, 1) * (1 / Math.Sqrt(d));
        var kt = k.Reshape(s, n * heads, d).Permute(1, 2, 0);
        var vh = v.Reshape(s, n * heads, d).Transpose(0, 1);
        Tensor scores;
        if (mask is null) scores = Functional.Bmm(qh, kt);
        else if (mask.DType == DType.Bool) scores = Functional.Bmm(qh, kt).MaskedFill(mask, double.NegativeInfinity);
        else scores = Functional.BAddBmm(mask.Dim == 2 ? mask.Unsqueeze(0) : mask, qh, kt);
        var attention = Functional.Softmax(scores, -1);
        var merged = Functional.Bmm(attention, vh).Transpose(0, 1).Reshape(l, n, e); // (L, N, E)
        return scope.MoveToOuter(merged);
    }
}
