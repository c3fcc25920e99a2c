// Tensor lifetime, metadata, creation from and copies to host memory, conversion, autograd.
#include "ham.h"
#include <torch/csrc/autograd/variable.h>
#include <torch/csrc/autograd/autograd.h>
#include <cstring>

HAM_API void ham_free(ham_tensor t) { delete t; }

// A second handle to the same tensor (shares storage and autograd identity).
HAM_API int ham_alias(ham_tensor t, ham_tensor* out) { HAM_TRY(*out = ham_wrap(*t)) }

HAM_API int ham_dim(ham_tensor t, int* out) { HAM_TRY(*out = (int)t->dim()) }

HAM_API int ham_sizes(ham_tensor t, int64_t* out, int capacity) {
  HAM_TRY({
    TORCH_CHECK(t->dim() <= capacity, "tensor has ", t->dim(), " dims, room for ", capacity);
    for (int64_t i = 0; i < t->dim(); ++i) out[i] = t->size(i);
  })
}

HAM_API int ham_strides(ham_tensor t, int64_t* out, int capacity) {
  HAM_TRY({
    TORCH_CHECK(t->dim() <= capacity, "tensor has ", t->dim(), " dims, room for ", capacity);
    for (int64_t i = 0; i < t->dim(); ++i) out[i] = t->stride(i);
  })
}

HAM_API int ham_dtype(ham_tensor t, int* out) { HAM_TRY(*out = (int)t->scalar_type()) }

HAM_API int ham_device_of(ham_tensor t, int* type, int* index) {
  HAM_TRY({
    *type = (int)t->device().type();
    *index = (int)t->device().index();
  })
}

HAM_API int ham_numel(ham_tensor t, int64_t* out) { HAM_TRY(*out = t->numel()) }
HAM_API int ham_is_contiguous(ham_tensor t, int* out) { HAM_TRY(*out = t->is_contiguous() ? 1 : 0) }

// ---- creation ----

HAM_API int ham_empty(const int64_t* dims, int n, int dtype, int dev, int idx, ham_tensor* out) {
  HAM_TRY(*out = ham_wrap(at::empty(ham_dims(dims, n), ham_options(dtype, dev, idx))))
}
HAM_API int ham_zeros(const int64_t* dims, int n, int dtype, int dev, int idx, ham_tensor* out) {
  HAM_TRY(*out = ham_wrap(at::zeros(ham_dims(dims, n), ham_options(dtype, dev, idx))))
}
HAM_API int ham_ones(const int64_t* dims, int n, int dtype, int dev, int idx, ham_tensor* out) {
  HAM_TRY(*out = ham_wrap(at::ones(ham_dims(dims, n), ham_options(dtype, dev, idx))))
}
HAM_API int ham_full(const int64_t* dims, int n, double value, int dtype, int dev, int idx, ham_tensor* out) {
  HAM_TRY(*out = ham_wrap(at::full(ham_dims(dims, n), value, ham_options(dtype, dev, idx))))
}
HAM_API int ham_arange(double start, double end, double step, int dtype, int dev, int idx, ham_tensor* out) {
  HAM_TRY(*out = ham_wrap(at::arange(start, end, step, ham_options(dtype, dev, idx))))
}
HAM_API int ham_linspace(double start, double end, int64_t steps, int dtype, int dev, int idx, ham_tensor* out) {
  HAM_TRY(*out = ham_wrap(at::linspace(start, end, steps, ham_options(dtype, dev, idx))))
}
HAM_API int ham_eye(int64_t n, int dtype, int dev, int idx, ham_tensor* out) {
  HAM_TRY(*out = ham_wrap(at::eye(n, ham_options(dtype, dev, idx))))
}

// Copies nbytes of host memory into a new CPU tensor of the given shape and dtype.
HAM_API int ham_from_buffer(const void* data, int64_t nbytes, const int64_t* dims, int n, int dtype, ham_tensor* out) {
  HAM_TRY({
    auto t = at::empty(ham_dims(dims, n), at::TensorOptions().dtype(static_cast<at::ScalarType>(dtype)));
    TORCH_CHECK((int64_t)t.nbytes() == nbytes, "buffer holds ", nbytes, " bytes but shape and dtype need ", t.nbytes());
    if (nbytes > 0) std::memcpy(t.data_ptr(), data, nbytes);
    *out = ham_wrap(t);
  })
}

// Copies the tensor's values (made contiguous and moved to CPU) into host memory.
HAM_API int ham_to_buffer(ham_tensor t, void* data, int64_t nbytes) {
  HAM_TRY({
    auto c = t->detach().to(at::kCPU).contiguous();
    TORCH_CHECK((int64_t)c.nbytes() == nbytes, "buffer holds ", nbytes, " bytes but the tensor has ", c.nbytes());
    if (nbytes > 0) std::memcpy(data, c.data_ptr(), nbytes);
  })
}

