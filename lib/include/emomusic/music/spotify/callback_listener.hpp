#pragma once
/// @file
/// The one-shot HTTP listener on 127.0.0.1 that receives the browser's redirect after login.
/// It binds the loopback address only, so nothing outside the machine can reach it.

#include <chrono>
#include <map>
#include <string>

#include "emomusic/core/error.hpp"

namespace emomusic::spotify {

/// The login port is taken; a front end catches this type to name its port option.
struct PortInUseError : ServiceError {
  using ServiceError::ServiceError;
};

class CallbackListener {
 public:
  /// Binds 127.0.0.1:`port` (0 picks a free port). Throws PortInUseError when the port is taken.
  explicit CallbackListener(int port = 0);
  ~CallbackListener();
  CallbackListener(const CallbackListener&) = delete;
  CallbackListener& operator=(const CallbackListener&) = delete;

  int port() const { return port_; }
  /// http://127.0.0.1:<port>/callback
  std::string redirect_uri() const;

  /// Waits for GET /callback, answers the browser with a short page and returns the query
  /// parameters. Other requests (a favicon) get a 404 and the wait goes on. Throws ServiceError
  /// when nothing arrives within `timeout`.
  std::map<std::string, std::string> wait(std::chrono::seconds timeout);

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace emomusic::spotify
