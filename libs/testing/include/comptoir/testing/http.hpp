#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace comptoir::testing {

/// What a test sees of an HTTP answer.
struct HttpResult {
  int status = 0;
  std::map<std::string, std::string> headers;  ///< lower-case names; repeated headers joined with ", "
  std::string body;
};

/// Sends one HTTP/1.1 request to 127.0.0.1:`port` on a new connection and waits for the answer
/// (blocking; for tests only). Throws std::runtime_error on connection failure or after `timeout`.
/// `Host`, `Content-Length` and `Connection: close` are set; a body defaults to `application/json`
/// unless `headers` names a Content-Type.
HttpResult Http(std::uint16_t port, std::string method, std::string target, std::string body = {},
                std::vector<std::pair<std::string, std::string>> headers = {},
                std::chrono::milliseconds timeout = std::chrono::seconds(10));

/// The same from the local address `source` (any 127.x.y.z: loopback is a /8, so one test can be
/// several clients, as a gateway's per-IP limits see them).
HttpResult HttpFrom(std::string source, std::uint16_t port, std::string method, std::string target,
                    std::string body = {}, std::vector<std::pair<std::string, std::string>> headers = {},
                    std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace comptoir::testing
