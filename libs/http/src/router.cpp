#include "comptoir/http/router.hpp"

#include <algorithm>

namespace comptoir::http {
namespace {

std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t start = path.starts_with('/') ? 1 : 0;
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    parts.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return parts;
}

bool IsParam(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// Score: number of literal segments matched; higher is more specific. -1 means no match.
int MatchScore(const Route& route, const std::vector<std::string_view>& parts) {
  if (route.segments.size() != parts.size()) return -1;
  int score = 0;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto& seg = route.segments[i];
    if (IsParam(seg)) {
      if (parts[i].empty()) return -1;
      continue;
    }
    if (seg != parts[i]) return -1;
    // Earlier literal segments weigh more, so /a/b/{x} beats /a/{y}/c for /a/b/c.
    score += 1 << (16 - std::min<std::size_t>(i, 15));
  }
  return score;
}

}  // namespace

void Router::Add(Method method, std::string pattern, Handler handler) {
  Route route{method, std::move(pattern), std::move(handler), {}};
  for (auto part : Split(route.pattern)) route.segments.emplace_back(part);
  routes_.push_back(std::move(route));
}

Router::Match Router::Find(Method method, std::string_view path,
                           std::vector<std::pair<std::string, std::string>>& params) const {
  // A trailing slash is not a different resource: "/products/" is "/products".
  if (path.size() > 1 && path.ends_with('/')) path.remove_suffix(1);
  auto parts = Split(path);
  Match match;
  int best = -1;
  const Route* best_any = nullptr;
  int best_any_score = -1;
  std::vector<std::string_view> allowed;
  for (const auto& route : routes_) {
    int score = MatchScore(route, parts);
    if (score < 0) continue;
    if (score > best_any_score) {
      best_any_score = score;
      best_any = &route;
    }
    bool method_ok = route.method == method || (method == Method::kHead && route.method == Method::kGet);
    if (method_ok && score > best) {
      best = score;
      match.route = &route;
    }
  }
  if (best_any == nullptr) return match;
  // Only routes as specific as the best path match decide 405 (by-sku must not borrow /{id}'s PUT).
  if (match.route == nullptr || best < best_any_score) {
    for (const auto& route : routes_) {
      if (MatchScore(route, parts) != best_any_score) continue;
      auto name = MethodName(route.method);
      if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) allowed.push_back(name);
      if (route.method == Method::kGet && std::find(allowed.begin(), allowed.end(), "HEAD") == allowed.end()) {
        allowed.push_back("HEAD");
      }
    }
    match.route = nullptr;
    match.outcome = Outcome::kMethodNotAllowed;
    for (std::size_t i = 0; i < allowed.size(); ++i) {
      if (i > 0) match.allow += ", ";
      match.allow += allowed[i];
    }
    return match;
  }
  match.outcome = Outcome::kFound;
  params.clear();
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto& seg = match.route->segments[i];
    if (IsParam(seg)) {
      auto decoded = PercentDecode(parts[i], false);
      params.emplace_back(seg.substr(1, seg.size() - 2), decoded ? *decoded : std::string(parts[i]));
    }
  }
  return match;
}

}  // namespace comptoir::http
