using Ham.Torch.Native;

namespace Ham.Torch;

/// <summary>Loss reductions, as at::Reduction.</summary>
public enum Reduction
{
    None = 0,
    Mean = 1,
    Sum = 2,
}

/// <summary>Resampling filters of <see cref="Functional.Interpolate"/>.</summary>
public enum InterpolationMode
{
    Bilinear = 0,
    Bicubic = 1,
    Nearest = 2,
}

/// <summary>The operators of torch.nn.functional that Ham's layers, models and losses use.</summary>
public static unsafe class Functional
{
    static IntPtr H(Tensor? t) => t?.Handle ?? IntPtr.Zero;

    public static Tensor MatMul(Tensor a, Tensor b) => Tensor.Wrap(Api.ham_matmul(a.Handle, b.Handle, out var r), r);
    public static Tensor Mm(Tensor a, Tensor b) => Tensor.Wrap(Api.ham_mm(a.Handle, b.Handle, out var r), r);
    public static Tensor Bmm(Tensor a, Tensor b) => Tensor.Wrap(Api.ham_bmm(a.Handle, b.Handle, out var r), r);
    /// <summary>beta * input + alpha * (b1 @ b2), batched.</summary>
    public static Tensor BAddBmm(Tensor input, Tensor b1, Tensor b2, double beta = 1, double alpha = 1) =>
        Tensor.Wrap(Api.ham_baddbmm(input.Handle, b1.Handle, b2.Handle, beta, alpha, out var r), r);
    /// <summary>x W^T + b.</summary>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias = null) => Tensor.Wrap(Api.ham_linear(x.Handle, weight.Handle, H(bias), out var r), r);

    public static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias = null, long stride = 1, long padding = 0, long dilation = 1, long groups = 1) =>
        Conv2d(x, weight, bias, (stride, stride), (padding, padding), (dilation, dilation), groups);

    public static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias, (long, long) stride, (long, long) padding, (long, long) dilation, long groups = 1)
    {
        long* s = stackalloc long[] { stride.Item1, stride.Item2 };
        long* p = stackalloc long[] { padding.Item1, padding.Item2 };
        long* d = stackalloc long[] { dilation.Item1, dilation.Item2 };
        return Tensor.Wrap(Api.ham_conv2d(x.Handle, weight.Handle, H(bias), s, p, d, groups, out var r), r);
    }

    public static Tensor AvgPool2d(Tensor x, long kernel, long? stride = null, long padding = 0, bool ceilMode = false, bool countIncludePad = true)
    {
        long st = stride ?? kernel;
        long* k = stackalloc long[] { kernel, kernel };
        long* s = stackalloc long[] { st, st };
        long* p = stackalloc long[] { padding, padding };
        return Tensor.Wrap(Api.ham_avg_pool2d(x.Handle, k, s, p, ceilMode ? 1 : 0, countIncludePad ? 1 : 0, out var r), r);
    }

    public static Tensor MaxPool2d(Tensor x, long kernel, long? stride = null, long padding = 0, long dilation = 1, bool ceilMode = false)
    {
        long st = stride ?? kernel;
        long* k = stackalloc long[] { kernel, kernel };
        long* s = stackalloc long[] { st, st };
        long* p = stackalloc long[] { padding, padding };
        long* d = stackalloc long[] { dilation, dilation };
        return Tensor.Wrap(Api.ham_max_pool2d(x.Handle, k, s, p, d, ceilMode ? 1 : 0, out var r), r);
    }

    public static Tensor AdaptiveAvgPool2d(Tensor x, long height, long width)
    {
        long* o = stackalloc long[] { height, width };
        return Tensor.Wrap(Api.ham_adaptive_avg_pool2d(x.Handle, o, out var r), r);
    }

    public static Tensor AdaptiveMaxPool2d(Tensor x, long height, long width)
    {
        long* o = stackalloc long[] { height, width };
        return Tensor.Wrap(Api.ham_adaptive_max_pool2d(x.Handle, o, out var r), r);
    }

    public static Tensor LayerNorm(Tensor x, long[] normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        fixed (long* s = normalizedShape)
            return Tensor.Wrap(Api.ham_layer_norm(x.Handle, s, normalizedShape.Length, H(weight), H(bias), eps, out var r), r);
    }

    /// <summary>Batch norm; in training mode the running statistics are updated in place (PyTorch's momentum rule).</summary>
    public static Tensor BatchNorm(Tensor x, Tensor? runningMean, Tensor? runningVar, Tensor? weight, Tensor? bias, bool training, double momentum = 0.1, double eps = 1e-5) =>
        Tensor.Wrap(Api.ham_batch_norm(x.Handle, H(weight), H(bias), H(runningMean), H(runningVar), training ? 1 : 0, momentum, eps, out var r), r);

    public static Tensor GroupNorm(Tensor x, long groups, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5) =>
        Tensor.Wrap(Api.ham_group_norm(x.Handle, groups, H(weight), H(bias), eps, out var r), r);

    public static Tensor Softmax(Tensor x, long dim) => Tensor.Wrap(Api.ham_softmax(x.Handle, dim, out var r), r);
    public static Tensor LogSoftmax(Tensor x, long dim) => Tensor.Wrap(Api.ham_log_softmax(x.Handle, dim, out var r), r);
    public static Tensor Embedding(Tensor weight, Tensor indices) => Tensor.Wrap(Api.ham_embedding(weight.Handle, indices.Handle, out var r), r);

    /// <summary>Cross-entropy over class logits with integer targets, as F.cross_entropy.</summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean, long ignoreIndex = -100, double labelSmoothing = 0) =>
        Tensor.Wrap(Api.ham_cross_entropy(logits.Handle, target.Handle, H(weight), (int)reduction, ignoreIndex, labelSmoothing, out var r), r);

    public static Tensor NllLoss(Tensor logProbabilities, Tensor target, Reduction reduction = Reduction.Mean) =>
        Tensor.Wrap(Api.ham_nll_loss(logProbabilities.Handle, target.Handle, (int)reduction, out var r), r);

    public static Tensor MseLoss(Tensor a, Tensor b, Reduction reduction = Reduction.Mean) =>
        Tensor.Wrap(Api.ham_mse_loss(a.Handle, b.Handle, (int)reduction, out var r), r);

    /// <summary>
    /// Dropout with a seeded mask: x * Bernoulli(1 - p) / (1 - p) in training, identity otherwise.
    /// </summary>
    public static Tensor Dropout(Tensor x, double p, bool training, Generator generator)
    {
        if (p < 0 || p >= 1) throw new ArgumentOutOfRangeException(nameof(p), p, "dropout probability must be in [0, 1)");
        if (!training || p == 0) return x.Alias();
        using var mask = Random.Bernoulli(x, 1 - p, generator);
        using var kept = x * mask;
        return kept / (1 - p);
    }

    /// <summary>Resizes NCHW images; antialias as torchvision's (PIL-like when shrinking).</summary>
    public static Tensor Interpolate(Tensor x, long height, long width, InterpolationMode mode, bool alignCorners = false, bool antialias = false) =>
        Tensor.Wrap(Api.ham_interpolate(x.Handle, height, width, (int)mode, alignCorners ? 1 : 0, antialias ? 1 : 0, out var r), r);
}
