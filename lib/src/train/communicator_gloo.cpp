// The Communicator on c10d's Gloo process group, as LibTorch ships it (CPU tensors; on CUDA the
// trainer's buckets are copied to the host). Compiled only with EMOMUSIC_WITH_DISTRIBUTED.
#include <fmt/format.h>
#include <torch/csrc/distributed/c10d/FileStore.hpp>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include "emomusic/core/error.hpp"
#include "emomusic/core/text.hpp"
#include "emomusic/train/distributed.hpp"

namespace emomusic::train {
namespace {

class GlooCommunicator : public Communicator {
 public:
  GlooCommunicator(LaunchEnv env, std::chrono::milliseconds timeout)
      : env_(std::move(env)), timeout_(timeout) {
    guarded("cannot join the group", [&] {
      if (env_.rendezvous_file.empty()) {
        c10d::TCPStoreOptions so;
        so.port = static_cast<std::uint16_t>(env_.master_port);
        so.isServer = env_.rank == 0;
        so.numWorkers = env_.world_size;
        so.waitWorkers = true;
        so.timeout = timeout_;
        store_ = c10::make_intrusive<c10d::TCPStore>(env_.master_addr, so);
      } else {
        store_ = c10::make_intrusive<c10d::FileStore>(env_.rendezvous_file, env_.world_size);
        store_->setTimeout(timeout_);
      }
      auto options = c10d::ProcessGroupGloo::Options::create(timeout_);
      const auto interface = process_env("GLOO_SOCKET_IFNAME");
      options->devices.push_back(
          interface ? c10d::ProcessGroupGloo::createDeviceForInterface(*interface)
                    : c10d::ProcessGroupGloo::createDefaultDevice());
      options->threads = 1;
      group_ = c10::make_intrusive<c10d::ProcessGroupGloo>(
          c10::make_intrusive<c10d::PrefixStore>("gloo", store_), env_.rank, env_.world_size,
          options);
    });
  }

  const LaunchEnv& env() const override { return env_; }

  void all_reduce_sum(torch::Tensor& tensor) override {
    std::vector<torch::Tensor> tensors{tensor};
    guarded("lost the group in an all-reduce", [&] { group_->allreduce(tensors)->wait(timeout_); });
  }

  void broadcast(torch::Tensor& tensor) override {
    std::vector<torch::Tensor> tensors{tensor};
    guarded("lost the group in a broadcast", [&] { group_->broadcast(tensors)->wait(timeout_); });
  }

  std::vector<std::string> all_gather_text(const std::string& key,
                                           const std::string& value) override {
    std::vector<std::string> all;
    guarded("lost the group exchanging '" + key + "'", [&] {
      store_->set(key + "/" + std::to_string(env_.rank),
                  std::vector<std::uint8_t>(value.begin(), value.end()));
      for (int r = 0; r < env_.world_size; ++r) {
        const auto bytes = store_->get(key + "/" + std::to_string(r));
        all.emplace_back(bytes.begin(), bytes.end());
      }
    });
    return all;
  }

 private:
  // c10d and Gloo report a dead or silent peer with c10::Error or std::runtime_error, whose
  // messages name a socket, not the job: say which rank this is and where the group met.
  template <class Work>
  void guarded(const std::string& what, Work work) {
    try {
      work();
    } catch (const Error&) {
      throw;
    } catch (const std::exception& e) {
      std::string message = e.what();
      // c10::Error appends a C++ backtrace after the first line.
      message = message.substr(0, message.find('\n'));
      throw ServiceError(fmt::format(
          "rank {} of {} {} at {} (another rank stopped, or did not answer within {} s): {}",
          env_.rank, env_.world_size, what, env_.address(),
          std::chrono::duration_cast<std::chrono::seconds>(timeout_).count(),
          excerpt(message, 300)));
    }
  }

  LaunchEnv env_;
  std::chrono::milliseconds timeout_;
  c10::intrusive_ptr<c10d::Store> store_;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group_;
};

}  // namespace

std::string distributed_backend() { return "gloo"; }

std::unique_ptr<Communicator> connect(const LaunchEnv& env, std::chrono::milliseconds timeout) {
  return std::make_unique<GlooCommunicator>(env, timeout);
}

}  // namespace emomusic::train
