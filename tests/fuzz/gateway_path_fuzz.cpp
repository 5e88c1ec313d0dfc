// The gateway's request path normalisation and route matching (ADR 0130). NormalizePath gives an absolute
// path without dot-segments or empty segments, is idempotent, and never turns an escape into a '/'; the router,
// given the platform's kong.yml and a few regex routes, matches the normalised path without crashing, within
// the path, and agrees with itself when asked twice. The same bytes (host and path) go through the W3C
// traceparent parser (issue 16): what it accepts is a well-formed trace it continues with a new span, what it
// refuses is replaced by a new trace, and for 55 characters it agrees with the services' parser (libs/http).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

#include <fuzzer/FuzzedDataProvider.h>

#include "comptoir/gateway/router.hpp"
#include "comptoir/gateway/trace_context.hpp"
#include "comptoir/http/server.hpp"
#include "gateway_support.hpp"

namespace gw = comptoir::gateway;
using comptoir::fuzz::Check;

namespace {

constexpr std::string_view kRegexRoutes = R"(_format_version: "3.0"
services:
  - name: api
    url: http://127.0.0.1:9/base
    routes:
      - name: by-id
        paths: ["~/api/v1/products/[0-9]+$", "~/api/v1/(sales|orders)/[^/]+/returns"]
        regex_priority: 10
      - name: files
        paths: ["~/files/.*\\.(png|svg)$"]
        strip_path: false
      - name: plain
        paths: [/api/v1, /api/v1/products]
        methods: [GET, POST]
        hosts: ["*.example.com", shop.example.com]
)";

struct Routers {
  std::shared_ptr<const gw::Config> platform;
  std::shared_ptr<const gw::Config> regex;
  std::unique_ptr<gw::KongRouter> platform_router;
  std::unique_ptr<gw::KongRouter> regex_router;
};

const Routers& Load() {
  static const Routers routers = [] {
    Routers r;
    std::ifstream file(COMPTOIR_SOURCE_DIR "/deploy/kong.yml");
    std::stringstream text;
    text << file.rdbuf();
    r.platform = comptoir::fuzz::MustLoad(text.str());
    r.regex = comptoir::fuzz::MustLoad(kRegexRoutes);
    r.platform_router = std::make_unique<gw::KongRouter>(*r.platform);
    r.regex_router = std::make_unique<gw::KongRouter>(*r.regex);
    return r;
  }();
  return routers;
}

void CheckNormal(std::string_view path) {
  Check(!path.empty() && path.front() == '/');
  Check(path.find("//") == std::string_view::npos);
  for (std::string_view dot : {"/./", "/../"}) Check(path.find(dot) == std::string_view::npos);
  Check(!path.ends_with("/.") && !path.ends_with("/.."));
}

void MatchBoth(const gw::Config& config, const gw::KongRouter& router, std::string_view method, std::string_view host,
               std::string_view path, const comptoir::http::Headers& headers) {
  auto match = router.Match(method, host, path, headers);
  auto again = router.Match(method, host, path, headers);
  Check(match.has_value() == again.has_value());
  if (!match) return;
  Check(match->route == again->route && match->path == again->path);
  Check(match->route >= 0 && match->route < static_cast<int>(config.routes.size()));
  Check(match->matched_length <= path.size());
  const gw::Route& route = config.routes[match->route];
  if (route.service >= 0) {
    auto upstream = gw::UpstreamPath(config.services[route.service], route, *match, path);
    Check(!upstream.empty() && upstream.front() == '/');
  }
}

bool LowerHex(std::string_view s) {
  return s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

void CheckTraceparent(std::string_view value) {
  const auto parsed = gw::ParseTraceparent(value);
  std::string next;
  const bool continued = gw::NextHopTraceparent(value, next);
  Check(continued == parsed.has_value());
  const auto hop = gw::ParseTraceparent(next);
  Check(hop.has_value() && next.size() == gw::kTraceparentSize && next.starts_with("00-"));
  if (parsed) {
    Check(value.size() >= gw::kTraceparentSize && value.substr(0, 2) != "ff");
    Check(parsed->trace_id.data() == value.data() + 3 && parsed->parent_id.data() == value.data() + 36 &&
          parsed->flags.data() == value.data() + 53);
    Check(LowerHex(parsed->trace_id) && LowerHex(parsed->parent_id) && LowerHex(parsed->flags));
    Check(parsed->trace_id != std::string(32, '0') && parsed->parent_id != std::string(16, '0'));
    Check(hop->trace_id == parsed->trace_id && hop->flags == parsed->flags);
  } else {
    Check(hop->flags == "01");
  }
  // The services' parser (libs/http) keeps the trace id of exactly the same 55-character values.
  if (value.size() == gw::kTraceparentSize) {
    const std::string theirs = comptoir::http::NextTraceparent(value);
    Check(parsed.has_value() == (theirs.substr(3, 32) == value.substr(3, 32)));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Routers& routers = Load();
  FuzzedDataProvider in(data, size);
  static constexpr std::string_view kMethods[] = {"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"};
  const std::string_view method = kMethods[in.ConsumeIntegralInRange<std::size_t>(0, std::size(kMethods) - 1)];
  std::string host = in.ConsumeRandomLengthString(40);
  const std::string raw = in.ConsumeRemainingBytesAsString();
  CheckTraceparent(host);
  CheckTraceparent(raw);
  const std::string normal = gw::NormalizePath(raw);
  CheckNormal(normal);
  Check(gw::NormalizePath(normal) == normal);
  // Decoding never makes a '/' out of an escape: the normal path has no more segments than the raw one.
  Check(std::count(normal.begin(), normal.end(), '/') <= std::count(raw.begin(), raw.end(), '/') + 1);
  comptoir::http::Headers headers;
  headers.Add("Host", host);
  (void)gw::HostMatches("*.example.com", host);
  (void)gw::HostMatches("example.*", host);
  MatchBoth(*routers.platform, *routers.platform_router, method, host, normal, headers);
  MatchBoth(*routers.regex, *routers.regex_router, method, host, normal, headers);
  return 0;
}
