// Random sampling; every function takes a generator so that each random choice has its own seed.
#include "ham.h"

typedef at::Generator* ham_generator;
static c10::optional<at::Generator> gen(ham_generator g) { return g ? c10::optional<at::Generator>(*g) : c10::nullopt; }

HAM_API int ham_randn(const int64_t* dims, int n, int dtype, ham_generator g, ham_tensor* out) {
  HAM_TRY(*out = ham_wrap(at::randn(ham_dims(dims, n), gen(g), at::TensorOptions().dtype(static_cast<at::ScalarType>(dtype)))))
}
HAM_API int ham_rand(const int64_t* dims, int n, int dtype, ham_generator g, ham_tensor* out) {
  HAM_TRY(*out = ham_wrap(at::rand(ham_dims(dims, n), gen(g), at::TensorOptions().dtype(static_cast<at::ScalarType>(dtype)))))
}
// Integers in [low, high).
HAM_API int ham_randint(int64_t low, int64_t high, const int64_t* dims, int n, ham_generator g, ham_tensor* out) {
  HAM_TRY(*out = ham_wrap(at::randint(low, high, ham_dims(dims, n), gen(g), at::TensorOptions().dtype(at::kLong))))
}
HAM_API int ham_randperm(int64_t n, ham_generator g, ham_tensor* out) {
  HAM_TRY(*out = ham_wrap(at::randperm(n, gen(g), at::TensorOptions().dtype(at::kLong))))
}
// Each entry 1 with probability p (same shape and dtype as like).
HAM_API int ham_bernoulli(ham_tensor like, double p, ham_generator g, ham_tensor* out) {
  HAM_TRY(*out = ham_wrap(at::empty_like(*like).bernoulli_(p, gen(g))))
}
HAM_API int ham_normal_(ham_tensor a, double mean, double std, ham_generator g) { HAM_TRY(a->normal_(mean, std, gen(g))) }
HAM_API int ham_uniform_(ham_tensor a, double from, double to, ham_generator g) { HAM_TRY(a->uniform_(from, to, gen(g))) }
