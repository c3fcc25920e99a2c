// Devices: what this libtorch was built with, copies between devices, pinned host memory.
// Only APIs present in both Debian's CPU libtorch 1.13 and CUDA builds of 1.13 to 2.x are used
// (the dispatcher, at::hasCUDA, Tensor::to/pin_memory/is_pinned), so the same source builds
// against either; nothing here includes a CUDA header.
#include "ham.h"
#include <ATen/core/dispatch/Dispatcher.h>

// 1 when libtorch carries CUDA kernels (a CUDA build), whether or not a GPU is visible: a CPU
// build registers no kernel for the CUDA dispatch key, so aten::empty has none.
HAM_API int ham_cuda_built(int* out) {
  HAM_TRY({
    auto op = c10::Dispatcher::singleton().findSchemaOrThrow("aten::empty", "memory_format");
    *out = op.hasKernelForDispatchKey(c10::DispatchKey::CUDA) ? 1 : 0;
  })
}

// Tensor::to(device) with non_blocking: a host-to-CUDA copy from pinned memory (or CUDA-to-host
// into pinned memory) returns before it completes, ordered on the current stream; elsewhere it
// is an ordinary copy. Returns the tensor itself (a new handle) when it is already there.
HAM_API int ham_to_device(ham_tensor t, int dev, int idx, int non_blocking, ham_tensor* out) {
  HAM_TRY(*out = ham_wrap(t->to(ham_device(dev, idx), non_blocking != 0)))
}

// A page-locked copy of a CPU tensor, so that copies to CUDA can be asynchronous. Without CUDA
// (no GPU, or a CPU build) there is nothing to pin for: returns the tensor itself (a new handle),
// since pinning only changes how a later CUDA copy runs, never a value.
HAM_API int ham_pin_memory(ham_tensor t, ham_tensor* out) {
  HAM_TRY({
    TORCH_CHECK(t->device().is_cpu(), "pin_memory needs a CPU tensor, got one on ", t->device());
    *out = ham_wrap(at::hasCUDA() ? t->pin_memory() : *t);
  })
}

HAM_API int ham_is_pinned(ham_tensor t, int* out) {
  HAM_TRY(*out = t->device().is_cpu() && at::hasCUDA() && t->is_pinned() ? 1 : 0)
}
