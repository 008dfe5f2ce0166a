// Configuration from the environment and the credentials file.

#include "emomusic/music/spotify/config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>

#include "emomusic/core/error.hpp"
#include "test_support.hpp"

namespace emomusic::spotify {
namespace {

// Sets (or unsets, with nullopt) an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value)
      ::setenv(name, value->c_str(), 1);
    else
      ::unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

class SpotifyConfigTest : public ::testing::Test {
 protected:
  emomusic::test::TempDir dir;
  ScopedEnv config_home{"XDG_CONFIG_HOME", (dir / "config").string()};
  ScopedEnv cache_home{"XDG_CACHE_HOME", (dir / "cache").string()};
  ScopedEnv data_home{"XDG_DATA_HOME", (dir / "data").string()};
  ScopedEnv id{"SPOTIFY_CLIENT_ID", std::nullopt};
  ScopedEnv secret{"SPOTIFY_CLIENT_SECRET", std::nullopt};

  void write_credentials(std::filesystem::perms perms) {
    emomusic::test::write_file(credentials_file(),
                               R"({"client_id": "file-id", "client_secret": "file-secret-77"})");
    std::filesystem::permissions(credentials_file(), perms);
  }
};

TEST_F(SpotifyConfigTest, EnvironmentChoosesTheServersAndXdgTheFiles) {
  ScopedEnv api("EMOMUSIC_SPOTIFY_API_URL", "http://127.0.0.1:1/v1/");
  ScopedEnv accounts("EMOMUSIC_SPOTIFY_ACCOUNTS_URL", std::nullopt);
  const SpotifyConfig c = SpotifyConfig::from_environment();
  EXPECT_EQ(c.api_url, "http://127.0.0.1:1/v1");
  EXPECT_EQ(c.accounts_url, "https://accounts.spotify.com");
  EXPECT_EQ(c.cache_path, dir / "cache" / "emomusic" / "spotify_cache.db");
  EXPECT_EQ(c.token_path, dir / "data" / "emomusic" / "spotify_token.json");
  EXPECT_EQ(credentials_file(), dir / "config" / "emomusic" / "spotify.json");
}

TEST_F(SpotifyConfigTest, TheMarketIsTwoLettersFromTheEnvironment) {
  {
    ScopedEnv market("EMOMUSIC_SPOTIFY_MARKET", std::nullopt);
    EXPECT_EQ(SpotifyConfig::from_environment().market, "");  // Spotify chooses
  }
  {
    ScopedEnv market("EMOMUSIC_SPOTIFY_MARKET", " de ");
    EXPECT_EQ(SpotifyConfig::from_environment().market, "DE");
  }
  ScopedEnv market("EMOMUSIC_SPOTIFY_MARKET", "Germany");
  try {
    SpotifyConfig::from_environment();
    FAIL() << "expected UsageError";
  } catch (const UsageError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("EMOMUSIC_SPOTIFY_MARKET"), std::string::npos) << what;
    EXPECT_NE(what.find("'Germany'"), std::string::npos) << what;
  }
}

TEST(Market, IsTwoAsciiLettersUpperCased) {
  EXPECT_EQ(normalize_market("br"), "BR");
  EXPECT_EQ(normalize_market("US"), "US");
  for (const char* bad : {"", "U", "USA", "U1", "D\xC3\xA9", "from_token"}) {
    EXPECT_THROW(normalize_market(bad), UsageError) << bad;
  }
}

TEST_F(SpotifyConfigTest, CredentialsComeFromTheEnvironmentFirst) {
  write_credentials(std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  ScopedEnv env_id("SPOTIFY_CLIENT_ID", "env-id");
  ScopedEnv env_secret("SPOTIFY_CLIENT_SECRET", "env-secret");
  const Credentials c = load_credentials(true);
  EXPECT_EQ(c.client_id, "env-id");
  EXPECT_EQ(c.client_secret, "env-secret");
}

TEST_F(SpotifyConfigTest, CredentialsFromAPrivateFile) {
  write_credentials(std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  const Credentials c = load_credentials(true);
  EXPECT_EQ(c.client_id, "file-id");
  EXPECT_EQ(c.client_secret, "file-secret-77");
}

TEST_F(SpotifyConfigTest, ACredentialsFileOthersCanReadIsRefused) {
  write_credentials(std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
                    std::filesystem::perms::others_read);
  try {
    load_credentials(true);
    FAIL() << "a world-readable secret was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("chmod 600"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("file-secret-77"), std::string::npos);
  }
}

TEST_F(SpotifyConfigTest, MissingCredentialsSayHowToSetThem) {
  try {
    load_credentials(true);
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("SPOTIFY_CLIENT_ID"), std::string::npos) << e.what();
  }
  // The PKCE login needs only the id.
  ScopedEnv env_id("SPOTIFY_CLIENT_ID", "env-id");
  EXPECT_EQ(load_credentials(false).client_id, "env-id");
  EXPECT_THROW(load_credentials(true), UsageError);
}

TEST_F(SpotifyConfigTest, AMalformedCredentialsFileDoesNotQuoteItself) {
  emomusic::test::write_file(credentials_file(), R"({"client_id": "id", "client_secret": "s3cr3t)");
  std::filesystem::permissions(credentials_file(), std::filesystem::perms::owner_read);
  try {
    load_credentials(true);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()).find("s3cr3t"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace emomusic::spotify
