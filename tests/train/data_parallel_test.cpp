// Two ranks on this machine (Gloo over loopback, meeting through a rendezvous file): the test
// starts two copies of this test binary as the ranks of DataParallelRank.Trains.
//
// The model is a small MLP without batch norm or dropout on purpose: with them, a rank's batch
// statistics and masks cover its own batch, not the global one, and no data-parallel run equals
// one process exactly (docs/distributed.md). The trainer's own models are tested end to end in
// tests/cli/distributed_test.sh, for identical weights on all ranks rather than equality with one
// process.
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "emomusic/core/error.hpp"
#include "emomusic/train/distributed.hpp"
#include "test_support.hpp"

extern char** environ;

namespace emomusic::train {
namespace fs = std::filesystem;
namespace {

constexpr int kImages = 48, kGlobalBatch = 12, kEpochs = 2;

torch::nn::Sequential make_model() {
  torch::manual_seed(7);
  return torch::nn::Sequential(torch::nn::Linear(16, 32), torch::nn::Tanh(),
                               torch::nn::Linear(32, 7));
}

torch::Tensor flat_weights(torch::nn::Module& m) {
  std::vector<torch::Tensor> all;
  for (const auto& p : m.parameters()) all.push_back(p.detach().reshape(-1));
  return torch::cat(all);
}

// SGD on fixed data with the sampler rule and gradient averaging of a data-parallel run; with no
// group, one process with the global batch. `die_after` (≥ 0): this rank dies after that step.
torch::Tensor train(Communicator* group, int die_after = -1) {
  torch::set_num_threads(1);
  const int world = group ? group->world_size() : 1;
  auto model = make_model();
  if (group) broadcast_module(*group, *model);
  torch::manual_seed(11);
  const auto x = torch::randn({kImages, 16});
  const auto y = torch::randint(0, 7, {kImages}, torch::kInt64);
  torch::optim::SGD sgd(model->parameters(), torch::optim::SGDOptions(0.2).momentum(0.9));
  const int batch = kGlobalBatch / world;
  int step = 0;
  for (int epoch = 0; epoch < kEpochs; ++epoch) {
    torch::manual_seed(100 + epoch);
    auto order = torch::randperm(kImages, torch::kInt64);
    if (group) {
      group->broadcast(order);
      order = rank_share(order, group->rank(), world);
    }
    for (int64_t at = 0; at + batch <= order.size(0); at += batch, ++step) {
      const auto idx = order.narrow(0, at, batch);
      const auto loss = torch::nn::functional::cross_entropy(model->forward(x.index_select(0, idx)),
                                                             y.index_select(0, idx));
      sgd.zero_grad();
      loss.backward();
      if (group) average_gradients(*group, model->parameters(), false, 1024);  // several buckets
      sgd.step();
      if (step == die_after) std::_Exit(9);
    }
  }
  return flat_weights(*model);
}

std::optional<std::string> env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::optional<std::string>(v) : std::nullopt;
}

// Starts this binary as `rank` of DataParallelRank.Trains with `extra` in its environment.
pid_t start_rank(int rank, const fs::path& dir, const std::string& extra = {}) {
  std::vector<std::string> vars{"RANK=" + std::to_string(rank), "WORLD_SIZE=2",
                                "EMOMUSIC_TEST_RANK_DIR=" + dir.string(),
                                // Gloo's connections on the loopback device only.
                                "GLOO_SOCKET_IFNAME=lo", "OMP_NUM_THREADS=1"};
  if (!extra.empty()) vars.push_back(extra);
  std::vector<char*> envp;
  for (char** e = environ; *e; ++e) envp.push_back(*e);
  for (auto& v : vars) envp.push_back(v.data());
  envp.push_back(nullptr);
  std::string filter = "--gtest_filter=DataParallelRank.Trains";
  std::string self = fs::read_symlink("/proc/self/exe").string();
  char* argv[] = {self.data(), filter.data(), nullptr};
  pid_t pid = 0;
  if (posix_spawn(&pid, self.c_str(), nullptr, nullptr, argv, envp.data()) != 0) {
    ADD_FAILURE() << "cannot start " << self;
  }
  return pid;
}

// The exit status of `pid`; kills it after `limit` (a hang is the failure this guards against).
int wait_rank(pid_t pid, std::chrono::seconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > end) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      ADD_FAILURE() << "rank " << pid << " still running after " << limit.count() << " s";
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

// A rank: run only by the tests below, in a process of its own.
TEST(DataParallelRank, Trains) {
  const auto dir = env("EMOMUSIC_TEST_RANK_DIR");
  if (!dir) GTEST_SKIP() << "a rank of DataParallel.* below, started by them";
  auto launch = launch_env(false);
  launch.rendezvous_file = (fs::path(*dir) / "rendezvous").string();
  const int die_after = std::atoi(env("EMOMUSIC_TEST_DIE_AFTER").value_or("-1").c_str());
  const auto rank_file = fs::path(*dir) / ("rank" + std::to_string(launch.rank));
  try {
    auto group = connect(launch, std::chrono::seconds(20));
    auto weights = train(group.get(), launch.rank == 1 ? die_after : -1);
    torch::save(weights, (rank_file.string() + ".pt"));
  } catch (const ServiceError& e) {
    test::write_file(rank_file.string() + ".error", e.what());
    std::_Exit(6);
  }
}

TEST(DataParallel, TwoRanksEqualOneProcessWithTheGlobalBatchAndEachOther) {
  test::TempDir dir;
  const pid_t r0 = start_rank(0, dir.path()), r1 = start_rank(1, dir.path());
  ASSERT_EQ(wait_rank(r0, std::chrono::seconds(120)), 0);
  ASSERT_EQ(wait_rank(r1, std::chrono::seconds(120)), 0);
  torch::Tensor w0, w1;
  torch::load(w0, (dir / "rank0.pt").string());
  torch::load(w1, (dir / "rank1.pt").string());
  EXPECT_TRUE(torch::equal(w0, w1)) << "the ranks drifted apart";
  const auto one = train(nullptr);
  // Not bit for bit: each rank averages its 6 images, then the two means are averaged, where
  // the one process averages 12 at once; the sums round in another order (float32, ~1e-7
  // relative), and 8 steps of SGD with momentum carry that along. 1e-5 is two orders above it
  // and far below what one step moves a weight (lr 0.2 x a gradient of ~1e-2).
  const double gap = (w0 - one).abs().max().item<double>();
  EXPECT_LT(gap, 1e-5);
  EXPECT_GT((one - flat_weights(*make_model())).abs().max().item<double>(), 1e-3)
      << "training moved nothing, so the comparison proves nothing";
}

TEST(DataParallel, ARankThatDiesStopsTheOtherWithTheRankAndTheAddress) {
  test::TempDir dir;
  const pid_t r0 = start_rank(0, dir.path(), "EMOMUSIC_TEST_DIE_AFTER=2");
  const pid_t r1 = start_rank(1, dir.path(), "EMOMUSIC_TEST_DIE_AFTER=2");
  EXPECT_EQ(wait_rank(r1, std::chrono::seconds(120)), 9);
  EXPECT_EQ(wait_rank(r0, std::chrono::seconds(120)), 6) << "rank 0 should stop with exit 6";
  const auto message = test::read_file(dir / "rank0.error");
  EXPECT_NE(message.find("rank 0 of 2"), std::string::npos) << message;
  EXPECT_NE(message.find((dir / "rendezvous").string()), std::string::npos) << message;
  EXPECT_FALSE(fs::exists(dir / "rank0.pt"));
}

}  // namespace emomusic::train
