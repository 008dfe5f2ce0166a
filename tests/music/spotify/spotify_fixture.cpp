#include "spotify_fixture.hpp"

#include <thread>

#include "emomusic/music/spotify/url.hpp"

namespace emomusic::spotify::test {

void SpotifyTest::play_browser(const std::string& authorize_url, const std::string& forged_state) {
  httplib::Client accounts(fake.accounts_url());
  const auto page = accounts.Get(authorize_url.substr(fake.accounts_url().size()));
  ASSERT_TRUE(page) << "the authorize page did not answer";
  ASSERT_EQ(page->status, 302) << page->body;
  const std::string location = page->get_header_value("Location");
  // http://127.0.0.1:PORT/callback?code=…&state=…
  const auto path_start = location.find('/', std::string("http://").size());
  const std::string host_port = location.substr(7, path_start - 7);
  std::string target = location.substr(path_start);
  if (!forged_state.empty()) {
    auto params = parse_query(target.substr(target.find('?') + 1));
    params["state"] = forged_state;
    target = "/callback?" + form_encode(Params(params.begin(), params.end()));
  }
  httplib::Client loopback("http://" + host_port);
  // A browser asks for a favicon too; the listener must not take it for the answer.
  loopback.Get("/favicon.ico");
  const auto callback = loopback.Get(target);
  ASSERT_TRUE(callback) << "the callback listener did not answer";
  EXPECT_EQ(callback->status, 200);
}

UserTokens SpotifyTest::login(LoginOptions options) {
  options.timeout = std::chrono::seconds(10);
  LoginFlow flow(config(), fake.client_id, options);
  std::thread browser([&] { play_browser(flow.authorize_url()); });
  UserTokens tokens;
  try {
    tokens = flow.finish();
  } catch (...) {
    browser.join();
    throw;
  }
  browser.join();
  return tokens;
}

}  // namespace emomusic::spotify::test
