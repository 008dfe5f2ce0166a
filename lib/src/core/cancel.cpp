#include "emomusic/core/cancel.hpp"

namespace emomusic {

CancelToken::CancelToken() : state_(std::make_shared<State>()) {}

CancelToken::CancelToken(const std::atomic<bool>* also) : CancelToken() {
  state_->also = also;
}

void CancelToken::cancel() {
  state_->cancelled.store(true);
}

bool CancelToken::cancelled() const {
  return state_->cancelled.load() || (state_->also && state_->also->load());
}

}  // namespace emomusic
