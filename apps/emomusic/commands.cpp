#include "commands.hpp"

namespace emomusic::app {

#define EMOMUSIC_COMMAND(name, needs, runs_in, ml_options, summary) \
  void setup_##name(CLI::App&, Command&);
#include "commands.def"
#undef EMOMUSIC_COMMAND

namespace {

// Whether this build has what a command needs: 1 or 0, for the preprocessor to paste on. The
// front links neither LibTorch nor OpenCV but lists what emomusic-ml has (EMOMUSIC_ML_HAS_VISION).
#define EMOMUSIC_HAS_ANY 1
#ifdef EMOMUSIC_WITH_MUSIC
#define EMOMUSIC_HAS_MUSIC 1
#else
#define EMOMUSIC_HAS_MUSIC 0
#endif
#ifdef EMOMUSIC_WITH_SPOTIFY
#define EMOMUSIC_HAS_SPOTIFY 1
#else
#define EMOMUSIC_HAS_SPOTIFY 0
#endif
#if defined(EMOMUSIC_WITH_VISION) || defined(EMOMUSIC_ML_HAS_VISION)
#define EMOMUSIC_HAS_VISION 1
#else
#define EMOMUSIC_HAS_VISION 0
#endif
#if EMOMUSIC_HAS_VISION && EMOMUSIC_HAS_MUSIC
#define EMOMUSIC_HAS_VISION_MUSIC 1
#else
#define EMOMUSIC_HAS_VISION_MUSIC 0
#endif

// Whether this program declares a command's options (links its setup): emomusic-ml all of them,
// the front those it runs itself.
#ifdef EMOMUSIC_FRONT
#define EMOMUSIC_SETS_UP_ML 0
#else
#define EMOMUSIC_SETS_UP_ML 1
#endif
#define EMOMUSIC_SETS_UP_FRONT 1
#define EMOMUSIC_SETS_UP_FRONT_OR_ML 1

// `&setup_<name>` only where the build has the command and this program sets it up: a function
// that is not linked must not even be named.
#define EMOMUSIC_PASTE(a, b) EMOMUSIC_PASTE_EXPANDED(a, b)
#define EMOMUSIC_PASTE_EXPANDED(a, b) a##b
#define EMOMUSIC_SETUP_IF(flag, name) EMOMUSIC_PASTE(EMOMUSIC_SETUP_IF_, flag)(name)
#define EMOMUSIC_SETUP_IF_1(name) &setup_##name
#define EMOMUSIC_SETUP_IF_0(name) nullptr
#define EMOMUSIC_BOTH(a, b) EMOMUSIC_PASTE(EMOMUSIC_BOTH_, EMOMUSIC_PASTE(a, b))
#define EMOMUSIC_BOTH_11 1
#define EMOMUSIC_BOTH_10 0
#define EMOMUSIC_BOTH_01 0
#define EMOMUSIC_BOTH_00 0

constexpr RunsIn kRuns_FRONT = RunsIn::kFront;
constexpr RunsIn kRuns_ML = RunsIn::kMl;
constexpr RunsIn kRuns_FRONT_OR_ML = RunsIn::kFrontOrMl;

struct Entry {
  bool built;
  CommandInfo info;
};

const Entry kEntries[] = {
#define EMOMUSIC_COMMAND(name, needs, runs_in, ml_options, summary) \
  {EMOMUSIC_HAS_##needs == 1,                                       \
   {#name, summary, kRuns_##runs_in, ml_options,                    \
    EMOMUSIC_SETUP_IF(EMOMUSIC_BOTH(EMOMUSIC_HAS_##needs, EMOMUSIC_SETS_UP_##runs_in), name)}},
#include "commands.def"
#undef EMOMUSIC_COMMAND
};

}  // namespace

const std::vector<CommandInfo>& commands() {
  static const std::vector<CommandInfo> built = [] {
    std::vector<CommandInfo> out;
    for (const Entry& e : kEntries) {
      if (e.built) out.push_back(e.info);
    }
    return out;
  }();
  return built;
}

const CommandInfo* find_command(std::string_view name) {
  for (const CommandInfo& c : commands()) {
    if (name == c.name) return &c;
  }
  return nullptr;
}

void add_commands(CLI::App& app, Command& command) {
  for (const CommandInfo& c : commands()) {
    CLI::App* sub = app.add_subcommand(c.name, c.summary);
    if (c.setup) c.setup(*sub, command);
  }
}

}  // namespace emomusic::app
