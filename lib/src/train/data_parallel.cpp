#include "data_parallel.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "emomusic/core/error.hpp"

namespace emomusic::train {

void DataParallel::start(nn::EmotionNet& net, const nlohmann::json& identity,
                         std::uint64_t seed) const {
  if (!group_) return;
  require_same_run(*group_, identity);
  // The same seed already built the same weights everywhere; a resumed rank read the same
  // checkpoint. The broadcast makes it so even where a rank's file or library differs.
  broadcast_module(*group_, *net);
  // Otherwise every rank would shift, rotate and erase its faces exactly as rank 0 does.
  if (rank() > 0) torch::manual_seed(seed + 1000003ull * static_cast<std::uint64_t>(rank()));
  spdlog::info("data-parallel: {} ranks meeting at {}; every rank holds rank 0's weights", world(),
               group_->env().address());
}

torch::Tensor DataParallel::share(torch::Tensor order) const {
  if (!group_) return order;
  auto on_host = order.to(torch::kCPU).contiguous();
  group_->broadcast(on_host);
  return rank_share(on_host, rank(), world()).to(order.device());
}

bool DataParallel::sync_gradients(nn::EmotionNet& net, bool stop) {
  if (!group_) return stop;
  const auto start = std::chrono::steady_clock::now();
  const bool any = average_gradients(*group_, net->parameters(), stop);
  sync_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ++syncs_;
  return any;
}

void DataParallel::sum_epoch(torch::Tensor& loss_sum, torch::Tensor& correct,
                             std::int64_t& seen) const {
  if (!group_) return;
  auto sums = torch::stack({loss_sum.to(torch::kCPU, torch::kFloat64),
                            correct.to(torch::kCPU, torch::kFloat64),
                            torch::tensor(static_cast<double>(seen), torch::kFloat64)});
  group_->all_reduce_sum(sums);
  loss_sum.fill_(sums[0].item<double>());
  correct.fill_(static_cast<std::int64_t>(std::llround(sums[1].item<double>())));
  seen = static_cast<std::int64_t>(std::llround(sums[2].item<double>()));
}

void DataParallel::end_epoch(nn::EmotionNet& net) {
  if (!group_) return;
  average_buffers(*group_, *net);
  // Includes the wait for the slowest rank: what the exchange costs this rank per step.
  spdlog::info("gradient exchange: {:.1f} ms per step over {} steps",
               1000 * sync_seconds_ / static_cast<double>(std::max<std::int64_t>(syncs_, 1)),
               syncs_);
  sync_seconds_ = 0;
  syncs_ = 0;
}

void DataParallel::agree_on_validation(EpochRecord& r) const {
  if (!group_) return;
  auto figures = torch::tensor({r.val_loss, r.val_accuracy, r.val_macro_f1}, torch::kFloat64);
  group_->broadcast(figures);
  r.val_loss = figures[0].item<double>();
  r.val_accuracy = figures[1].item<double>();
  r.val_macro_f1 = figures[2].item<double>();
}

void DataParallel::finish(nn::EmotionNet& net) const {
  if (!group_) return;
  if (!same_weights_everywhere(*group_, *net)) {
    throw Error(ErrorKind::kInternal,
                "the ranks ended with different weights (a bug: the gradient averaging let them "
                "drift apart)");
  }
  spdlog::info("all {} ranks hold the same weights", world());
}

}  // namespace emomusic::train
