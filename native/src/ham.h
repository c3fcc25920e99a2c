// Shared helpers of the C ABI. Every entry point returns 0 on success or 1 on failure, after
// storing the message for ham_last_error(); no C++ exception ever crosses the boundary.
// Tensors travel as opaque handles: a heap-allocated at::Tensor that C# frees with ham_free.
#pragma once
#include <ATen/ATen.h>
#include <c10/util/Exception.h>
#include <string>
#include <vector>

#define HAM_API extern "C" __attribute__((visibility("default")))

typedef at::Tensor* ham_tensor;

void ham_set_error(const char* message);

#define HAM_TRY(...)                                                         \
  try {                                                                      \
    __VA_ARGS__;                                                                  \
    return 0;                                                                \
  } catch (const c10::Error& e) {                                            \
    ham_set_error(e.what_without_backtrace());                               \
    return 1;                                                                \
  } catch (const std::exception& e) {                                        \
    ham_set_error(e.what());                                                 \
    return 1;                                                                \
  } catch (...) {                                                            \
    ham_set_error("unknown C++ exception");                                  \
    return 1;                                                                \
  }

inline ham_tensor ham_wrap(at::Tensor t) { return new at::Tensor(std::move(t)); }

inline at::IntArrayRef ham_dims(const int64_t* dims, int n) { return at::IntArrayRef(dims, (size_t)n); }

// Optional tensor argument: a null handle means "none".
inline c10::optional<at::Tensor> ham_opt(ham_tensor t) {
  return t ? c10::optional<at::Tensor>(*t) : c10::nullopt;
}

inline std::vector<at::Tensor> ham_list(const ham_tensor* ts, int n) {
  std::vector<at::Tensor> v;
  v.reserve(n);
  for (int i = 0; i < n; ++i) v.push_back(*ts[i]);
  return v;
}

// Writes a list result into a caller-provided array; fails if it does not fit.
inline void ham_write_list(const std::vector<at::Tensor>& v, ham_tensor* out, int capacity, int* count) {
  TORCH_CHECK((int)v.size() <= capacity, "result has ", v.size(), " tensors but room was made for ", capacity);
  for (size_t i = 0; i < v.size(); ++i) out[i] = ham_wrap(v[i]);
  *count = (int)v.size();
}

inline at::Scalar ham_scalar(const at::Tensor& t, double value) {
  bool integral = at::isIntegralType(t.scalar_type(), /*includeBool=*/true);
  if (integral && value == static_cast<double>(static_cast<int64_t>(value))) return at::Scalar(static_cast<int64_t>(value));
  return at::Scalar(value);
}

inline at::Device ham_device(int type, int index) {
  return at::Device(static_cast<c10::DeviceType>(type), static_cast<c10::DeviceIndex>(index));
}

inline at::TensorOptions ham_options(int dtype, int device_type, int device_index) {
  return at::TensorOptions().dtype(static_cast<at::ScalarType>(dtype)).device(ham_device(device_type, device_index));
}
