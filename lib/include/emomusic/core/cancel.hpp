#pragma once
/// @file
/// A request to stop one run: the caller keeps a CancelToken, passes a copy in with the run's
/// options, and calls cancel() from any thread; the run polls cancelled() between frames, images,
/// rows or training steps and ends the way it would on Ctrl-C (core/interrupt.hpp). Each run has
/// its own token, so a server can stop one client's work while the others go on.

#include <atomic>
#include <memory>

namespace emomusic {

/// A copyable handle to one shared cancellation flag. Copies share the flag; tokens constructed
/// separately are independent. A token nobody cancels is never cancelled, so a run whose caller
/// does not care takes the default one.
///
/// Thread safety: cancel() and cancelled() may be called on one token and its copies from any
/// threads at once. Assigning to a token while another thread uses that same object is a data
/// race, as for any object; give each thread its own copy instead.
class CancelToken {
 public:
  /// A token with a flag of its own, not cancelled.
  CancelToken();
  // Copy only: a moved-from token would hold no flag, and every use of it would crash.
  CancelToken(const CancelToken&) = default;
  CancelToken& operator=(const CancelToken&) = default;

  /// Asks every run holding this token or a copy of it to stop; it stays cancelled.
  void cancel();
  /// Whether cancel() was called on this token or a copy (or, for interrupt_token(), a signal
  /// arrived).
  bool cancelled() const;

 private:
  struct State {
    std::atomic<bool> cancelled{false};
    /// Also cancelled while this flag is set: the process-wide one of the signal handlers.
    const std::atomic<bool>* also = nullptr;
  };
  explicit CancelToken(const std::atomic<bool>* also);
  friend CancelToken interrupt_token();

  std::shared_ptr<State> state_;
};

}  // namespace emomusic
