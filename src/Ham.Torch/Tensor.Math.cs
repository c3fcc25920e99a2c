using Ham.Torch.Native;

namespace Ham.Torch;

// Elementwise arithmetic, comparisons and activations; broadcasting and type promotion as ATen's.
public sealed partial class Tensor
{
    public Tensor Neg() => Wrap(Api.ham_neg(Handle, out var r), r);
    public Tensor Abs() => Wrap(Api.ham_abs(Handle, out var r), r);
    public Tensor Sign() => Wrap(Api.ham_sign(Handle, out var r), r);
    public Tensor Exp() => Wrap(Api.ham_exp(Handle, out var r), r);
    public Tensor Log() => Wrap(Api.ham_log(Handle, out var r), r);
    public Tensor Sqrt() => Wrap(Api.ham_sqrt(Handle, out var r), r);
    public Tensor Rsqrt() => Wrap(Api.ham_rsqrt(Handle, out var r), r);
    public Tensor Square() => Wrap(Api.ham_square(Handle, out var r), r);
    public Tensor Sin() => Wrap(Api.ham_sin(Handle, out var r), r);
    public Tensor Cos() => Wrap(Api.ham_cos(Handle, out var r), r);
    public Tensor Tanh() => Wrap(Api.ham_tanh(Handle, out var r), r);
    public Tensor Erf() => Wrap(Api.ham_erf(Handle, out var r), r);
    public Tensor Floor() => Wrap(Api.ham_floor(Handle, out var r), r);
    public Tensor Ceil() => Wrap(Api.ham_ceil(Handle, out var r), r);
    public Tensor Round() => Wrap(Api.ham_round(Handle, out var r), r);
    public Tensor Reciprocal() => Wrap(Api.ham_reciprocal(Handle, out var r), r);
    public Tensor Sigmoid() => Wrap(Api.ham_sigmoid(Handle, out var r), r);
    public Tensor Relu() => Wrap(Api.ham_relu(Handle, out var r), r);
    public Tensor LogicalNot() => Wrap(Api.ham_logical_not(Handle, out var r), r);
    public Tensor IsNaN() => Wrap(Api.ham_isnan(Handle, out var r), r);
    public Tensor IsFinite() => Wrap(Api.ham_isfinite(Handle, out var r), r);
    /// <summary>True where the sign bit is set (so -0.0 counts as negative).</summary>
    public Tensor SignBit() => Wrap(Api.ham_signbit(Handle, out var r), r);

    /// <summary>GELU with the exact erf form, or the tanh approximation.</summary>
    public Tensor Gelu(bool tanhApproximation = false) =>
        tanhApproximation ? Wrap(Api.ham_gelu_tanh(Handle, out var t), t) : Wrap(Api.ham_gelu(Handle, out var r), r);
    public Tensor Silu() => Wrap(Api.ham_silu(Handle, out var r), r);
    public Tensor LeakyRelu(double slope) => Wrap(Api.ham_leaky_relu(Handle, slope, out var r), r);

    /// <summary>CLIP's QuickGELU: x * sigmoid(1.702 x) (openai/CLIP model.py).</summary>
    public Tensor QuickGelu()
    {
        using var scaled = this * 1.702;
        using var gate = scaled.Sigmoid();
        return this * gate;
    }

    public Tensor Add(Tensor other) => Wrap(Api.ham_add(Handle, other.Handle, out var r), r);
    public Tensor Sub(Tensor other) => Wrap(Api.ham_sub(Handle, other.Handle, out var r), r);
    public Tensor Mul(Tensor other) => Wrap(Api.ham_mul(Handle, other.Handle, out var r), r);
    public Tensor Div(Tensor other) => Wrap(Api.ham_div(Handle, other.Handle, out var r), r);
    public Tensor Pow(Tensor other) => Wrap(Api.ham_pow(Handle, other.Handle, out var r), r);
    public Tensor Pow(double exponent) => Wrap(Api.ham_pow_scalar(Handle, exponent, out var r), r);
    public Tensor Maximum(Tensor other) => Wrap(Api.ham_maximum(Handle, other.Handle, out var r), r);
    public Tensor Minimum(Tensor other) => Wrap(Api.ham_minimum(Handle, other.Handle, out var r), r);
    public Tensor Remainder(Tensor other) => Wrap(Api.ham_remainder(Handle, other.Handle, out var r), r);
    public Tensor Remainder(double other) => Wrap(Api.ham_remainder_scalar(Handle, other, out var r), r);

    public Tensor Eq(Tensor other) => Wrap(Api.ham_eq(Handle, other.Handle, out var r), r);
    public Tensor Ne(Tensor other) => Wrap(Api.ham_ne(Handle, other.Handle, out var r), r);
    public Tensor Lt(Tensor other) => Wrap(Api.ham_lt(Handle, other.Handle, out var r), r);
    public Tensor Le(Tensor other) => Wrap(Api.ham_le(Handle, other.Handle, out var r), r);
    public Tensor Gt(Tensor other) => Wrap(Api.ham_gt(Handle, other.Handle, out var r), r);
    public Tensor Ge(Tensor other) => Wrap(Api.ham_ge(Handle, other.Handle, out var r), r);
    public Tensor Eq(double other) => Wrap(Api.ham_eq_scalar(Handle, other, out var r), r);
    public Tensor Ne(double other) => Wrap(Api.ham_ne_scalar(Handle, other, out var r), r);
    public Tensor Lt(double other) => Wrap(Api.ham_lt_scalar(Handle, other, out var r), r);
    public Tensor Le(double other) => Wrap(Api.ham_le_scalar(Handle, other, out var r), r);
    public Tensor Gt(double other) => Wrap(Api.ham_gt_scalar(Handle, other, out var r), r);
    public Tensor Ge(double other) => Wrap(Api.ham_ge_scalar(Handle, other, out var r), r);
    public Tensor LogicalAnd(Tensor other) => Wrap(Api.ham_logical_and(Handle, other.Handle, out var r), r);
    public Tensor LogicalOr(Tensor other) => Wrap(Api.ham_logical_or(Handle, other.Handle, out var r), r);
    public Tensor LogicalXor(Tensor other) => Wrap(Api.ham_logical_xor(Handle, other.Handle, out var r), r);

