// Property test (rapidcheck): the gateway's route choice against a reference model of the priority rules
// gateway/README.md documents (Kong's traditional_compatible router). The model does not sort: it collects
// every (route, path) that matches the request and takes the greatest by (kinds of criteria, plain hosts,
// header count, regex over prefix, regex_priority, path length), ties going to the earlier route and path of
// the file. Routes and requests are drawn from small alphabets so that they overlap often.
#include <array>
#include <optional>
#include <regex>
#include <tuple>

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "comptoir/gateway/router.hpp"

namespace comptoir::gateway {
namespace {

constexpr std::array kPrefixes = {"/", "/a", "/a/b", "/ab", "/a/b/c", "/b"};
constexpr std::array kRegexes = {"/a/[a-z]+$", "/a/.*", "/[ab]+", "/a/b/c$", "/b.*"};
constexpr std::array kHosts = {"x.com", "*.x.com", "x.*", "y.x.com"};
constexpr std::array kRequestHosts = {"x.com", "y.x.com", "x.org", "z.com"};
constexpr std::array kRequestPaths = {"/", "/a", "/a/b", "/a/b/c", "/ab", "/b", "/a/bc", "/ba/", "/a/b/c/d"};
constexpr std::array kMethods = {"GET", "POST"};

template <class T, std::size_t N>
T Any(const std::array<T, N>& values) {
  return values[*rc::gen::inRange<std::size_t>(0, N)];
}

Route GenRoute() {
  Route r;
  r.service = 0;
  const int paths = *rc::gen::inRange(0, 3);
  for (int i = 0; i < paths; ++i) {
    if (*rc::gen::arbitrary<bool>()) {
      std::string re = Any(kRegexes);
      r.paths.push_back(RoutePath{re, true, std::make_shared<const std::regex>(re)});
    } else {
      r.paths.push_back(RoutePath{Any(kPrefixes), false, nullptr});
    }
  }
  if (*rc::gen::inRange(0, 3) == 0) r.methods.push_back(Any(kMethods));
  const int hosts = *rc::gen::inRange(0, 3) == 0 ? *rc::gen::inRange(1, 3) : 0;
  for (int i = 0; i < hosts; ++i) r.hosts.push_back(Any(kHosts));
  if (*rc::gen::inRange(0, 4) == 0) r.headers.push_back({"x-v", {*rc::gen::element<std::string>("1", "2")}});
  r.regex_priority = *rc::gen::inRange(0, 3);
  return r;
}

bool ModelHostMatches(const std::string& pattern, const std::string& host) {
  if (pattern.starts_with("*.")) return host.size() > pattern.size() - 1 && host.ends_with(pattern.substr(1));
  if (pattern.ends_with(".*"))
    return host.size() > pattern.size() - 1 && host.starts_with(pattern.substr(0, pattern.size() - 1));
  return pattern == host;
}

struct Request {
  std::string method;
  std::string host;
  std::string path;
  std::optional<std::string> header;  ///< x-v
};

// The length matched by one path of a route, nullopt when it does not match.
std::optional<std::size_t> ModelPathMatch(const RoutePath& p, const std::string& path) {
  if (!p.is_regex) return path.starts_with(p.value) ? std::optional(p.value.size()) : std::nullopt;
  std::smatch m;
  if (!std::regex_search(path, m, std::regex(p.value), std::regex_constants::match_continuous)) return std::nullopt;
  return static_cast<std::size_t>(m.length(0));
}

bool ModelCriteriaMatch(const Route& r, const Request& q) {
  if (!r.methods.empty() && std::find(r.methods.begin(), r.methods.end(), q.method) == r.methods.end()) return false;
  if (!r.hosts.empty() &&
      std::none_of(r.hosts.begin(), r.hosts.end(), [&](const std::string& h) { return ModelHostMatches(h, q.host); })) {
    return false;
  }
  for (const auto& [name, values] : r.headers) {
    if (!q.header || std::find(values.begin(), values.end(), *q.header) == values.end()) return false;
  }
  return true;
}

struct ModelMatch {
  int route;
  int path;
  std::size_t length;
};

std::optional<ModelMatch> ModelChoose(const Config& config, const Request& q) {
  using Key = std::tuple<int, bool, int, bool, int, std::size_t>;
  std::optional<std::pair<Key, ModelMatch>> best;
  for (int ri = 0; ri < static_cast<int>(config.routes.size()); ++ri) {
    const Route& r = config.routes[ri];
    if (!ModelCriteriaMatch(r, q)) continue;
    const int kinds = !r.methods.empty() + !r.hosts.empty() + !r.headers.empty() + !r.paths.empty();
    const bool plain = !r.hosts.empty() && std::all_of(r.hosts.begin(), r.hosts.end(), [](const std::string& h) {
      return h.find('*') == std::string::npos;
    });
    const int headers = static_cast<int>(r.headers.size());
    auto consider = [&](int pi, bool regex, int priority, std::size_t path_length, std::size_t matched) {
      Key key{kinds, plain, headers, regex, regex ? priority : 0, path_length};
      // Strictly greater only: the earlier candidate of the file wins a tie.
      if (!best || key > best->first) best = {key, ModelMatch{ri, pi, matched}};
    };
    if (r.paths.empty()) {
      consider(-1, false, 0, 0, 0);
      continue;
    }
    for (int pi = 0; pi < static_cast<int>(r.paths.size()); ++pi) {
      const RoutePath& p = r.paths[pi];
      if (auto len = ModelPathMatch(p, q.path)) consider(pi, p.is_regex, r.regex_priority, p.value.size(), *len);
    }
  }
  if (!best) return std::nullopt;
  return best->second;
}

RC_GTEST_PROP(RoutePriorityProperty, TheRouterChoosesWhatTheModelChooses, ()) {
  Config config;
  Service s;
  s.name = "svc";
  s.host = "127.0.0.1";
  config.services.push_back(s);
  const int routes = *rc::gen::inRange(1, 7);
  for (int i = 0; i < routes; ++i) config.routes.push_back(GenRoute());
  KongRouter router(config);
  for (int i = 0; i < 10; ++i) {
    Request q{Any(kMethods), Any(kRequestHosts), Any(kRequestPaths), std::nullopt};
    if (*rc::gen::arbitrary<bool>()) q.header = *rc::gen::element<std::string>("1", "2");
    http::Headers headers;
    if (q.header) headers.Add("x-v", *q.header);
    const auto got = router.Match(q.method, q.host, NormalizePath(q.path), headers);
    const auto want = ModelChoose(config, Request{q.method, q.host, NormalizePath(q.path), q.header});
    RC_ASSERT(got.has_value() == want.has_value());
    if (!got) continue;
    RC_ASSERT(got->route == want->route);
    RC_ASSERT(got->path == want->path);
    RC_ASSERT(got->matched_length == want->length);
  }
}

}  // namespace
}  // namespace comptoir::gateway
