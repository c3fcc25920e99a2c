// Reductions, sorting and selection. dims = null/0 means "all dimensions".
#include "ham.h"

static at::OptionalIntArrayRef opt_dims(const int64_t* dims, int n) {
  return n > 0 ? at::OptionalIntArrayRef(at::IntArrayRef(dims, n)) : c10::nullopt;
}

HAM_API int ham_sum(ham_tensor a, const int64_t* dims, int n, int keepdim, int dtype, ham_tensor* out) {
  HAM_TRY({
    auto dt = dtype >= 0 ? c10::optional<at::ScalarType>(static_cast<at::ScalarType>(dtype)) : c10::nullopt;
    *out = ham_wrap(n > 0 ? at::sum(*a, ham_dims(dims, n), keepdim != 0, dt) : at::sum(*a, dt));
  })
}
HAM_API int ham_mean(ham_tensor a, const int64_t* dims, int n, int keepdim, ham_tensor* out) {
  HAM_TRY(*out = ham_wrap(n > 0 ? at::mean(*a, ham_dims(dims, n), keepdim != 0) : at::mean(*a)))
}
HAM_API int ham_prod(ham_tensor a, ham_tensor* out) { HAM_TRY(*out = ham_wrap(at::prod(*a))) }
HAM_API int ham_var(ham_tensor a, const int64_t* dims, int n, int64_t correction, int keepdim, ham_tensor* out) {
  HAM_TRY(*out = ham_wrap(at::var(*a, opt_dims(dims, n), correction, keepdim != 0)))
}
HAM_API int ham_std(ham_tensor a, const int64_t* dims, int n, int64_t correction, int keepdim, ham_tensor* out) {
  HAM_TRY(*out = ham_wrap(at::std(*a, opt_dims(dims, n), correction, keepdim != 0)))
}
HAM_API int ham_norm(ham_tensor a, double p, const int64_t* dims, int n, int keepdim, ham_tensor* out) {
  HAM_TRY(*out = ham_wrap(n > 0 ? at::norm(*a, p, ham_dims(dims, n), keepdim != 0) : at::norm(*a, p)))
}
HAM_API int ham_logsumexp(ham_tensor a, int64_t dim, int keepdim, ham_tensor* out) {
  HAM_TRY(*out = ham_wrap(at::logsumexp(*a, {dim}, keepdim != 0)))
}
HAM_API int ham_max_all(ham_tensor a, ham_tensor* out) { HAM_TRY(*out = ham_wrap(a->max())) }
HAM_API int ham_min_all(ham_tensor a, ham_tensor* out) { HAM_TRY(*out = ham_wrap(a->min())) }
HAM_API int ham_any(ham_tensor a, ham_tensor* out) { HAM_TRY(*out = ham_wrap(a->any())) }
HAM_API int ham_all(ham_tensor a, ham_tensor* out) { HAM_TRY(*out = ham_wrap(a->all())) }

HAM_API int ham_max_dim(ham_tensor a, int64_t dim, int keepdim, ham_tensor* values, ham_tensor* indices) {
  HAM_TRY({
    auto r = at::max(*a, dim, keepdim != 0);
    *values = ham_wrap(std::get<0>(r));
    *indices = ham_wrap(std::get<1>(r));
  })
}
HAM_API int ham_min_dim(ham_tensor a, int64_t dim, int keepdim, ham_tensor* values, ham_tensor* indices) {
  HAM_TRY({
    auto r = at::min(*a, dim, keepdim != 0);
    *values = ham_wrap(std::get<0>(r));
    *indices = ham_wrap(std::get<1>(r));
  })
}
// has_dim = 0: argmax over the flattened tensor.
HAM_API int ham_argmax(ham_tensor a, int64_t dim, int has_dim, int keepdim, ham_tensor* out) {
  HAM_TRY(*out = ham_wrap(at::argmax(*a, has_dim ? c10::optional<int64_t>(dim) : c10::nullopt, keepdim != 0)))
}
HAM_API int ham_argmin(ham_tensor a, int64_t dim, int has_dim, int keepdim, ham_tensor* out) {
  HAM_TRY(*out = ham_wrap(at::argmin(*a, has_dim ? c10::optional<int64_t>(dim) : c10::nullopt, keepdim != 0)))
}
HAM_API int ham_cumsum(ham_tensor a, int64_t dim, ham_tensor* out) { HAM_TRY(*out = ham_wrap(at::cumsum(*a, dim))) }

HAM_API int ham_sort(ham_tensor a, int64_t dim, int descending, int stable, ham_tensor* values, ham_tensor* indices) {
  HAM_TRY({
    auto r = at::sort(*a, stable != 0, dim, descending != 0);
    *values = ham_wrap(std::get<0>(r));
    *indices = ham_wrap(std::get<1>(r));
  })
}
HAM_API int ham_argsort(ham_tensor a, int64_t dim, int descending, ham_tensor* out) {
  HAM_TRY(*out = ham_wrap(at::argsort(*a, dim, descending != 0)))
}
HAM_API int ham_topk(ham_tensor a, int64_t k, int64_t dim, int largest, int sorted, ham_tensor* values, ham_tensor* indices) {
  HAM_TRY({
    auto r = at::topk(*a, k, dim, largest != 0, sorted != 0);
    *values = ham_wrap(std::get<0>(r));
    *indices = ham_wrap(std::get<1>(r));
  })
}
// k is 1-based, as torch.kthvalue.
HAM_API int ham_kthvalue(ham_tensor a, int64_t k, int64_t dim, int keepdim, ham_tensor* values, ham_tensor* indices) {
  HAM_TRY({
    auto r = at::kthvalue(*a, k, dim, keepdim != 0);
    *values = ham_wrap(std::get<0>(r));
    *indices = ham_wrap(std::get<1>(r));
  })
}
// interpolation: "linear", "lower", "higher", "midpoint", "nearest"; has_dim = 0 flattens.
HAM_API int ham_quantile(ham_tensor a, double q, int64_t dim, int has_dim, int keepdim, const char* interpolation, ham_tensor* out) {
  HAM_TRY(*out = ham_wrap(at::quantile(*a, q, has_dim ? c10::optional<int64_t>(dim) : c10::nullopt, keepdim != 0, interpolation)))
}
HAM_API int ham_nonzero(ham_tensor a, ham_tensor* out) { HAM_TRY(*out = ham_wrap(at::nonzero(*a))) }
HAM_API int ham_count_nonzero(ham_tensor a, ham_tensor* out) { HAM_TRY(*out = ham_wrap(at::count_nonzero(*a))) }
