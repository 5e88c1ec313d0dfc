#include "comptoir/gateway/router.hpp"

#include <algorithm>
#include <cctype>

namespace comptoir::gateway {
namespace {

bool IsUnreserved(unsigned char c) { return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~'; }

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) { return http::IEquals(a, b); }

}  // namespace

namespace {

// True when NormalizePath would return `path` unchanged: no escapes, no empty, "." or ".."
// segments. The common case, checked without building anything.
bool AlreadyNormal(std::string_view path) {
  if (path.empty() || path.front() != '/') return false;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '%') return false;
    if (path[i] == '/' && i + 1 < path.size() && (path[i + 1] == '/' || path[i + 1] == '.')) return false;
  }
  return true;
}

}  // namespace

std::string NormalizePath(std::string_view path) {
  if (AlreadyNormal(path)) return std::string(path);
  // 1. Percent-encoding: decode unreserved characters, upper-case the rest.
  std::string decoded;
  decoded.reserve(path.size());
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '%' && i + 2 < path.size() && Hex(path[i + 1]) >= 0 && Hex(path[i + 2]) >= 0) {
      auto c = static_cast<unsigned char>(Hex(path[i + 1]) * 16 + Hex(path[i + 2]));
      if (IsUnreserved(c)) {
        decoded += static_cast<char>(c);
      } else {
        decoded += '%';
        decoded += static_cast<char>(std::toupper(static_cast<unsigned char>(path[i + 1])));
        decoded += static_cast<char>(std::toupper(static_cast<unsigned char>(path[i + 2])));
      }
      i += 2;
    } else if (path[i] == '%') {
      // A '%' that starts no escape stands for itself: written "%25", so that what follows it cannot
      // become an escape once the next character is decoded ("%%34%31" is "%2541", not "%41"), and
      // normalising twice gives the same path (found by tests/fuzz/gateway_path_fuzz).
      decoded += "%25";
    } else {
      decoded += path[i];
    }
  }
  // 2. Segments: merge empty ones, resolve "." and "..".
  std::vector<std::string_view> segments;
  std::string_view rest = decoded;
  bool trailing_slash = !rest.empty() && rest.back() == '/';
  std::size_t start = 0;
  while (start <= rest.size()) {
    auto slash = rest.find('/', start);
    if (slash == std::string_view::npos) slash = rest.size();
    auto seg = rest.substr(start, slash - start);
    if (seg == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!seg.empty() && seg != ".") {
      segments.push_back(seg);
    }
    start = slash + 1;
  }
  std::string out;
  for (auto seg : segments) {
    out += '/';
    out += seg;
  }
  if (out.empty() || (trailing_slash && out != "/")) out += '/';
  return out;
}

bool HostMatches(std::string_view pattern, std::string_view host) {
  if (pattern.starts_with("*.")) {
    auto suffix = pattern.substr(1);  // ".example.com"
    return host.size() > suffix.size() && EqualsIgnoreCase(host.substr(host.size() - suffix.size()), suffix);
  }
  if (pattern.ends_with(".*")) {
    auto prefix = pattern.substr(0, pattern.size() - 1);  // "example."
    return host.size() > prefix.size() && EqualsIgnoreCase(host.substr(0, prefix.size()), prefix);
  }
  return EqualsIgnoreCase(pattern, host);
}

