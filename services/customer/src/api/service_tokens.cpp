#include "api/service_tokens.hpp"

#include <array>
#include <optional>

#include <boost/json.hpp>

#include "comptoir/auth/keys.hpp"
#include "comptoir/auth/service_policy.hpp"
#include "comptoir/error.hpp"
#include "comptoir/log.hpp"

namespace comptoir::customer {
namespace {

using http::Method;

constexpr std::array kRoutes{ServiceTokenRoute{Method::kPost, "/internal/v1/auth/token"}};
constexpr std::size_t kMaxParam = 512;
// Compared against when the client id is unknown, so that the answer takes the same time.
const std::string kDecoyDigest(64, '0');

bool IsHex64(std::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool IsClientName(std::string_view text) {
  if (text.empty() || text.size() > 64) return false;
  for (char c : text) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
  }
  return true;
}

// A refusal in problem+json, with the RFC 6749 §5.2 `error` member for OAuth clients.
http::Response Refusal(const http::Request& request, ErrorKind kind, std::string code, std::string_view oauth_error,
                       std::string detail) {
  ApiError error(kind, std::move(code), std::move(detail));
  boost::json::value problem = boost::json::parse(ProblemJson(error, request.request_id));
  problem.as_object()["error"] = oauth_error;
  http::Response response =
      http::Response::Text(error.status(), boost::json::serialize(problem), "application/problem+json");
  response.headers.Set("Cache-Control", "no-store");
  if (kind == ErrorKind::kUnauthorized) response.headers.Set("WWW-Authenticate", R"(Basic realm="comptoir-services")");
  return response;
}

struct Form {
  std::map<std::string, std::string, std::less<>> values;
  std::string problem;  ///< why the body is not a usable form (empty: it is)
};

Form ParseForm(std::string_view body) {
  Form form;
  while (!body.empty()) {
    auto amp = body.find('&');
    std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    auto name = http::PercentDecode(pair.substr(0, eq), true);
    auto value = http::PercentDecode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), true);
    if (!name || !value || value->size() > kMaxParam) {
      form.problem = "the form body is malformed";
      return form;
    }
    if (!form.values.emplace(std::move(*name), std::move(*value)).second) {
      form.problem = "a parameter appears twice";  // RFC 6749 §3.1
      return form;
    }
  }
  return form;
}

std::string Param(const Form& form, std::string_view name) {
  auto it = form.values.find(name);
  return it == form.values.end() ? std::string() : it->second;
}

// client_id:client_secret of an HTTP Basic header, each form-decoded (RFC 6749 §2.3.1).
std::optional<std::pair<std::string, std::string>> BasicCredentials(std::string_view header) {
  constexpr std::string_view kBasic = "basic ";
  if (header.size() <= kBasic.size() || !http::IEquals(header.substr(0, kBasic.size()), kBasic)) return std::nullopt;
  auto decoded = auth::Base64UrlDecode(header.substr(kBasic.size()));
  if (!decoded) return std::nullopt;
  auto colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  auto id = http::PercentDecode(std::string_view(*decoded).substr(0, colon), true);
  auto secret = http::PercentDecode(std::string_view(*decoded).substr(colon + 1), true);
  if (!id || !secret) return std::nullopt;
  return std::make_pair(std::move(*id), std::move(*secret));
}

}  // namespace

ServiceClients LoadServiceClients(config::Source& source) {
  ServiceClients clients;
  std::string text = source.String("customer.service_clients", "");
  std::string_view rest = text;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.empty()) continue;
    auto eq = item.find('=');
    std::string_view name = item.substr(0, eq);
    std::string_view digest = eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1);
    bool ok = IsClientName(name) && IsHex64(digest);
    source.Check(ok, "customer.service_clients",
                 "'" + std::string(name) + "': each item is name=<SHA-256 of its secret, 64 lower-case hex digits>");
    if (!ok) continue;
    source.Check(clients.emplace(name, digest).second, "customer.service_clients",
                 "'" + std::string(name) + "' is listed twice");
  }
  return clients;
}

std::span<const ServiceTokenRoute> ServiceTokenRoutes() {
  return kRoutes;
}

