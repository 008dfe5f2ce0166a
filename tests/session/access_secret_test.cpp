#include "emomusic/session/access_secret.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "test_support.hpp"

namespace emomusic::session {
namespace {

namespace fs = std::filesystem;

TEST(AccessSecret, KeptPrivateReusedAndRenewed) {
  test::TempDir dir;
  const std::string secret = access_secret(dir / "serve", false);
  EXPECT_EQ(secret.size(), 32u);
  EXPECT_EQ(secret.find_first_not_of("0123456789abcdef"), std::string::npos) << secret;
  struct stat st {};
  ASSERT_EQ(::stat((dir / "serve" / "access-secret").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(access_secret(dir / "serve", false), secret);

  const std::string renewed = access_secret(dir / "serve", true);
  EXPECT_NE(renewed, secret);
  EXPECT_EQ(access_secret(dir / "serve", false), renewed);

  // A secret others could read is not kept.
  fs::permissions(dir / "serve" / "access-secret", fs::perms::group_read | fs::perms::others_read,
                  fs::perm_options::add);
  const std::string unshared = access_secret(dir / "serve", false);
  EXPECT_NE(unshared, renewed);
  ASSERT_EQ(::stat((dir / "serve" / "access-secret").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  test::write_file(dir / "serve" / "access-secret", "short\n");
  fs::permissions(dir / "serve" / "access-secret", fs::perms::owner_read | fs::perms::owner_write,
                  fs::perm_options::replace);
  const std::string replaced = access_secret(dir / "serve", false);
  EXPECT_EQ(replaced.size(), 32u);
  EXPECT_NE(replaced, unshared);
}

TEST(AccessSecret, TheCookieFollowsTheSecretWithoutShowingIt) {
  const std::string a = "0123456789abcdef0123456789abcdef";
  const std::string b = "fedcba9876543210fedcba9876543210";
  const std::string cookie = session_cookie_value(a);
  EXPECT_EQ(cookie.size(), 64u);
  EXPECT_EQ(cookie, session_cookie_value(a));
  EXPECT_NE(cookie, session_cookie_value(b));
  EXPECT_EQ(cookie.find(a), std::string::npos);
}

TEST(AccessSecret, SameSecret) {
  EXPECT_TRUE(same_secret("abc", "abc"));
  EXPECT_FALSE(same_secret("abc", "abd"));
  EXPECT_FALSE(same_secret("abc", "abcd"));
  EXPECT_FALSE(same_secret("", "a"));
  EXPECT_TRUE(same_secret("", ""));
}

TEST(SecretAttempts, AnAddressIsRefusedAfterTheLimitForAWhile) {
  SecretAttempts attempts;
  const auto t0 = SecretAttempts::Clock::now();
  for (int i = 1; i < kMaxSecretFailures; ++i) {
    EXPECT_EQ(attempts.failed("192.0.2.1", t0), i);
    EXPECT_FALSE(attempts.locked("192.0.2.1", t0).has_value());
  }
  EXPECT_EQ(attempts.failed("192.0.2.1", t0), kMaxSecretFailures);
  ASSERT_TRUE(attempts.locked("192.0.2.1", t0).has_value());
  EXPECT_EQ(*attempts.locked("192.0.2.1", t0), kSecretLockout.count());
  EXPECT_FALSE(attempts.locked("192.0.2.2", t0).has_value()) << "another address is not refused";
  const auto later = t0 + kSecretLockout;
  EXPECT_FALSE(attempts.locked("192.0.2.1", later).has_value());
  // After the lockout it starts again from none.
  EXPECT_EQ(attempts.failed("192.0.2.1", later), 1);
}

TEST(SecretAttempts, ARightSecretStartsAgainFromNone) {
  SecretAttempts attempts;
  const auto t0 = SecretAttempts::Clock::now();
  for (int i = 1; i < kMaxSecretFailures; ++i) attempts.failed("192.0.2.1", t0);
  attempts.succeeded("192.0.2.1");
  EXPECT_EQ(attempts.failed("192.0.2.1", t0), 1);
  EXPECT_FALSE(attempts.locked("192.0.2.1", t0).has_value());
}

}  // namespace
}  // namespace emomusic::session