KongRouter::KongRouter(const Config& config) : config_(config) {
  for (std::size_t r = 0; r < config.routes.size(); ++r) {
    const auto& route = config.routes[r];
    if (route.service >= 0 && !config.services[static_cast<std::size_t>(route.service)].enabled) continue;
    Candidate base{};
    base.route = static_cast<int>(r);
    base.path = -1;
    base.weight = (route.methods.empty() ? 0 : 1) + (route.hosts.empty() ? 0 : 1) + (route.headers.empty() ? 0 : 1) +
                  (route.paths.empty() ? 0 : 1);
    base.plain_hosts = !route.hosts.empty() && std::none_of(route.hosts.begin(), route.hosts.end(), [](const auto& h) {
      return h.find('*') != std::string::npos;
    });
    base.header_count = static_cast<int>(route.headers.size());
    if (route.paths.empty()) {
      candidates_.push_back(base);
      continue;
    }
    // Kong computes priority per path.
    for (std::size_t p = 0; p < route.paths.size(); ++p) {
      Candidate c = base;
      c.path = static_cast<int>(p);
      c.regex = route.paths[p].is_regex;
      c.regex_priority = c.regex ? route.regex_priority : 0;
      c.path_length = route.paths[p].value.size();
      candidates_.push_back(c);
    }
  }
  std::stable_sort(candidates_.begin(), candidates_.end(), [](const Candidate& a, const Candidate& b) {
    if (a.weight != b.weight) return a.weight > b.weight;
    if (a.plain_hosts != b.plain_hosts) return a.plain_hosts;
    if (a.header_count != b.header_count) return a.header_count > b.header_count;
    if (a.regex != b.regex) return a.regex;
    if (a.regex && a.regex_priority != b.regex_priority) return a.regex_priority > b.regex_priority;
    return a.path_length > b.path_length;
  });
}

std::optional<std::size_t> KongRouter::MatchCandidate(const Candidate& c, std::string_view method,
                                                      std::string_view host, std::string_view path,
                                                      const http::Headers& headers) const {
  const auto& route = config_.routes[static_cast<std::size_t>(c.route)];
  if (!route.methods.empty() &&
      std::find(route.methods.begin(), route.methods.end(), method) == route.methods.end()) {
    return std::nullopt;
  }
  if (!route.hosts.empty() && std::none_of(route.hosts.begin(), route.hosts.end(),
                                           [&](const auto& h) { return HostMatches(h, host); })) {
    return std::nullopt;
  }
  for (const auto& [name, values] : route.headers) {
    auto value = headers.Get(name);
    if (!value) return std::nullopt;
    if (std::none_of(values.begin(), values.end(), [&](const auto& v) { return EqualsIgnoreCase(v, *value); })) {
      return std::nullopt;
    }
  }
  if (c.path < 0) return std::size_t{0};
  const auto& rp = route.paths[static_cast<std::size_t>(c.path)];
  if (!rp.is_regex) {
    if (!path.starts_with(rp.value)) return std::nullopt;
    return rp.value.size();
  }
  if (path.size() > kMaxRegexPathLength) return std::nullopt;  // see kMaxRegexPathLength
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_search(path.begin(), path.end(), m, *rp.regex, std::regex_constants::match_continuous)) {
    return std::nullopt;
  }
  return static_cast<std::size_t>(m.length(0));
}

std::optional<RouteMatch> KongRouter::Match(std::string_view method, std::string_view host, std::string_view path,
                                            const http::Headers& headers) const {
  for (const auto& c : candidates_) {
    if (auto len = MatchCandidate(c, method, host, path, headers)) {
      return RouteMatch{c.route, c.path, *len};
    }
  }
  return std::nullopt;
}

std::string UpstreamPath(const Service& service, const Route& route, const RouteMatch& match, std::string_view path) {
  std::string_view rest = path;
  if (route.strip_path && match.path >= 0) rest = path.substr(std::min(match.matched_length, path.size()));
  const std::string& base = service.path;
  if (base.empty() || base == "/") {
    if (rest.empty()) return "/";
    return rest.front() == '/' ? std::string(rest) : "/" + std::string(rest);
  }
  if (rest.empty()) return base;
  if (route.path_handling == "v1") {
    // v1 concatenates: "/s" + "re" = "/sre".
    if (base.back() == '/' && rest.front() == '/') return base + std::string(rest.substr(1));
    return base + std::string(rest);
  }
  // v0 joins as path segments: "/s" + "re" = "/s/re".
  std::string out = base;
  if (out.back() == '/' && rest.front() == '/') {
    out += rest.substr(1);
  } else if (out.back() != '/' && rest.front() != '/') {
    out += '/';
    out += rest;
  } else {
    out += rest;
  }
  return out;
}

}  // namespace comptoir::gateway
