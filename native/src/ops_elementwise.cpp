// Elementwise arithmetic, comparisons and activations (broadcasting as ATen does).
#include "ham.h"

#define UNARY(name, expr) \
  HAM_API int ham_##name(ham_tensor a, ham_tensor* out) { HAM_TRY(*out = ham_wrap(expr)) }
#define UNARY_(name, expr) \
  HAM_API int ham_##name(ham_tensor a) { HAM_TRY(expr) }
#define BINARY(name, expr) \
  HAM_API int ham_##name(ham_tensor a, ham_tensor b, ham_tensor* out) { HAM_TRY(*out = ham_wrap(expr)) }
#define BINARY_(name, expr) \
  HAM_API int ham_##name(ham_tensor a, ham_tensor b) { HAM_TRY(expr) }
// Scalars arrive as double; an integer-valued one applied to an integer tensor stays an integer
// (as a Python int literal would), so `count + 1` on an int64 tensor stays int64.
#define SCALAR(name, expr)                                                    \
  HAM_API int ham_##name(ham_tensor a, double value, ham_tensor* out) {       \
    HAM_TRY({                                                                 \
      at::Scalar s = ham_scalar(*a, value);                                   \
      *out = ham_wrap(expr);                                                  \
    })                                                                        \
  }
#define SCALAR_(name, expr)                                                   \
  HAM_API int ham_##name(ham_tensor a, double value) {                        \
    HAM_TRY({                                                                 \
      at::Scalar s = ham_scalar(*a, value);                                   \
      expr;                                                                   \
    })                                                                        \
  }

UNARY(neg, a->neg())
UNARY(abs, a->abs())
UNARY(sign, a->sign())
UNARY(exp, a->exp())
UNARY(log, a->log())
UNARY(sqrt, a->sqrt())
UNARY(rsqrt, a->rsqrt())
UNARY(square, a->square())
UNARY(sin, a->sin())
UNARY(cos, a->cos())
UNARY(tanh, a->tanh())
UNARY(erf, a->erf())
UNARY(floor, a->floor())
UNARY(ceil, a->ceil())
UNARY(round, a->round())
UNARY(reciprocal, a->reciprocal())
UNARY(sigmoid, a->sigmoid())
UNARY(relu, a->relu())
UNARY(logical_not, a->logical_not())
UNARY(isnan, a->isnan())
UNARY(isfinite, a->isfinite())
UNARY(signbit, a->signbit())
UNARY(gelu, at::gelu(*a))
UNARY(gelu_tanh, at::gelu(*a, "tanh"))
UNARY(silu, at::silu(*a))

BINARY(add, at::add(*a, *b))
BINARY(sub, at::sub(*a, *b))
BINARY(mul, at::mul(*a, *b))
BINARY(div, at::div(*a, *b))
BINARY(pow, at::pow(*a, *b))
BINARY(maximum, at::maximum(*a, *b))
BINARY(minimum, at::minimum(*a, *b))
BINARY(remainder, at::remainder(*a, *b))
BINARY(eq, at::eq(*a, *b))
BINARY(ne, at::ne(*a, *b))
BINARY(lt, at::lt(*a, *b))
BINARY(le, at::le(*a, *b))
BINARY(gt, at::gt(*a, *b))
BINARY(ge, at::ge(*a, *b))
BINARY(logical_and, at::logical_and(*a, *b))
BINARY(logical_or, at::logical_or(*a, *b))
BINARY(logical_xor, at::logical_xor(*a, *b))
BINARY(bitwise_and, at::bitwise_and(*a, *b))
BINARY(bitwise_or, at::bitwise_or(*a, *b))

// Scalars keep the tensor's dtype where ATen's type promotion says so (int * 2.0 -> float).
SCALAR(add_scalar, at::add(*a, s))
SCALAR(sub_scalar, at::sub(*a, s))
SCALAR(rsub_scalar, at::rsub(*a, s))
SCALAR(mul_scalar, at::mul(*a, s))
SCALAR(div_scalar, at::div(*a, s))
SCALAR(rdiv_scalar, at::mul(at::reciprocal(*a), s))
SCALAR(pow_scalar, at::pow(*a, s))
SCALAR(rpow_scalar, at::pow(s, *a))
SCALAR(remainder_scalar, at::remainder(*a, s))
SCALAR(eq_scalar, at::eq(*a, s))
SCALAR(ne_scalar, at::ne(*a, s))
SCALAR(lt_scalar, at::lt(*a, s))
SCALAR(le_scalar, at::le(*a, s))
SCALAR(gt_scalar, at::gt(*a, s))
SCALAR(ge_scalar, at::ge(*a, s))
SCALAR(leaky_relu, at::leaky_relu(*a, s))

HAM_API int ham_clamp(ham_tensor a, double lo, double hi, int has_lo, int has_hi, ham_tensor* out) {
  HAM_TRY(*out = ham_wrap(at::clamp(*a, has_lo ? c10::optional<at::Scalar>(lo) : c10::nullopt,
                                    has_hi ? c10::optional<at::Scalar>(hi) : c10::nullopt)))
}

HAM_API int ham_where(ham_tensor cond, ham_tensor a, ham_tensor b, ham_tensor* out) {
  HAM_TRY(*out = ham_wrap(at::where(*cond, *a, *b)))
}

HAM_API int ham_lerp(ham_tensor a, ham_tensor b, double weight, ham_tensor* out) {
  HAM_TRY(*out = ham_wrap(at::lerp(*a, *b, weight)))
}

// ---- in place (optimizers, running statistics, accumulators) ----

BINARY_(add_, a->add_(*b))
BINARY_(sub_, a->sub_(*b))
BINARY_(mul_, a->mul_(*b))
BINARY_(div_, a->div_(*b))
BINARY_(copy_, a->copy_(*b))
BINARY_(maximum_, at::maximum_out(*a, *a, *b))
SCALAR_(add_scalar_, a->add_(s))
SCALAR_(mul_scalar_, a->mul_(s))
SCALAR_(fill_, a->fill_(s))
UNARY_(zero_, a->zero_())
UNARY_(sqrt_, a->sqrt_())
// Activations in place (torchvision's ReLU(inplace=True): no new buffer per block).
UNARY_(relu_, a->relu_())

// a += alpha * b
HAM_API int ham_add_scaled_(ham_tensor a, ham_tensor b, double alpha) { HAM_TRY(a->add_(*b, alpha)) }
// a += value * b * c
HAM_API int ham_addcmul_(ham_tensor a, ham_tensor b, ham_tensor c, double value) { HAM_TRY(a->addcmul_(*b, *c, value)) }
// a += value * b / c
HAM_API int ham_addcdiv_(ham_tensor a, ham_tensor b, ham_tensor c, double value) { HAM_TRY(a->addcdiv_(*b, *c, value)) }
// a += weight * (b - a)
HAM_API int ham_lerp_(ham_tensor a, ham_tensor b, double weight) { HAM_TRY(a->lerp_(*b, weight)) }
HAM_API int ham_clamp_(ham_tensor a, double lo, double hi) { HAM_TRY(a->clamp_(lo, hi)) }
HAM_API int ham_masked_fill_(ham_tensor a, ham_tensor mask, double value) { HAM_TRY(a->masked_fill_(*mask, value)) }
