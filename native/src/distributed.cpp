// Process groups of c10d (libtorch's own torch.distributed engine): a rendezvous store (TCPStore
// or FileStore), Gloo for CPU tensors, NCCL for CUDA tensors where this libtorch was built with it
// (USE_C10D_NCCL; Debian's CPU build has none). Collectives are blocking: each waits for its work
// with the group's timeout, so a lost peer surfaces as an error, never a hang.
//
// Naming the lost rank: Gloo reports a dead peer only by its socket address, so every rank also
// beats a counter in the store ("ham/beat/<rank>") from a thread of its own. When a collective
// fails, the rank reads the counters twice, kBeatWindow apart: a rank whose counter did not move is
// gone. If the store itself cannot be read, the process that held it (the master, rank 0) is gone.
#include "ham.h"
#include <torch/csrc/distributed/c10d/FileStore.hpp>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#ifdef USE_C10D_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif
#include <atomic>
#include <condition_variable>
#include <sstream>
#include <thread>

namespace {

constexpr auto kBeatInterval = std::chrono::milliseconds(250);
constexpr auto kBeatWindow = std::chrono::milliseconds(1500);

std::string beat_key(int rank) { return "ham/beat/" + std::to_string(rank); }

struct Group {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroup> gloo;
#ifdef USE_C10D_NCCL
  c10::intrusive_ptr<c10d::ProcessGroup> nccl;
#endif
  int rank = 0, size = 1;
  std::chrono::milliseconds timeout{0};
  std::string where;  // "tcp://host:port" or "file://path", for messages

  std::thread beater;
  std::mutex beat_mutex;
  std::condition_variable beat_stop;
  bool stopping = false;

  void start_beating() {
    store->add(beat_key(rank), 1);
    beater = std::thread([this] {
      std::unique_lock<std::mutex> lock(beat_mutex);
      while (!beat_stop.wait_for(lock, kBeatInterval, [this] { return stopping; })) {
        try {
          store->add(beat_key(rank), 1);
        } catch (...) {
          return;  // the store is gone; the next collective says so
        }
      }
    });
  }

  ~Group() {
    {
      std::lock_guard<std::mutex> lock(beat_mutex);
      stopping = true;
    }
    beat_stop.notify_all();
    if (beater.joinable()) beater.join();
  }

  // Ranks whose heartbeat stopped, or -1 in the list when the store itself is unreachable.
  std::vector<int> lost_ranks() {
    std::vector<int64_t> before(size), after(size);
    try {
      for (int r = 0; r < size; ++r) before[r] = store->add(beat_key(r), 0);
      std::this_thread::sleep_for(kBeatWindow);
      for (int r = 0; r < size; ++r) after[r] = store->add(beat_key(r), 0);
    } catch (...) {
      return {-1};
    }
    std::vector<int> lost;
    for (int r = 0; r < size; ++r)
      if (r != rank && after[r] == before[r]) lost.push_back(r);
    return lost;
  }

  c10d::ProcessGroup& for_tensor(const at::Tensor& t) {
#ifdef USE_C10D_NCCL
    if (t.is_cuda() && nccl) return *nccl;
#endif
    return *gloo;
  }

  // Runs one collective and waits for it; any failure is rethrown naming the operation, this rank,
  // the lost ranks and the underlying message.
  template <typename F>
  void run(const char* op, F&& start) {
    try {
      c10::intrusive_ptr<c10d::Work> work = start();
      work->wait(timeout);
    } catch (const std::exception& e) {
      std::string cause = e.what();
      if (auto* c = dynamic_cast<const c10::Error*>(&e)) cause = c->what_without_backtrace();
      std::vector<int> lost = lost_ranks();
      std::ostringstream m;
      m << "distributed " << op << " failed on rank " << rank << " of " << size << " (timeout "
        << timeout.count() / 1000.0 << " s, store " << where << "): ";
      if (lost.size() == 1 && lost[0] == -1) {
        m << "the rendezvous store is unreachable, so the process holding it (rank 0) is lost";
      } else if (!lost.empty()) {
        m << (lost.size() == 1 ? "lost rank " : "lost ranks ");
        for (size_t i = 0; i < lost.size(); ++i) m << (i ? ", " : "") << lost[i];
        m << " (its heartbeat stopped)";
      } else {
        m << "every peer rank is still alive: one is stuck or slower than the timeout";
      }
      m << "; c10d said: " << cause;
      throw std::runtime_error(m.str());
    }
  }
};

typedef Group* ham_group;

ham_group make_group(c10::intrusive_ptr<c10d::Store> store, std::string where, int rank, int size, double timeout_s) {
  auto g = std::make_unique<Group>();
  g->timeout = std::chrono::milliseconds((int64_t)(timeout_s * 1000));
  store->setTimeout(g->timeout);
  g->store = store;
  g->rank = rank;
  g->size = size;
  g->where = std::move(where);
  auto options = c10d::ProcessGroupGloo::Options::create(g->timeout);
  options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
  g->gloo = c10::make_intrusive<c10d::ProcessGroupGloo>(
      c10::make_intrusive<c10d::PrefixStore>("gloo", store), rank, size, options);
#ifdef USE_C10D_NCCL
  if (at::hasCUDA()) {
    auto nccl_options = c10d::ProcessGroupNCCL::Options::create();
    nccl_options->timeout = g->timeout;
    g->nccl = c10::make_intrusive<c10d::ProcessGroupNCCL>(
        c10::make_intrusive<c10d::PrefixStore>("nccl", store), rank, size, nccl_options);
  }
#endif
  g->start_beating();
  return g.release();
}

// Opens the store and the group on it; a failure (a peer that never came, a port taken) names the rendezvous.
template <typename OpenStore>
ham_group rendezvous(const std::string& where, int rank, int size, double timeout_s, OpenStore&& open_store) {
  TORCH_CHECK(size >= 1, "world size must be at least 1, got ", size);
  TORCH_CHECK(rank >= 0 && rank < size, "rank must be in [0, ", size, "), got ", rank);
  TORCH_CHECK(timeout_s > 0, "the timeout must be positive, got ", timeout_s, " s");
  try {
    return make_group(open_store(), where, rank, size, timeout_s);
  } catch (const std::exception& e) {
    std::string cause = e.what();
    if (auto* c = dynamic_cast<const c10::Error*>(&e)) cause = c->what_without_backtrace();
    TORCH_CHECK(false, "rank ", rank, " of ", size, " could not join the rendezvous at ", where, " within ", timeout_s,
                " s: ", cause);
  }
}

}  // namespace

