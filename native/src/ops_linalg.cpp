// Decompositions (SCORE, TSV and ISO-C merging use them).
#include "ham.h"

HAM_API int ham_svd(ham_tensor a, int full_matrices, ham_tensor* u, ham_tensor* s, ham_tensor* vh) {
  HAM_TRY({
    auto r = at::linalg_svd(*a, full_matrices != 0);
    *u = ham_wrap(std::get<0>(r));
    *s = ham_wrap(std::get<1>(r));
    *vh = ham_wrap(std::get<2>(r));
  })
}
// mode: "reduced", "complete" or "r".
HAM_API int ham_qr(ham_tensor a, const char* mode, ham_tensor* q, ham_tensor* r) {
  HAM_TRY({
    auto res = at::linalg_qr(*a, mode);
    *q = ham_wrap(std::get<0>(res));
    *r = ham_wrap(std::get<1>(res));
  })
}
HAM_API int ham_eigh(ham_tensor a, ham_tensor* values, ham_tensor* vectors) {
  HAM_TRY({
    auto r = at::linalg_eigh(*a);
    *values = ham_wrap(std::get<0>(r));
    *vectors = ham_wrap(std::get<1>(r));
  })
}
HAM_API int ham_inverse(ham_tensor a, ham_tensor* out) { HAM_TRY(*out = ham_wrap(at::linalg_inv(*a))) }
