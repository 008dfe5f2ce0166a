// Builds without c10d (EMOMUSIC_WITH_DISTRIBUTED off): a single process trains as before, and a
// job of several is refused with the reason.
#include "emomusic/core/error.hpp"
#include "emomusic/train/distributed.hpp"

namespace emomusic::train {

std::string distributed_backend() { return ""; }

std::unique_ptr<Communicator> connect(const LaunchEnv& env, std::chrono::milliseconds) {
  throw UnavailableError("this process is rank " + std::to_string(env.rank) + " of " +
                         std::to_string(env.world_size) +
                         " (the environment says so), but this build has no distributed "
                         "training (built without c10d and Gloo)");
}

}  // namespace emomusic::train