HAM_API int ham_dist_nccl_built(int* out) {
#ifdef USE_C10D_NCCL
  HAM_TRY(*out = 1)
#else
  HAM_TRY(*out = 0)
#endif
}

// A group over a TCPStore at host:port; the master (is_master != 0) serves the store and waits
// for the other ranks to join. Waits at most timeout_s for the rendezvous.
HAM_API int ham_dist_new_tcp(const char* host, int port, int rank, int size, int is_master, double timeout_s,
                             ham_group* out) {
  HAM_TRY({
    TORCH_CHECK(port > 0 && port < 65536, "the master port must be in 1..65535, got ", port);
    TORCH_CHECK(timeout_s > 0, "the timeout must be positive, got ", timeout_s, " s");
    c10d::TCPStoreOptions options;
    options.port = (uint16_t)port;
    options.isServer = is_master != 0;
    options.numWorkers = (size_t)size;
    options.waitWorkers = true;
    options.timeout = std::chrono::milliseconds((int64_t)(timeout_s * 1000));
    std::string where = "tcp://" + std::string(host) + ":" + std::to_string(port);
    *out = rendezvous(where, rank, size, timeout_s, [&] { return c10::make_intrusive<c10d::TCPStore>(host, options); });
  })
}

// A group over a FileStore at path (a file on a file system every rank sees).
HAM_API int ham_dist_new_file(const char* path, int rank, int size, double timeout_s, ham_group* out) {
  HAM_TRY({
    *out = rendezvous("file://" + std::string(path), rank, size, timeout_s,
                      [&] { return c10::make_intrusive<c10d::FileStore>(path, size); });
  })
}

HAM_API void ham_dist_free(ham_group g) { delete g; }

HAM_API int ham_dist_rank(ham_group g, int* rank, int* size) {
  HAM_TRY({
    *rank = g->rank;
    *size = g->size;
  })
}

// Sums t over the ranks, in place.
HAM_API int ham_dist_all_reduce_sum(ham_group g, ham_tensor t) {
  HAM_TRY({
    std::vector<at::Tensor> ts{*t};
    c10d::AllreduceOptions options;
    options.reduceOp = c10d::ReduceOp::SUM;
    options.timeout = g->timeout;
    g->run("all_reduce", [&] { return g->for_tensor(*t).allreduce(ts, options); });
  })
}

// Copies every rank's t into outputs[r] (n == world size tensors of t's shape, dtype and device).
HAM_API int ham_dist_all_gather(ham_group g, ham_tensor t, ham_tensor* outputs, int n) {
  HAM_TRY({
    TORCH_CHECK(n == g->size, "all_gather needs one output tensor per rank (", g->size, "), got ", n);
    std::vector<std::vector<at::Tensor>> outs{ham_list(outputs, n)};
    std::vector<at::Tensor> ins{*t};
    c10d::AllgatherOptions options;
    options.timeout = g->timeout;
    g->run("all_gather", [&] { return g->for_tensor(*t).allgather(outs, ins, options); });
  })
}

// Copies every rank's t into rows of out: out has shape [world size, *t.shape] (contiguous).
HAM_API int ham_dist_all_gather_flat(ham_group g, ham_tensor t, ham_tensor out) {
  HAM_TRY({
    TORCH_CHECK(out->dim() == t->dim() + 1 && out->size(0) == g->size,
                "all_gather's flat output must have shape [", g->size, ", ...input shape], got ", out->sizes());
    TORCH_CHECK(out->is_contiguous(), "all_gather's flat output must be contiguous");
    std::vector<at::Tensor> rows;
    for (int r = 0; r < g->size; ++r) rows.push_back((*out)[r]);
    std::vector<std::vector<at::Tensor>> outs{rows};
    std::vector<at::Tensor> ins{*t};
    c10d::AllgatherOptions options;
    options.timeout = g->timeout;
    g->run("all_gather", [&] { return g->for_tensor(*t).allgather(outs, ins, options); });
  })
}

// Overwrites t on every rank with root's t.
HAM_API int ham_dist_broadcast(ham_group g, ham_tensor t, int root) {
  HAM_TRY({
    TORCH_CHECK(root >= 0 && root < g->size, "broadcast root must be in [0, ", g->size, "), got ", root);
    std::vector<at::Tensor> ts{*t};
    c10d::BroadcastOptions options;
    options.rootRank = root;
    options.timeout = g->timeout;
    g->run("broadcast", [&] { return g->for_tensor(*t).broadcast(ts, options); });
  })
}

HAM_API int ham_dist_barrier(ham_group g) {
  HAM_TRY({
    c10d::BarrierOptions options;
    options.timeout = g->timeout;
    g->run("barrier", [&] { return g->gloo->barrier(options); });
  })
}
