#pragma once
/// @file
/// Data-parallel training on torch.distributed's c10d (docs/distributed.md). The process is
/// started by torchrun, srun or a Kubeflow PyTorchJob, which say through the environment where it
/// stands in the job (launch_env()); connect() joins the others, and the trainer then averages
/// gradients through the Communicator it returns.

#include <torch/torch.h>

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace emomusic::train {

/// Where this process stands in a data-parallel job.
struct LaunchEnv {
  int rank = 0;
  int world_size = 1;       ///< 1: a single process, which connects to nothing
  int local_rank = 0;       ///< the rank among the processes of this machine (picks cuda:N)
  std::string master_addr;  ///< where rank 0 hosts the rendezvous store (a TCPStore)
  int master_port = 0;
  /// Instead of a TCPStore, meet through this file on a file system every rank sees (PyTorch's
  /// init_method "file://"). Not from the environment: an option sets it.
  std::string rendezvous_file;
  /// "torchrun" (RANK, WORLD_SIZE, …; also Kubeflow), "slurm" (SLURM_PROCID, …) or "" (none).
  std::string source;
  bool distributed() const { return world_size > 1; }
  /// Where the ranks meet, for messages: MASTER_ADDR:MASTER_PORT or the rendezvous file.
  std::string address() const {
    return rendezvous_file.empty() ? master_addr + ":" + std::to_string(master_port)
                                   : rendezvous_file;
  }
};

/// Reads one environment variable; nullopt when it is not set.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
/// The EnvLookup of this process's environment.
std::optional<std::string> process_env(const std::string& name);

/// The launch contract of torchrun: RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT; when
/// RANK and WORLD_SIZE are both absent, Slurm's SLURM_PROCID, SLURM_NTASKS, SLURM_LOCALID (with
/// MASTER_ADDR and MASTER_PORT still needed); none of them: a single process. MASTER_ADDR and
/// MASTER_PORT are required only when the world has more than one process and `need_address`
/// (no rendezvous file). Throws UsageError naming the variable for a missing or malformed one.
LaunchEnv launch_env(const EnvLookup& env, bool need_address = true);
/// launch_env() of this process's environment.
LaunchEnv launch_env(bool need_address = true);

/// Whether this build has c10d with Gloo ("gloo"), or "" when it has none.
std::string distributed_backend();

/// The collectives a data-parallel run needs, over one process group. Every rank must call them
/// in the same order. A peer that dies, hangs past the timeout or cannot be reached makes each
/// of them throw ServiceError naming this rank and the rendezvous address, never wait forever.
class Communicator {
 public:
  virtual ~Communicator() = default;
  virtual const LaunchEnv& env() const = 0;
  int rank() const { return env().rank; }
  int world_size() const { return env().world_size; }
  /// Sums `tensor` (contiguous, on the CPU) over the ranks, in place.
  virtual void all_reduce_sum(torch::Tensor& tensor) = 0;
  /// Replaces `tensor` (contiguous, on the CPU) by rank 0's.
  virtual void broadcast(torch::Tensor& tensor) = 0;
  /// Every rank's `value` (a few KB at most) through the rendezvous store, by rank.
  virtual std::vector<std::string> all_gather_text(const std::string& key,
                                                   const std::string& value) = 0;
};

/// Joins the group that `env` describes (env.distributed() must hold): through
/// env.rendezvous_file when set, else rank 0 hosts a TCPStore at MASTER_ADDR:MASTER_PORT
/// (listening on every interface, as torchrun's does) and the others connect to it. Gloo's own
/// connections use the interface GLOO_SOCKET_IFNAME names, else the one this host's name
/// resolves to (PyTorch's rule). Throws UnavailableError when the
/// build has no c10d, ServiceError naming the rank and address when the group does not form
/// within `timeout`; the timeout also bounds every later collective.
std::unique_ptr<Communicator> connect(const LaunchEnv& env, std::chrono::milliseconds timeout);

/// The DistributedSampler rule: `order` (the same permutation on every rank) padded by repeating
/// its start to a multiple of `world`, of which `rank` takes positions rank, rank + world, ….
/// Every rank gets the same number of items, and together they cover `order`.
torch::Tensor rank_share(const torch::Tensor& order, int rank, int world);

/// Compares `identity` (what the run is: model, options, data) with every other rank's and throws
/// UsageError naming the first field that differs from rank 0's.
void require_same_run(Communicator& group, const nlohmann::json& identity);

/// Replaces every parameter and buffer of `module` by rank 0's.
void broadcast_module(Communicator& group, torch::nn::Module& module);

/// Averages the gradients of `parameters` over the ranks, flattening them into buckets of at
/// most `bucket_bytes` (one all-reduce per bucket rather than per tensor). `stop` travels in the
/// first bucket: returns whether any rank asked to stop, so that all stop at the same step.
bool average_gradients(Communicator& group, const std::vector<torch::Tensor>& parameters, bool stop,
                       std::size_t bucket_bytes = std::size_t{25} << 20);

/// Averages the floating-point buffers of `module` (batch-norm running statistics) over the ranks.
void average_buffers(Communicator& group, torch::nn::Module& module);

/// Whether every rank holds rank 0's parameters and buffers exactly (bit for bit).
bool same_weights_everywhere(Communicator& group, torch::nn::Module& module);

}  // namespace emomusic::train