// Pointer to a contiguous CPU tensor's memory (for zero-copy reads from C#); fails otherwise.
HAM_API int ham_data_ptr(ham_tensor t, void** out) {
  HAM_TRY({
    TORCH_CHECK(t->device().is_cpu(), "data_ptr needs a CPU tensor, got ", t->device());
    TORCH_CHECK(t->is_contiguous(), "data_ptr needs a contiguous tensor");
    *out = t->data_ptr();
  })
}

HAM_API int ham_item_double(ham_tensor t, double* out) { HAM_TRY(*out = t->item<double>()) }
HAM_API int ham_item_long(ham_tensor t, int64_t* out) { HAM_TRY(*out = t->item<int64_t>()) }

// ---- conversion ----

HAM_API int ham_to(ham_tensor t, int dtype, int dev, int idx, int copy, ham_tensor* out) {
  HAM_TRY(*out = ham_wrap(t->to(ham_device(dev, idx), static_cast<at::ScalarType>(dtype), false, copy != 0)))
}
HAM_API int ham_clone(ham_tensor t, ham_tensor* out) { HAM_TRY(*out = ham_wrap(t->clone())) }
HAM_API int ham_contiguous(ham_tensor t, ham_tensor* out) { HAM_TRY(*out = ham_wrap(t->contiguous())) }
HAM_API int ham_contiguous_channels_last(ham_tensor t, ham_tensor* out) {
  HAM_TRY(*out = ham_wrap(t->contiguous(at::MemoryFormat::ChannelsLast)))
}

// ---- autograd ----

HAM_API int ham_requires_grad(ham_tensor t, int* out) { HAM_TRY(*out = t->requires_grad() ? 1 : 0) }
HAM_API int ham_set_requires_grad(ham_tensor t, int value) { HAM_TRY(t->set_requires_grad(value != 0)) }
HAM_API int ham_is_leaf(ham_tensor t, int* out) { HAM_TRY(*out = t->is_leaf() ? 1 : 0) }
HAM_API int ham_detach(ham_tensor t, ham_tensor* out) { HAM_TRY(*out = ham_wrap(t->detach())) }
HAM_API int ham_retain_grad(ham_tensor t) { HAM_TRY(t->retain_grad()) }

// out = null when the tensor has no gradient yet.
HAM_API int ham_grad(ham_tensor t, ham_tensor* out) {
  HAM_TRY({
    auto g = t->grad();
    *out = g.defined() ? ham_wrap(g) : nullptr;
  })
}

// Sets (or with a null handle clears) the .grad of a leaf.
HAM_API int ham_set_grad(ham_tensor t, ham_tensor g) {
  HAM_TRY(t->mutable_grad() = g ? *g : at::Tensor())
}

// Backward from one or more roots; grads may be null entries (implicit 1 for scalars).
HAM_API int ham_backward(const ham_tensor* roots, const ham_tensor* grads, int n, int retain_graph) {
  HAM_TRY({
    std::vector<at::Tensor> rs, gs;
    for (int i = 0; i < n; ++i) {
      rs.push_back(*roots[i]);
      gs.push_back(grads && grads[i] ? *grads[i] : at::Tensor());
    }
    torch::autograd::backward(rs, gs, retain_graph != 0 ? c10::optional<bool>(true) : c10::nullopt);
  })
}

// Gradients of outputs with respect to inputs without touching .grad (torch.autograd.grad).
HAM_API int ham_autograd_grad(const ham_tensor* outputs, const ham_tensor* grad_outputs, int n_out,
                              const ham_tensor* inputs, int n_in, int create_graph, ham_tensor* out) {
  HAM_TRY({
    std::vector<at::Tensor> os, gos, is;
    for (int i = 0; i < n_out; ++i) {
      os.push_back(*outputs[i]);
      gos.push_back(grad_outputs && grad_outputs[i] ? *grad_outputs[i] : at::Tensor());
    }
    for (int i = 0; i < n_in; ++i) is.push_back(*inputs[i]);
    auto gr = torch::autograd::grad(os, is, gos, c10::nullopt, create_graph != 0, true);
    for (int i = 0; i < n_in; ++i) out[i] = gr[i].defined() ? ham_wrap(gr[i]) : nullptr;
  })
}

// Replaces a tensor's data in place (keeps identity, as PyTorch's `param.data = x`).
HAM_API int ham_set_data(ham_tensor t, ham_tensor data) { HAM_TRY(t->set_data(*data)) }
