// Neural-network operators: linear algebra products, convolution, pooling, normalization, losses,
// resampling. Only tensor operations: the layers and losses that use them are written in C#.
#include "ham.h"

HAM_API int ham_matmul(ham_tensor a, ham_tensor b, ham_tensor* out) { HAM_TRY(*out = ham_wrap(at::matmul(*a, *b))) }
HAM_API int ham_mm(ham_tensor a, ham_tensor b, ham_tensor* out) { HAM_TRY(*out = ham_wrap(at::mm(*a, *b))) }
HAM_API int ham_bmm(ham_tensor a, ham_tensor b, ham_tensor* out) { HAM_TRY(*out = ham_wrap(at::bmm(*a, *b))) }
// out = beta * input + alpha * (b1 @ b2), batched.
HAM_API int ham_baddbmm(ham_tensor input, ham_tensor b1, ham_tensor b2, double beta, double alpha, ham_tensor* out) {
  HAM_TRY(*out = ham_wrap(at::baddbmm(*input, *b1, *b2, beta, alpha)))
}
HAM_API int ham_linear(ham_tensor x, ham_tensor w, ham_tensor b, ham_tensor* out) { HAM_TRY(*out = ham_wrap(at::linear(*x, *w, ham_opt(b)))) }

HAM_API int ham_conv2d(ham_tensor x, ham_tensor w, ham_tensor b, const int64_t* stride, const int64_t* padding,
                       const int64_t* dilation, int64_t groups, ham_tensor* out) {
  HAM_TRY(*out = ham_wrap(at::conv2d(*x, *w, ham_opt(b), ham_dims(stride, 2), ham_dims(padding, 2), ham_dims(dilation, 2), groups)))
}

HAM_API int ham_avg_pool2d(ham_tensor x, const int64_t* kernel, const int64_t* stride, const int64_t* padding,
                           int ceil_mode, int count_include_pad, ham_tensor* out) {
  HAM_TRY(*out = ham_wrap(at::avg_pool2d(*x, ham_dims(kernel, 2), ham_dims(stride, 2), ham_dims(padding, 2), ceil_mode != 0, count_include_pad != 0)))
}
HAM_API int ham_max_pool2d(ham_tensor x, const int64_t* kernel, const int64_t* stride, const int64_t* padding,
                           const int64_t* dilation, int ceil_mode, ham_tensor* out) {
  HAM_TRY(*out = ham_wrap(at::max_pool2d(*x, ham_dims(kernel, 2), ham_dims(stride, 2), ham_dims(padding, 2), ham_dims(dilation, 2), ceil_mode != 0)))
}
HAM_API int ham_adaptive_avg_pool2d(ham_tensor x, const int64_t* size, ham_tensor* out) {
  HAM_TRY(*out = ham_wrap(at::adaptive_avg_pool2d(*x, ham_dims(size, 2))))
}
HAM_API int ham_adaptive_max_pool2d(ham_tensor x, const int64_t* size, ham_tensor* out) {
  HAM_TRY(*out = ham_wrap(std::get<0>(at::adaptive_max_pool2d(*x, ham_dims(size, 2)))))
}

HAM_API int ham_layer_norm(ham_tensor x, const int64_t* shape, int n, ham_tensor w, ham_tensor b, double eps, ham_tensor* out) {
  HAM_TRY(*out = ham_wrap(at::layer_norm(*x, ham_dims(shape, n), ham_opt(w), ham_opt(b), eps)))
}
// In training mode the running statistics are updated in place (momentum as PyTorch's).
HAM_API int ham_batch_norm(ham_tensor x, ham_tensor w, ham_tensor b, ham_tensor running_mean, ham_tensor running_var,
                           int training, double momentum, double eps, ham_tensor* out) {
  HAM_TRY(*out = ham_wrap(at::batch_norm(*x, ham_opt(w), ham_opt(b), ham_opt(running_mean), ham_opt(running_var),
                                         training != 0, momentum, eps, false)))
}
HAM_API int ham_group_norm(ham_tensor x, int64_t groups, ham_tensor w, ham_tensor b, double eps, ham_tensor* out) {
  HAM_TRY(*out = ham_wrap(at::group_norm(*x, groups, ham_opt(w), ham_opt(b), eps)))
}

HAM_API int ham_softmax(ham_tensor x, int64_t dim, ham_tensor* out) { HAM_TRY(*out = ham_wrap(at::softmax(*x, dim))) }
HAM_API int ham_log_softmax(ham_tensor x, int64_t dim, ham_tensor* out) { HAM_TRY(*out = ham_wrap(at::log_softmax(*x, dim))) }
HAM_API int ham_embedding(ham_tensor weight, ham_tensor indices, ham_tensor* out) { HAM_TRY(*out = ham_wrap(at::embedding(*weight, *indices))) }

// reduction: 0 none, 1 mean, 2 sum (at::Reduction).
HAM_API int ham_cross_entropy(ham_tensor logits, ham_tensor target, ham_tensor weight, int reduction,
                              int64_t ignore_index, double label_smoothing, ham_tensor* out) {
  HAM_TRY(*out = ham_wrap(at::cross_entropy_loss(*logits, *target, ham_opt(weight), reduction, ignore_index, label_smoothing)))
}
HAM_API int ham_nll_loss(ham_tensor logp, ham_tensor target, int reduction, ham_tensor* out) {
  HAM_TRY(*out = ham_wrap(at::nll_loss(*logp, *target, {}, reduction)))
}
HAM_API int ham_mse_loss(ham_tensor a, ham_tensor b, int reduction, ham_tensor* out) { HAM_TRY(*out = ham_wrap(at::mse_loss(*a, *b, reduction))) }

// mode: 0 bilinear, 1 bicubic; antialias as PIL (torchvision's antialias=True).
HAM_API int ham_interpolate(ham_tensor x, int64_t h, int64_t w, int mode, int align_corners, int antialias, ham_tensor* out) {
  HAM_TRY({
    std::vector<int64_t> size{h, w};
    at::Tensor r;
    bool ac = align_corners != 0;
    if (mode == 0) r = antialias ? at::_upsample_bilinear2d_aa(*x, size, ac) : at::upsample_bilinear2d(*x, size, ac);
    else if (mode == 1) r = antialias ? at::_upsample_bicubic2d_aa(*x, size, ac) : at::upsample_bicubic2d(*x, size, ac);
    else if (mode == 2) r = at::upsample_nearest2d(*x, size);
    else TORCH_CHECK(false, "interpolate: unknown mode ", mode, " (0 bilinear, 1 bicubic, 2 nearest)");
    *out = ham_wrap(r);
  })
}
