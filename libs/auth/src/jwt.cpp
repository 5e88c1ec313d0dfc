// EdDSA JWTs (RFC 7519, RFC 8037): encoding, signing with the customer service's key, verification.
#include <chrono>
#include <cmath>

#include <boost/json.hpp>

#include "comptoir/auth/auth.hpp"
#include "comptoir/error.hpp"

namespace comptoir::auth {
namespace json = boost::json;

namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::string_view kHeader = R"({"alg":"EdDSA","typ":"JWT"})";
// Clock skew tolerated on exp/nbf between the machines of a deployment.
constexpr std::int64_t kLeewaySeconds = 30;

int DecodeChar(char c) noexcept {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-' || c == '+') return 62;
  if (c == '_' || c == '/') return 63;
  return -1;
}

ApiError Invalid(std::string detail) {
  return ApiError(ErrorKind::kUnauthorized, "auth.invalid_token", std::move(detail));
}

std::optional<std::int64_t> NumericClaim(const json::object& claims, std::string_view name) {
  const auto* v = claims.if_contains(name);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<std::int64_t>(v->as_uint64());
  }
  if (v->is_double()) {
    // A time out of int64's range (1e52, inf) is no time: converting it would be undefined behaviour
    // (found by tests/fuzz/jwt_fuzz), so it is refused like any claim that is not a number.
    const double d = v->as_double();
    if (std::isfinite(d) && d > -9.0e18 && d < 9.0e18) return static_cast<std::int64_t>(d);
  }
  throw Invalid("claim '" + std::string(name) + "' is not a number");
}

std::string Sign(const JwtSettings& settings, const json::object& claims) {
  if (!settings.signing_key) throw std::logic_error("this process holds no signing key (only customer signs tokens)");
  std::string input = Base64UrlEncode(kHeader);
  input += '.';
  input += Base64UrlEncode(json::serialize(claims));
  std::string signature = Base64UrlEncode(settings.signing_key.Sign(input));
  input += '.';
  input += signature;
  return input;
}

}  // namespace

std::vector<std::string> SplitScopes(std::string_view text) {
  std::vector<std::string> scopes;
  while (!text.empty()) {
    auto space = text.find(' ');
    if (space != 0) scopes.emplace_back(text.substr(0, space));
    text = space == std::string_view::npos ? std::string_view() : text.substr(space + 1);
  }
  return scopes;
}

