// Process-wide state: the last error, threads, devices, grad mode, random generators.
#include "ham.h"
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <ATen/Version.h>
#include <torch/version.h>
#include <ATen/Context.h>
#include <torch/csrc/autograd/grad_mode.h>
#include <cstring>

static thread_local std::string last_error;

void ham_set_error(const char* message) { last_error = message; }

HAM_API const char* ham_last_error() { return last_error.c_str(); }

HAM_API int ham_version(char* buffer, int capacity) {
  HAM_TRY({
    std::string v = std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." +
                    std::to_string(TORCH_VERSION_PATCH);
    std::strncpy(buffer, v.c_str(), capacity - 1);
    buffer[capacity - 1] = 0;
  })
}

// at::show_config(): build flags, BLAS and LAPACK in use, OpenMP, oneDNN.
HAM_API int ham_config(char* buffer, int capacity) {
  HAM_TRY({
    std::string v = at::show_config() + "\n" + at::get_parallel_info();
    std::strncpy(buffer, v.c_str(), capacity - 1);
    buffer[capacity - 1] = 0;
  })
}

HAM_API int ham_set_num_threads(int n) { HAM_TRY(at::set_num_threads(n)) }
HAM_API int ham_get_num_threads(int* n) { HAM_TRY(*n = at::get_num_threads()) }
HAM_API int ham_set_num_interop_threads(int n) { HAM_TRY(at::set_num_interop_threads(n)) }

HAM_API int ham_cuda_device_count(int* n) {
  HAM_TRY(*n = at::hasCUDA() ? (int)at::detail::getCUDAHooks().getNumGPUs() : 0)
}

HAM_API int ham_grad_enabled(int* enabled) { HAM_TRY(*enabled = at::GradMode::is_enabled() ? 1 : 0) }
HAM_API int ham_set_grad_enabled(int enabled) { HAM_TRY(at::GradMode::set_enabled(enabled != 0)) }

HAM_API int ham_manual_seed(uint64_t seed) { HAM_TRY(at::manual_seed(seed)) }

// A CPU generator owned by C#: every random op takes one, so that each random choice has a seed.
typedef at::Generator* ham_generator;

HAM_API int ham_generator_new(uint64_t seed, ham_generator* out) {
  HAM_TRY(*out = new at::Generator(at::make_generator<at::CPUGeneratorImpl>(seed)))
}
HAM_API void ham_generator_free(ham_generator g) { delete g; }
HAM_API int ham_generator_get_state(ham_generator g, ham_tensor* out) { HAM_TRY(*out = ham_wrap(g->get_state())) }
HAM_API int ham_generator_set_state(ham_generator g, ham_tensor state) { HAM_TRY(g->set_state(*state)) }