void AddServiceTokenRoutes(http::Router& router, ServiceTokens& tokens) {
  router.Add(Method::kPost, std::string(kRoutes[0].pattern),
             [&tokens](http::Request& request) { return tokens.Issue(request); });
}

boost::asio::awaitable<http::Response> ServiceTokens::Issue(http::Request& request) {
  auto content_type = request.headers.Get("Content-Type");
  if (!content_type ||
      !http::IEquals(content_type->substr(0, content_type->find(';')), "application/x-www-form-urlencoded")) {
    co_return Refusal(request, ErrorKind::kValidation, "auth.invalid_request", "invalid_request",
                      "the body must be application/x-www-form-urlencoded (RFC 6749 §4.4.2)");
  }
  Form form = ParseForm(request.body);
  if (!form.problem.empty()) {
    co_return Refusal(request, ErrorKind::kValidation, "auth.invalid_request", "invalid_request", form.problem);
  }
  if (Param(form, "grant_type") != "client_credentials") {
    co_return Refusal(request, ErrorKind::kValidation, "auth.unsupported_grant_type", "unsupported_grant_type",
                      "grant_type must be client_credentials");
  }
  std::string client_id = Param(form, "client_id");
  std::string secret = Param(form, "client_secret");
  if (auto header = request.headers.Get("Authorization")) {
    auto basic = BasicCredentials(*header);
    if (!basic || !secret.empty()) {
      co_return Refusal(request, ErrorKind::kUnauthorized, "auth.invalid_client", "invalid_client",
                        "client authentication failed: one method only, HTTP Basic or the form's client_secret");
    }
    if (!client_id.empty() && client_id != basic->first) {
      co_return Refusal(request, ErrorKind::kUnauthorized, "auth.invalid_client", "invalid_client",
                        "client authentication failed");
    }
    client_id = std::move(basic->first);
    secret = std::move(basic->second);
  }
  auto known = clients_.find(client_id);
  const std::string& expected = known == clients_.end() ? kDecoyDigest : known->second;
  bool secret_ok = auth::ConstantTimeEquals(auth::Sha256Hex(secret), expected);
  if (known == clients_.end() || !secret_ok || secret.empty()) {
    log::Warn("service token refused: unknown client or wrong secret", {{"request_id", request.request_id}});
    co_return Refusal(request, ErrorKind::kUnauthorized, "auth.invalid_client", "invalid_client",
                      "client authentication failed");
  }
  std::string audience = Param(form, "audience");
  if (audience.empty()) {
    co_return Refusal(request, ErrorKind::kValidation, "auth.invalid_request", "invalid_request",
                      "audience (the service to call) is required");
  }
  std::vector<std::string> allowed = auth::AllowedScopes(client_id, audience);
  if (allowed.empty()) {
    co_return Refusal(request, ErrorKind::kForbidden, "auth.unauthorized_client", "unauthorized_client",
                      client_id + " may not call " + audience + " as itself");
  }
  std::vector<std::string> granted = allowed;
  if (auto asked = form.values.find("scope"); asked != form.values.end()) {
    granted = auth::SplitScopes(asked->second);
    for (const auto& s : granted) {
      if (std::find(allowed.begin(), allowed.end(), s) == allowed.end()) {
        co_return Refusal(request, ErrorKind::kForbidden, "auth.invalid_scope", "invalid_scope",
                          client_id + " may not obtain the scope '" + s + "' for " + audience);
      }
    }
    if (granted.empty()) granted = allowed;
  }
  std::string token = auth::IssueServiceToken(jwt_, client_id, audience, granted, auth::NowSeconds());
  std::string scope;
  for (const auto& s : granted) scope += (scope.empty() ? "" : " ") + s;
  log::Info("service token issued", {{"client", client_id}, {"audience", audience}, {"scope", scope}});
  http::Response response =
      http::Response::Json(200, boost::json::serialize(boost::json::object{{"access_token", token},
                                                                           {"token_type", "Bearer"},
                                                                           {"expires_in", jwt_.service_ttl.count()},
                                                                           {"scope", scope}}));
  response.headers.Set("Cache-Control", "no-store");
  response.headers.Set("Pragma", "no-cache");
  co_return response;
}

}  // namespace comptoir::customer