std::string Base64UrlEncode(std::string_view data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    auto n = (static_cast<unsigned char>(data[i]) << 16) | (static_cast<unsigned char>(data[i + 1]) << 8) |
             static_cast<unsigned char>(data[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i + 1 == data.size()) {
    auto n = static_cast<unsigned char>(data[i]) << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
  } else if (i + 2 == data.size()) {
    auto n = (static_cast<unsigned char>(data[i]) << 16) | (static_cast<unsigned char>(data[i + 1]) << 8);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
  }
  return out;
}

std::string Base64Encode(std::string_view data) {
  std::string out = Base64UrlEncode(data);
  for (char& c : out) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  while (out.size() % 4 != 0) out += '=';
  return out;
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    int v = DecodeChar(c);
    if (v < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return out;
}

std::int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string IssueToken(const JwtSettings& settings, const Principal& who, std::int64_t now) {
  if (who.role == Role::kService) throw std::logic_error("service tokens come from IssueServiceToken");
  json::object claims;
  claims["iss"] = settings.issuer;
  claims["sub"] = who.subject;
  claims["role"] = RoleName(who.role);
  if (who.location_id) claims["location_id"] = *who.location_id;
  claims["iat"] = now;
  claims["exp"] = now + settings.access_ttl.count();
  return Sign(settings, claims);
}

std::string IssueServiceToken(const JwtSettings& settings, std::string_view client, std::string_view audience,
                              const std::vector<std::string>& scopes, std::int64_t now) {
  std::string scope;
  for (const auto& s : scopes) {
    if (!scope.empty()) scope += ' ';
    scope += s;
  }
  json::object claims;
  claims["iss"] = settings.issuer;
  claims["sub"] = client;
  claims["role"] = RoleName(Role::kService);
  claims["aud"] = audience;
  claims["scope"] = scope;
  claims["jti"] = RandomToken(16);
  claims["iat"] = now;
  claims["exp"] = now + settings.service_ttl.count();
  return Sign(settings, claims);
}

Principal VerifyToken(const JwtSettings& settings, std::string_view token, std::int64_t now,
                      std::string_view audience) {
  auto d1 = token.find('.');
  auto d2 = d1 == std::string_view::npos ? d1 : token.find('.', d1 + 1);
  if (d2 == std::string_view::npos || token.find('.', d2 + 1) != std::string_view::npos) {
    throw Invalid("the token is not a JWT (three dot-separated parts)");
  }
  auto header_raw = Base64UrlDecode(token.substr(0, d1));
  auto claims_raw = Base64UrlDecode(token.substr(d1 + 1, d2 - d1 - 1));
  auto signature = Base64UrlDecode(token.substr(d2 + 1));
  if (!header_raw || !claims_raw || !signature) throw Invalid("the token is not valid base64url");
  boost::system::error_code ec;
  auto header = json::parse(*header_raw, ec);
  if (ec || !header.is_object()) throw Invalid("the token header is not a JSON object");
  // The algorithm is fixed by the key, never chosen by the token: HS256 "signed" with the public key as its
  // secret, RS256, none... are all refused before any signature check.
  const auto* alg = header.as_object().if_contains("alg");
  if (alg == nullptr || !alg->is_string() || alg->as_string() != "EdDSA") {
    throw Invalid("the token is not signed with EdDSA");
  }
  if (!settings.public_key.Verify(token.substr(0, d2), *signature)) {
    throw Invalid("the token signature is not valid");
  }
  auto claims_value = json::parse(*claims_raw, ec);
  if (ec || !claims_value.is_object()) throw Invalid("the token claims are not a JSON object");
  const auto& claims = claims_value.as_object();
  const auto* iss = claims.if_contains("iss");
  if (iss == nullptr || !iss->is_string() || iss->as_string() != settings.issuer) {
    throw Invalid("the token was not issued by " + settings.issuer);
  }
  auto exp = NumericClaim(claims, "exp");
  if (!exp) throw Invalid("the token has no expiry (exp)");
  if (*exp <= now - kLeewaySeconds) {  // (not exp + leeway: an exp near INT64_MAX would overflow)
    throw ApiError(ErrorKind::kUnauthorized, "auth.token_expired", "the token has expired; sign in again");
  }
  if (auto nbf = NumericClaim(claims, "nbf"); nbf && *nbf > now + kLeewaySeconds) {
    throw Invalid("the token is not valid yet (nbf)");
  }
  const auto* sub = claims.if_contains("sub");
  const auto* role = claims.if_contains("role");
  if (sub == nullptr || !sub->is_string() || sub->as_string().empty()) throw Invalid("the token has no subject");
  std::optional<Role> parsed_role;
  if (role != nullptr && role->is_string()) parsed_role = ParseRole(role->as_string());
  if (!parsed_role) throw Invalid("the token has no known role");
  Principal who;
  who.subject = std::string(sub->as_string());
  who.role = *parsed_role;
  who.location_id = NumericClaim(claims, "location_id");
  who.expires_at = *exp;
  const auto* aud = claims.if_contains("aud");
  if (aud != nullptr && (!aud->is_string() || aud->as_string().empty())) throw Invalid("the token's aud is not a name");
  if (who.role == Role::kService && aud == nullptr) throw Invalid("a service token must name its audience (aud)");
  if (aud != nullptr && aud->as_string() != audience) {
    throw ApiError(ErrorKind::kUnauthorized, "auth.wrong_audience",
                   "this token is meant for " + std::string(aud->as_string()) + ", not for " + std::string(audience));
  }
  if (aud != nullptr) who.audience = std::string(aud->as_string());
  if (who.role == Role::kService) {
    const auto* scope = claims.if_contains("scope");
    if (scope == nullptr || !scope->is_string()) throw Invalid("a service token must carry its scope");
    who.scopes = SplitScopes(scope->as_string());
  }
  return who;
}

}  // namespace comptoir::auth
