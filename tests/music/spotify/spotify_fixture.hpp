#pragma once
// The fixture of the Spotify client tests: a fake Spotify on 127.0.0.1, a scratch folder for the
// cache and tokens, fast retries, and a capture of every log line so each test can check that no
// secret reached the logs.

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <sstream>
#include <string>

#include "emomusic/music/spotify/config.hpp"
#include "emomusic/music/spotify/login.hpp"
#include "fake_spotify.hpp"
#include "test_support.hpp"

namespace emomusic::spotify::test {

class SpotifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    previous_ = spdlog::default_logger();
    auto logger = std::make_shared<spdlog::logger>(
        "spotify-test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log_));
    logger->set_level(spdlog::level::trace);
    spdlog::set_default_logger(logger);
  }

  void TearDown() override {
    spdlog::set_default_logger(previous_);
    for (const auto& secret : fake.secrets()) {
      EXPECT_EQ(log_.str().find(secret), std::string::npos) << "a secret reached the log";
      EXPECT_EQ(errors_.find(secret), std::string::npos) << "a secret reached an error message";
    }
  }

  SpotifyConfig config() const {
    SpotifyConfig c;
    c.api_url = fake.api_url();
    c.accounts_url = fake.accounts_url();
    c.cache_path = dir / "cache" / "spotify_cache.db";
    c.token_path = dir / "data" / "spotify_token.json";
    c.retry.initial_backoff = std::chrono::milliseconds(1);
    c.retry.max_backoff = std::chrono::milliseconds(4);
    c.timeouts.connect = std::chrono::milliseconds(1000);
    c.timeouts.total = std::chrono::milliseconds(3000);
    return c;
  }
  Credentials credentials() const { return {fake.client_id, fake.client_secret}; }

  /// Runs `f`, expecting it to throw E; keeps the message for the secret check and returns it.
  template <class E, class F>
  std::string expect_throw(F&& f) {
    try {
      f();
    } catch (const E& e) {
      errors_ += e.what();
      errors_ += '\n';
      return e.what();
    }
    ADD_FAILURE() << "expected an exception";
    return {};
  }

  /// Logs in through the fake's authorize page, playing the browser; returns the stored tokens.
  UserTokens login(LoginOptions options = {});
  /// Plays the browser: opens `authorize_url` (no redirects followed), then delivers the
  /// redirect's query to the callback listener, optionally with `state` replaced.
  void play_browser(const std::string& authorize_url, const std::string& forged_state = {});

  std::string log() const { return log_.str(); }

  FakeSpotify fake;
  emomusic::test::TempDir dir;

 private:
  std::shared_ptr<spdlog::logger> previous_;
  std::ostringstream log_;
  std::string errors_;
};

}  // namespace emomusic::spotify::test
