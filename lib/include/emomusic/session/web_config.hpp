#pragma once
/// @file
/// What the page of `emomusic serve` needs to know before it asks for anything (GET /api/config):
/// the emotions in core's order, each one's default strategy and lift target from the server's
/// mood mapping, and the defaults and bounds of the settings the page offers. The page keeps no
/// copy of them, so a mapping given with `--mapping` reaches it too.

#include <nlohmann/json.hpp>

#include "emomusic/core/value_range.hpp"
#include "emomusic/music/mood_mapping.hpp"
#include "emomusic/session/playlist.hpp"

namespace emomusic::session {

/// Tracks the page asks for unless the listener says otherwise: a screenful, fewer than
/// recommend's (music::RankSettings::limit).
inline constexpr int kPagePlaylistLimit = 12;
/// The page's "Tracks" field: a narrower range than the API's music::kLimitRange, since every track
/// is a card on screen.
inline constexpr ValueRange<int> kPageLimitRange{1, 100};
static_assert(music::kLimitRange.contains(kPageLimitRange.lo) &&
              music::kLimitRange.contains(kPageLimitRange.hi));
static_assert(kPageLimitRange.contains(kPagePlaylistLimit));
/// UTC days of mood history the page's chart shows: today and the 6 before.
inline constexpr int kPageHistoryDays = 7;

/// {"emotions": ["angry", …] (emotion_names()),
///  "strategies": ["match", "lift"] (music::strategy_names()),
///  "defaults": {"angry": {"mode": "lift", "target": "calm"}, …} (each emotion's plan in
///              `mapping`: the /api/recommend parameters it stands for),
///  "playlist": {"limit": {"default", "min", "max"}, "steps": {"default", "min", "max"}},
///  "history": {"days": {"default", "min", "max"}}}
nlohmann::ordered_json web_config(const music::MoodMapping& mapping);

}  // namespace emomusic::session
