// PyTorch's own file formats, read by libtorch: TorchScript archives (torch.jit.save) and torch.save
// state dicts. Results come back as a named tensor list that C# walks and frees.
#include "ham.h"
#include <torch/csrc/jit/serialization/import.h>
#include <torch/csrc/jit/serialization/pickle.h>
#include <torch/csrc/jit/api/module.h>
#include <fstream>
#include <iterator>

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

static void collect(const c10::IValue& v, const std::string& prefix, ham_named_list* list) {
  if (v.isTensor()) {
    list->names.push_back(prefix);
    list->tensors.push_back(v.toTensor().detach());
  } else if (v.isGenericDict()) {
    for (const auto& kv : v.toGenericDict()) {
      TORCH_CHECK(kv.key().isString(), "state dict key under '", prefix, "' is not a string");
      std::string key = kv.key().toStringRef();
      collect(kv.value(), prefix.empty() ? key : prefix + "." + key, list);
    }
  }
  // Other values (step counters, config strings) are not tensors and are skipped.
}

// A torch.save file holding a dict name -> tensor (nested dicts flatten to dotted names, so a
// checkpoint {"state_dict": {...}} reads as "state_dict.<name>").
HAM_API int ham_pickle_load(const char* path, ham_named_list** out) {
  HAM_TRY({
    std::ifstream in(path, std::ios::binary);
    TORCH_CHECK(in.good(), "cannot open ", path);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto value = torch::jit::pickle_load(bytes);
    TORCH_CHECK(value.isGenericDict(), path, " holds a ", value.tagKind(), ", expected a dict of tensors");
    auto list = std::make_unique<ham_named_list>();
    collect(value, "", list.get());
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