    /// <summary>Clamp to [min, max]; a null bound is open.</summary>
    public Tensor Clamp(double? min = null, double? max = null) =>
        Wrap(Api.ham_clamp(Handle, min ?? 0, max ?? 0, min.HasValue ? 1 : 0, max.HasValue ? 1 : 0, out var r), r);

    /// <summary>this + weight * (end - this).</summary>
    public Tensor Lerp(Tensor end, double weight) => Wrap(Api.ham_lerp(Handle, end.Handle, weight, out var r), r);

    /// <summary>Elementwise select: where condition, <paramref name="a"/>, else <paramref name="b"/>.</summary>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b) => Wrap(Api.ham_where(condition.Handle, a.Handle, b.Handle, out var r), r);

    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);
    public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);
    public static Tensor operator *(Tensor a, Tensor b) => a.Mul(b);
    public static Tensor operator /(Tensor a, Tensor b) => a.Div(b);
    public static Tensor operator -(Tensor a) => a.Neg();
    public static Tensor operator +(Tensor a, double s) => Wrap(Api.ham_add_scalar(a.Handle, s, out var r), r);
    public static Tensor operator +(double s, Tensor a) => a + s;
    public static Tensor operator -(Tensor a, double s) => Wrap(Api.ham_sub_scalar(a.Handle, s, out var r), r);
    public static Tensor operator -(double s, Tensor a) => Wrap(Api.ham_rsub_scalar(a.Handle, s, out var r), r);
    public static Tensor operator *(Tensor a, double s) => Wrap(Api.ham_mul_scalar(a.Handle, s, out var r), r);
    public static Tensor operator *(double s, Tensor a) => a * s;
    public static Tensor operator /(Tensor a, double s) => Wrap(Api.ham_div_scalar(a.Handle, s, out var r), r);
    public static Tensor operator /(double s, Tensor a) => Wrap(Api.ham_rdiv_scalar(a.Handle, s, out var r), r);

    // ---- in place: optimizers, running statistics, accumulators ----

    public Tensor Add_(Tensor other) { Api.Check(Api.ham_add_(Handle, other.Handle)); return this; }
    public Tensor Add_(Tensor other, double alpha) { Api.Check(Api.ham_add_scaled_(Handle, other.Handle, alpha)); return this; }
    public Tensor Add_(double s) { Api.Check(Api.ham_add_scalar_(Handle, s)); return this; }
    public Tensor Sub_(Tensor other) { Api.Check(Api.ham_sub_(Handle, other.Handle)); return this; }
    public Tensor Mul_(Tensor other) { Api.Check(Api.ham_mul_(Handle, other.Handle)); return this; }
    public Tensor Mul_(double s) { Api.Check(Api.ham_mul_scalar_(Handle, s)); return this; }
    public Tensor Div_(Tensor other) { Api.Check(Api.ham_div_(Handle, other.Handle)); return this; }
    public Tensor Maximum_(Tensor other) { Api.Check(Api.ham_maximum_(Handle, other.Handle)); return this; }
    public Tensor Copy_(Tensor source) { Api.Check(Api.ham_copy_(Handle, source.Handle)); return this; }
    public Tensor Fill_(double value) { Api.Check(Api.ham_fill_(Handle, value)); return this; }
    public Tensor Zero_() { Api.Check(Api.ham_zero_(Handle)); return this; }
    public Tensor Sqrt_() { Api.Check(Api.ham_sqrt_(Handle)); return this; }
    /// <summary>max(x, 0) in place; autograd allows it where the producer does not need its output for backward (after conv, batch norm, add).</summary>
    public Tensor Relu_() { Api.Check(Api.ham_relu_(Handle)); return this; }
    public Tensor Clamp_(double min, double max) { Api.Check(Api.ham_clamp_(Handle, min, max)); return this; }
    /// <summary>this += value * a * b.</summary>
    public Tensor AddCMul_(Tensor a, Tensor b, double value) { Api.Check(Api.ham_addcmul_(Handle, a.Handle, b.Handle, value)); return this; }
    /// <summary>this += value * a / b.</summary>
    public Tensor AddCDiv_(Tensor a, Tensor b, double value) { Api.Check(Api.ham_addcdiv_(Handle, a.Handle, b.Handle, value)); return this; }
    /// <summary>this += weight * (end - this).</summary>
    public Tensor Lerp_(Tensor end, double weight) { Api.Check(Api.ham_lerp_(Handle, end.Handle, weight)); return this; }
    public Tensor MaskedFill_(Tensor mask, double value) { Api.Check(Api.ham_masked_fill_(Handle, mask.Handle, value)); return this; }
}
