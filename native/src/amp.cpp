// Automatic mixed precision: libtorch's autocast state (thread-local, per device type) and the two
// gradient-scaler ops of torch.cuda.amp.GradScaler.
//
// Autocast: PyTorch 2.4 replaced the per-device functions (set_enabled / set_cpu_enabled,
// set_autocast_gpu_dtype / set_autocast_cpu_dtype) by ones taking a device type, and left the old
// ones as deprecated wrappers that warn on every call; the version test picks whichever the
// headers being compiled against have.
//
// Gradient scaler: libtorch 1.13 has CUDA kernels only for _amp_foreach_non_finite_check_and_unscale_
// and _amp_update_scale_ (CPU kernels came in 2.x). Where the tensors' device has a kernel we call
// it; otherwise the same arithmetic runs here, as the CUDA kernels do it (AmpKernels.cu).
#include "ham.h"
#include <ATen/autocast_mode.h>
#include <ATen/core/dispatch/Dispatcher.h>
#include <torch/version.h>
#include <cmath>

#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define HAM_AUTOCAST_BY_DEVICE_TYPE 1
#endif

static c10::DeviceType autocast_device_type(int device_type) {
  auto type = static_cast<c10::DeviceType>(device_type);
  TORCH_CHECK(type == c10::DeviceType::CPU || type == c10::DeviceType::CUDA,
              "autocast is available for cpu and cuda, not device type ", device_type);
  return type;
}

// The state one autocast scope saves on entry and restores on exit.
HAM_API int ham_autocast_get(int device_type, int* enabled, int* dtype) {
  HAM_TRY({
    auto type = autocast_device_type(device_type);
#ifdef HAM_AUTOCAST_BY_DEVICE_TYPE
    *enabled = at::autocast::is_autocast_enabled(type) ? 1 : 0;
    *dtype = (int)at::autocast::get_autocast_dtype(type);
#else
    bool cpu = type == c10::DeviceType::CPU;
    *enabled = (cpu ? at::autocast::is_cpu_enabled() : at::autocast::is_enabled()) ? 1 : 0;
    *dtype = (int)(cpu ? at::autocast::get_autocast_cpu_dtype() : at::autocast::get_autocast_gpu_dtype());
#endif
  })
}

// Sets the lower-precision dtype first: libtorch refuses one it cannot autocast to (1.13's CPU
// autocast takes bfloat16 only) before anything has changed.
HAM_API int ham_autocast_set(int device_type, int enabled, int dtype) {
  HAM_TRY({
    auto type = autocast_device_type(device_type);
    auto scalar = static_cast<at::ScalarType>(dtype);
#ifdef HAM_AUTOCAST_BY_DEVICE_TYPE
    at::autocast::set_autocast_dtype(type, scalar);
    at::autocast::set_autocast_enabled(type, enabled != 0);
#else
    if (type == c10::DeviceType::CPU) {
      at::autocast::set_autocast_cpu_dtype(scalar);
      at::autocast::set_cpu_enabled(enabled != 0);
    } else {
      at::autocast::set_autocast_gpu_dtype(scalar);
      at::autocast::set_enabled(enabled != 0);
    }
#endif
  })
}

// Nesting depth of autocast scopes on this thread after adding delta (+1 on entry, -1 on exit).
HAM_API int ham_autocast_nesting(int delta, int* depth) {
  HAM_TRY({
    TORCH_CHECK(delta == 1 || delta == -1, "autocast nesting changes by 1 or -1, got ", delta);
    *depth = delta > 0 ? at::autocast::increment_nesting() : at::autocast::decrement_nesting();
  })
}

// Frees the lower-precision copies of weights cached inside the outermost scope.
HAM_API int ham_autocast_clear_cache() { HAM_TRY(at::autocast::clear_cache()) }

static bool has_kernel(const char* op, const at::Tensor& t) {
  auto handle = c10::Dispatcher::singleton().findSchemaOrThrow(op, "");
  return handle.hasKernelForDispatchKey(c10::computeDispatchKey(c10::nullopt, c10::kStrided, t.device()));
}

static void check_amp_scalar(const at::Tensor& t, at::ScalarType dtype, const char* name) {
  TORCH_CHECK(t.numel() == 1 && t.scalar_type() == dtype, name, " must be a one-element ", dtype, " tensor, got ",
              t.sizes(), " ", t.scalar_type());
}

// For every gradient g: found_inf = 1 if g holds an inf or nan; g *= inv_scale (in place).
// found_inf and inv_scale are one-element float32 tensors on the gradients' device.
HAM_API int ham_amp_unscale_(const ham_tensor* grads, int n, ham_tensor found_inf, ham_tensor inv_scale) {
  HAM_TRY({
    auto list = ham_list(grads, n);
    if (list.empty()) return 0;
    check_amp_scalar(*found_inf, at::kFloat, "found_inf");
    check_amp_scalar(*inv_scale, at::kFloat, "inv_scale");
    if (has_kernel("aten::_amp_foreach_non_finite_check_and_unscale_", list[0])) {
      at::_amp_foreach_non_finite_check_and_unscale_(list, *found_inf, *inv_scale);
    } else {
      for (auto& g : list) {
        TORCH_CHECK(g.device() == found_inf->device(), "gradient on ", g.device(), ", found_inf on ", found_inf->device());
        found_inf->logical_or_(at::isfinite(g).all().logical_not());
        g.mul_(*inv_scale);
      }
    }
  })
}

// One update of the loss scale (growth_tracker counts the successful steps since the last change):
//   found_inf:                      scale *= backoff; tracker = 0
//   else, tracker + 1 == interval:  scale *= growth (kept if the product is finite); tracker = 0
//   else:                           tracker += 1
// scale: one-element float32; growth_tracker: one-element int32; found_inf: one-element float32.
HAM_API int ham_amp_update_scale_(ham_tensor scale, ham_tensor growth_tracker, ham_tensor found_inf,
                                  double growth_factor, double backoff_factor, int64_t growth_interval) {
  HAM_TRY({
    check_amp_scalar(*scale, at::kFloat, "scale");
    check_amp_scalar(*growth_tracker, at::kInt, "growth_tracker");
    check_amp_scalar(*found_inf, at::kFloat, "found_inf");
    if (has_kernel("aten::_amp_update_scale_", *scale)) {
      at::_amp_update_scale_(*scale, *growth_tracker, *found_inf, growth_factor, backoff_factor, growth_interval);
      return 0;
    }
    TORCH_CHECK(scale->device().is_cpu() && growth_tracker->device().is_cpu() && found_inf->device().is_cpu(),
                "no _amp_update_scale_ kernel for ", scale->device());
    float* s = scale->data_ptr<float>();
    int* tracker = growth_tracker->data_ptr<int>();
    if (*found_inf->data_ptr<float>() != 0) {
      *s = static_cast<float>(*s * backoff_factor);
      *tracker = 0;
    } else if (*tracker + 1 == growth_interval) {
      float grown = static_cast<float>(*s * growth_factor);
      if (std::isfinite(grown)) *s = grown;
      *tracker = 0;
    } else {
      *tracker += 1;
    }
  })
}
