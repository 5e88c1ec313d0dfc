// libs/http's Router (ADR 0130): a route table made of generated patterns, generated requests matched
// against it. Whatever it answers must be consistent: a found route matches the path segment by segment and
// has the request's method, a 405 names the methods allowed, path parameters are the path's segments.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>

#include "check.hpp"
#include "comptoir/http/router.hpp"

namespace http = comptoir::http;
using comptoir::fuzz::Check;

namespace {

boost::asio::awaitable<http::Response> Ok(http::Request&) {
  co_return http::Response::Empty(200);
}

std::vector<std::string> Split(std::string_view path) {
  if (path.size() > 1 && path.ends_with('/')) path.remove_suffix(1);
  std::vector<std::string> parts;
  std::size_t start = path.starts_with('/') ? 1 : 0;
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    parts.emplace_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return parts;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  http::Router router;
  const int routes = in.ConsumeIntegralInRange(1, 8);
  for (int i = 0; i < routes; ++i) {
    auto method = static_cast<http::Method>(in.ConsumeIntegralInRange(0, 6));
    router.Add(method, "/" + in.ConsumeRandomLengthString(40), Ok);
  }
  while (in.remaining_bytes() > 0) {
    auto method = static_cast<http::Method>(in.ConsumeIntegralInRange(0, 7));
    std::string path = in.ConsumeRandomLengthString(60);
    std::vector<std::pair<std::string, std::string>> params;
    auto match = router.Find(method, path, params);
    switch (match.outcome) {
      case http::Router::Outcome::kFound: {
        Check(match.route != nullptr);
        Check(match.route->method == method ||
              (method == http::Method::kHead && match.route->method == http::Method::kGet));
        auto parts = Split(path);
        Check(parts.size() == match.route->segments.size());
        std::size_t param = 0;
        for (std::size_t s = 0; s < parts.size(); ++s) {
          const auto& seg = match.route->segments[s];
          if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}') {
            Check(!parts[s].empty() && param < params.size());
            Check(params[param].first == seg.substr(1, seg.size() - 2));
            ++param;
          } else {
            Check(seg == parts[s]);
          }
        }
        Check(param == params.size());
        break;
      }
      case http::Router::Outcome::kMethodNotAllowed:
        Check(match.route == nullptr && !match.allow.empty());
        break;
      case http::Router::Outcome::kNotFound:
        Check(match.route == nullptr);
        break;
    }
  }
  return 0;
}
