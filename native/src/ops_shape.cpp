// Views, reshapes, joins, splits and indexing.
#include "ham.h"

HAM_API int ham_reshape(ham_tensor a, const int64_t* dims, int n, ham_tensor* out) { HAM_TRY(*out = ham_wrap(a->reshape(ham_dims(dims, n)))) }
HAM_API int ham_view(ham_tensor a, const int64_t* dims, int n, ham_tensor* out) { HAM_TRY(*out = ham_wrap(a->view(ham_dims(dims, n)))) }
HAM_API int ham_expand(ham_tensor a, const int64_t* dims, int n, ham_tensor* out) { HAM_TRY(*out = ham_wrap(a->expand(ham_dims(dims, n)))) }
HAM_API int ham_repeat(ham_tensor a, const int64_t* dims, int n, ham_tensor* out) { HAM_TRY(*out = ham_wrap(a->repeat(ham_dims(dims, n)))) }
HAM_API int ham_permute(ham_tensor a, const int64_t* dims, int n, ham_tensor* out) { HAM_TRY(*out = ham_wrap(a->permute(ham_dims(dims, n)))) }
HAM_API int ham_flip(ham_tensor a, const int64_t* dims, int n, ham_tensor* out) { HAM_TRY(*out = ham_wrap(a->flip(ham_dims(dims, n)))) }
HAM_API int ham_transpose(ham_tensor a, int64_t d0, int64_t d1, ham_tensor* out) { HAM_TRY(*out = ham_wrap(a->transpose(d0, d1))) }
HAM_API int ham_flatten(ham_tensor a, int64_t start, int64_t end, ham_tensor* out) { HAM_TRY(*out = ham_wrap(a->flatten(start, end))) }
HAM_API int ham_squeeze(ham_tensor a, int64_t dim, ham_tensor* out) { HAM_TRY(*out = ham_wrap(a->squeeze(dim))) }
HAM_API int ham_unsqueeze(ham_tensor a, int64_t dim, ham_tensor* out) { HAM_TRY(*out = ham_wrap(a->unsqueeze(dim))) }
HAM_API int ham_narrow(ham_tensor a, int64_t dim, int64_t start, int64_t length, ham_tensor* out) { HAM_TRY(*out = ham_wrap(a->narrow(dim, start, length))) }
HAM_API int ham_select(ham_tensor a, int64_t dim, int64_t index, ham_tensor* out) { HAM_TRY(*out = ham_wrap(a->select(dim, index))) }
HAM_API int ham_slice(ham_tensor a, int64_t dim, int64_t start, int64_t end, int64_t step, ham_tensor* out) { HAM_TRY(*out = ham_wrap(a->slice(dim, start, end, step))) }
HAM_API int ham_tril(ham_tensor a, int64_t diagonal, ham_tensor* out) { HAM_TRY(*out = ham_wrap(a->tril(diagonal))) }
HAM_API int ham_triu(ham_tensor a, int64_t diagonal, ham_tensor* out) { HAM_TRY(*out = ham_wrap(a->triu(diagonal))) }
HAM_API int ham_diagonal(ham_tensor a, int64_t offset, int64_t d0, int64_t d1, ham_tensor* out) { HAM_TRY(*out = ham_wrap(a->diagonal(offset, d0, d1))) }
HAM_API int ham_diag_embed(ham_tensor a, ham_tensor* out) { HAM_TRY(*out = ham_wrap(at::diag_embed(*a))) }

HAM_API int ham_cat(const ham_tensor* ts, int n, int64_t dim, ham_tensor* out) { HAM_TRY(*out = ham_wrap(at::cat(ham_list(ts, n), dim))) }
HAM_API int ham_stack(const ham_tensor* ts, int n, int64_t dim, ham_tensor* out) { HAM_TRY(*out = ham_wrap(at::stack(ham_list(ts, n), dim))) }

HAM_API int ham_split(ham_tensor a, int64_t size, int64_t dim, ham_tensor* out, int capacity, int* count) {
  HAM_TRY(ham_write_list(a->split(size, dim), out, capacity, count))
}
HAM_API int ham_split_sizes(ham_tensor a, const int64_t* sizes, int n, int64_t dim, ham_tensor* out, int capacity, int* count) {
  HAM_TRY(ham_write_list(a->split_with_sizes(ham_dims(sizes, n), dim), out, capacity, count))
}
HAM_API int ham_chunk(ham_tensor a, int64_t chunks, int64_t dim, ham_tensor* out, int capacity, int* count) {
  HAM_TRY(ham_write_list(a->chunk(chunks, dim), out, capacity, count))
}

HAM_API int ham_index_select(ham_tensor a, int64_t dim, ham_tensor index, ham_tensor* out) { HAM_TRY(*out = ham_wrap(at::index_select(*a, dim, *index))) }
HAM_API int ham_gather(ham_tensor a, int64_t dim, ham_tensor index, ham_tensor* out) { HAM_TRY(*out = ham_wrap(at::gather(*a, dim, *index))) }
HAM_API int ham_scatter(ham_tensor a, int64_t dim, ham_tensor index, ham_tensor src, ham_tensor* out) { HAM_TRY(*out = ham_wrap(at::scatter(*a, dim, *index, *src))) }
HAM_API int ham_scatter_add(ham_tensor a, int64_t dim, ham_tensor index, ham_tensor src, ham_tensor* out) { HAM_TRY(*out = ham_wrap(at::scatter_add(*a, dim, *index, *src))) }
HAM_API int ham_masked_fill(ham_tensor a, ham_tensor mask, double value, ham_tensor* out) { HAM_TRY(*out = ham_wrap(at::masked_fill(*a, *mask, value))) }
HAM_API int ham_masked_select(ham_tensor a, ham_tensor mask, ham_tensor* out) { HAM_TRY(*out = ham_wrap(at::masked_select(*a, *mask))) }
// a[index] for a 1-D long or bool index along dim 0 (advanced indexing).
HAM_API int ham_index(ham_tensor a, ham_tensor index, ham_tensor* out) {
  HAM_TRY(*out = ham_wrap(a->index({*index})))
}
HAM_API int ham_index_put_(ham_tensor a, ham_tensor index, ham_tensor values, int accumulate) {
  HAM_TRY(a->index_put_({*index}, *values, accumulate != 0))
}
HAM_API int ham_one_hot(ham_tensor a, int64_t classes, ham_tensor* out) { HAM_TRY(*out = ham_wrap(at::one_hot(*a, classes))) }
HAM_API int ham_pad(ham_tensor a, const int64_t* pad, int n, double value, ham_tensor* out) { HAM_TRY(*out = ham_wrap(at::constant_pad_nd(*a, ham_dims(pad, n), value))) }
