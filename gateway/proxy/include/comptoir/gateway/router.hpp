#pragma once
// Kong's route matching (router_flavor traditional_compatible): methods, hosts, headers, paths
// (prefix or `~` regex), ordered by Kong's priority rules.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "comptoir/gateway/model.hpp"
#include "comptoir/http/message.hpp"

namespace comptoir::gateway {

/// The route chosen for a request, and what of the path it matched.
struct RouteMatch {
  int route = -1;
  int path = -1;                  ///< index into Route::paths, -1 when the route has no paths
  std::size_t matched_length = 0; ///< length of the matched prefix (or regex match) of the path
};

/// The longest path a regex route is matched against. std::regex matches by recursive backtracking, one
/// level per character for `.*`: a path of some tens of KiB (a request line may be 32 KiB, and normalising
/// escapes a lone `%` as `%25`) overflowed the thread's stack and crashed the gateway (found by the
/// gateway_path fuzz target). A longer path matches prefix routes only. nginx (and so Kong) refuses request
/// lines over 8 KiB with 414 by default, so no route Kong would reach is lost.
inline constexpr std::size_t kMaxRegexPathLength = 8 * 1024;

class KongRouter {
 public:
  /// Builds the candidate list, sorted by Kong's priority, from a loaded configuration.
  explicit KongRouter(const Config& config);

  /// `host` without port, lower-case; `path` normalised (NormalizePath).
  [[nodiscard]] std::optional<RouteMatch> Match(std::string_view method, std::string_view host, std::string_view path,
                                                const http::Headers& headers) const;

 private:
  struct Candidate {
    int route;
    int path;
    int weight;          // number of kinds of criteria the route has
    bool plain_hosts;    // only plain (non-wildcard) hosts
    int header_count;
    bool regex;
    int regex_priority;
    std::size_t path_length;
  };
  [[nodiscard]] std::optional<std::size_t> MatchCandidate(const Candidate& c, std::string_view method,
                                                          std::string_view host, std::string_view path,
                                                          const http::Headers& headers) const;
  const Config& config_;
  std::vector<Candidate> candidates_;
};

/// RFC 3986 normalisation as Kong does before matching: percent-encoding of unreserved characters
/// decoded, other escapes upper-cased, dot-segments removed, duplicate slashes merged.
std::string NormalizePath(std::string_view path);

/// True when `host` matches a route host pattern (exact, "*.suffix" or "prefix.*").
bool HostMatches(std::string_view pattern, std::string_view host);

/// The path sent upstream for `path_handling` v0/v1, strip_path and the service's path.
std::string UpstreamPath(const Service& service, const Route& route, const RouteMatch& match, std::string_view path);

}  // namespace comptoir::gateway
