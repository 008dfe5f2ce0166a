// The parts of data-parallel training that do not depend on the backend: the launch contract,
// the sampler rule and the collectives built on Communicator's few primitives.
#include "emomusic/train/distributed.hpp"

#include <fmt/format.h>

#include <cstdlib>

#include "emomusic/core/error.hpp"
#include "emomusic/core/text.hpp"

namespace emomusic::train {
namespace {

int env_int(const EnvLookup& env, const std::string& name, int lowest, int highest) {
  const auto text = env(name);
  if (!text) throw UsageError("the environment variable " + name + " is not set");
  const std::string& t = *text;
  if (t.empty() || t.size() > 9 || t.find_first_not_of("0123456789") != std::string::npos) {
    throw UsageError("the environment variable " + name + " is '" + excerpt(t, 40) +
                     "', not a whole number");
  }
  const int value = std::stoi(t);
  if (value < lowest || value > highest) {
    throw UsageError(fmt::format("the environment variable {} is {}, outside {}..{}", name, value,
                                 lowest, highest));
  }
  return value;
}

constexpr int kMaxWorld = 1 << 20;

}  // namespace

LaunchEnv launch_env(const EnvLookup& env, bool need_address) {
  LaunchEnv e;
  std::string rank_var, world_var, local_var;
  if (env("RANK") || env("WORLD_SIZE")) {
    e.source = "torchrun";
    rank_var = "RANK", world_var = "WORLD_SIZE", local_var = "LOCAL_RANK";
  } else if (env("SLURM_PROCID") || env("SLURM_NTASKS")) {
    e.source = "slurm";
    rank_var = "SLURM_PROCID", world_var = "SLURM_NTASKS", local_var = "SLURM_LOCALID";
  } else {
    return e;  // no launcher: the single process of a plain run
  }
  e.world_size = env_int(env, world_var, 1, kMaxWorld);
  e.rank = env_int(env, rank_var, 0, kMaxWorld);
  if (e.rank >= e.world_size) {
    throw UsageError(fmt::format("the environment variable {} is {}, but ranks run from 0 to {} "
                                 "({} is {})",
                                 rank_var, e.rank, e.world_size - 1, world_var, e.world_size));
  }
  e.local_rank = env(local_var) ? env_int(env, local_var, 0, kMaxWorld) : 0;
  if (!e.distributed() || !need_address) return e;
  const auto addr = env("MASTER_ADDR");
  if (!addr || addr->empty()) {
    throw UsageError("the environment variable MASTER_ADDR is not set: a job of " +
                     std::to_string(e.world_size) + " processes needs rank 0's address");
  }
  e.master_addr = *addr;
  e.master_port = env_int(env, "MASTER_PORT", 1, 65535);
  return e;
}

std::optional<std::string> process_env(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

LaunchEnv launch_env(bool need_address) { return launch_env(process_env, need_address); }

torch::Tensor rank_share(const torch::Tensor& order, int rank, int world) {
  const auto n = order.size(0);
  if (n == 0 || world == 1) return order;
  const auto padded = (n + world - 1) / world * world;
  // As PyTorch's DistributedSampler: the start of the order again, as often as needed.
  auto full = order;
  while (full.size(0) < padded) {
    full = torch::cat({full, order.narrow(0, 0, std::min(n, padded - full.size(0)))});
  }
  return full.slice(0, rank, padded, world);
}

void require_same_run(Communicator& group, const nlohmann::json& identity) {
  const auto all = group.all_gather_text("run-identity", identity.dump());
  const auto first = nlohmann::json::parse(all.at(0));
  for (std::size_t r = 1; r < all.size(); ++r) {
    const auto other = nlohmann::json::parse(all[r]);
    if (other == first) continue;
    std::string field = "(unnamed)";
    for (const auto& [key, value] : first.items()) {
      if (!other.contains(key) || other.at(key) != value) {
        field = fmt::format("{}: rank 0 has {}, rank {} has {}", key, excerpt(value.dump(), 200),
                            r, excerpt(other.value(key, nlohmann::json()).dump(), 200));
        break;
      }
    }
    throw UsageError(fmt::format(
        "the processes of this job are not training the same thing ({}); start every rank with "
        "the same model, data and options",
        field));
  }
}

namespace {

// The parameters and buffers of `module`, in the order every rank lists them.
std::vector<torch::Tensor> state_tensors(torch::nn::Module& module) {
  auto tensors = module.parameters();
  for (const auto& b : module.buffers()) tensors.push_back(b);
  return tensors;
}

// Visits `tensors` in buckets of one dtype and at most `bucket_bytes`, flattened on the CPU:
// `exchange` works on the flat bucket, whose contents are then copied back.
template <class Exchange>
void in_buckets(const std::vector<torch::Tensor>& tensors, std::size_t bucket_bytes,
                Exchange exchange) {
  std::size_t i = 0;
  while (i < tensors.size()) {
    std::vector<torch::Tensor> bucket{tensors[i]};
    auto bytes = tensors[i].nbytes();
    for (++i; i < tensors.size() && tensors[i].scalar_type() == bucket[0].scalar_type() &&
              bytes + tensors[i].nbytes() <= bucket_bytes;
         ++i) {
      bytes += tensors[i].nbytes();
      bucket.push_back(tensors[i]);
    }
    std::vector<torch::Tensor> flat;
    for (const auto& t : bucket) flat.push_back(t.reshape(-1).to(torch::kCPU));
    auto joined = torch::cat(flat).contiguous();
    exchange(joined);
    std::int64_t at = 0;
    for (auto& t : bucket) {
      t.copy_(joined.narrow(0, at, t.numel()).view(t.sizes()));
      at += t.numel();
    }
  }
}

}  // namespace

void broadcast_module(Communicator& group, torch::nn::Module& module) {
  torch::NoGradGuard no_grad;
  in_buckets(state_tensors(module), std::size_t{25} << 20,
             [&](torch::Tensor& t) { group.broadcast(t); });
}

bool average_gradients(Communicator& group, const std::vector<torch::Tensor>& parameters,
                       bool stop, std::size_t bucket_bytes) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> grads;
  for (const auto& p : parameters) {
    // A parameter the loss did not reach still takes part, as zeros, so that every rank's buckets
    // line up.
    if (!p.grad().defined()) p.mutable_grad() = torch::zeros_like(p);
    grads.push_back(p.grad());
  }
  // The stop request rides in a bucket of its own kind (float64) that costs one more exchange of
  // a single number, rather than being mixed into the gradients' sums.
  auto flag = torch::full({1}, stop ? 1.0 : 0.0, torch::kFloat64);
  group.all_reduce_sum(flag);
  const double world = group.world_size();
  in_buckets(grads, bucket_bytes, [&](torch::Tensor& t) {
    group.all_reduce_sum(t);
    t.div_(world);
  });
  return flag.item<double>() > 0;
}

void average_buffers(Communicator& group, torch::nn::Module& module) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> floats;
  for (const auto& b : module.buffers()) {
    if (b.is_floating_point()) floats.push_back(b);
  }
  const double world = group.world_size();
  in_buckets(floats, std::size_t{25} << 20, [&](torch::Tensor& t) {
    group.all_reduce_sum(t);
    t.div_(world);
  });
}

bool same_weights_everywhere(Communicator& group, torch::nn::Module& module) {
  torch::NoGradGuard no_grad;
  double differing = 0;
  in_buckets(state_tensors(module), std::size_t{25} << 20, [&](torch::Tensor& mine) {
    auto first = mine.clone();
    group.broadcast(first);
    if (!torch::equal(first, mine)) differing = 1;
  });
  auto count = torch::full({1}, differing, torch::kFloat64);
  group.all_reduce_sum(count);
  return count.item<double>() == 0;
}

}  // namespace emomusic::train
