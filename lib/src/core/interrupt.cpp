#include "emomusic/core/interrupt.hpp"

#include <atomic>
#include <csignal>

namespace emomusic {
namespace {

// Lock-free, so that the signal handler may touch it.
std::atomic<bool> g_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void on_signal(int sig) {
  if (g_requested.exchange(true)) {
    // Second signal: the user insists. Die the default way, so the parent sees the signal.
    std::signal(sig, SIG_DFL);
    std::raise(sig);
  }
}

}  // namespace

void install_interrupt_handlers() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  // Interrupted system calls restart: a read that failed with EINTR would look like a bad file.
  // Loops see the request once the current frame or batch is done.
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

CancelToken interrupt_token() {
  return CancelToken(&g_requested);
}

bool interrupt_requested() {
  return g_requested.load();
}
void clear_interrupt() {
  g_requested.store(false);
}

}  // namespace emomusic
