// PyTorch's own file formats through libtorch: TorchScript archives (torch.jit.save) read, torch.save
// dicts written. (torch.save files are read in C#: libtorch 1.13 reads an OrderedDict as None.)
// Results come back as a named tensor list that C# walks and frees.
#include "ham.h"
#include <torch/csrc/jit/serialization/import.h>
#include <torch/csrc/jit/serialization/pickle.h>
#include <torch/csrc/jit/api/module.h>
#include <fstream>

struct ham_named_list {
  std::vector<std::string> names;
  std::vector<at::Tensor> tensors;
};

HAM_API int ham_named_count(ham_named_list* l) { return (int)l->tensors.size(); }
HAM_API const char* ham_named_name(ham_named_list* l, int i) { return l->names[i].c_str(); }
// The caller owns the returned handle.
HAM_API ham_tensor ham_named_tensor(ham_named_list* l, int i) { return ham_wrap(l->tensors[i]); }
HAM_API void ham_named_free(ham_named_list* l) { delete l; }

// Parameters then buffers of a TorchScript module, with their dotted names, on CPU.
HAM_API int ham_jit_load(const char* path, ham_named_list** out) {
  HAM_TRY({
    auto module = torch::jit::load(path, at::Device(at::kCPU));
    auto list = std::make_unique<ham_named_list>();
    for (const auto& p : module.named_parameters(true)) {
      list->names.push_back(p.name);
      list->tensors.push_back(p.value.detach());
    }
    for (const auto& b : module.named_buffers(true)) {
      list->names.push_back(b.name);
      list->tensors.push_back(b.value.detach());
    }
    *out = list.release();
  })
}

// Writes a dict name -> tensor readable by torch.load.
HAM_API int ham_pickle_save(const char* path, const char* const* names, const ham_tensor* tensors, int n) {
  HAM_TRY({
    c10::Dict<std::string, at::Tensor> dict;
    for (int i = 0; i < n; ++i) dict.insert(names[i], *tensors[i]);
    auto bytes = torch::jit::pickle_save(c10::IValue(dict));
    std::string tmp = std::string(path) + ".tmp";
    {
      std::ofstream o(tmp, std::ios::binary);
      TORCH_CHECK(o.good(), "cannot write ", tmp);
      o.write(bytes.data(), bytes.size());
      TORCH_CHECK(o.good(), "write failed: ", tmp);
    }
    TORCH_CHECK(std::rename(tmp.c_str(), path) == 0, "cannot rename ", tmp, " to ", path);
  })
}
