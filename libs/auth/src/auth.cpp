#include "comptoir/auth/auth.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <chrono>

#include <boost/json.hpp>

#include "comptoir/error.hpp"

namespace comptoir::auth {
namespace json = boost::json;

namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
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

std::string HmacSha256(std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), mac.data(), &length);
  return std::string(reinterpret_cast<const char*>(mac.data()), length);
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
  if (v->is_double()) return static_cast<std::int64_t>(v->as_double());
  throw Invalid("claim '" + std::string(name) + "' is not a number");
}

}  // namespace

std::string_view RoleName(Role role) noexcept {
  switch (role) {
    case Role::kCustomer: return "customer";
    case Role::kCashier: return "cashier";
    case Role::kLogistics: return "logistics";
    case Role::kManager: return "manager";
    case Role::kAdmin: return "admin";
  }
  return "customer";
}

std::optional<Role> ParseRole(std::string_view name) noexcept {
  for (Role r : {Role::kCustomer, Role::kCashier, Role::kLogistics, Role::kManager, Role::kAdmin}) {
    if (RoleName(r) == name) return r;
  }
  return std::nullopt;
}

JwtSettings LoadJwtSettings(config::Source& source) {
  JwtSettings s;
  s.secret = source.RequiredString("auth.jwt_secret");
  source.Check(s.secret.empty() || s.secret.size() >= 32, "auth.jwt_secret",
               "must be at least 32 bytes long (HS256 key)");
  s.issuer = source.String("auth.jwt_issuer", "comptoir");
  source.Check(!s.issuer.empty(), "auth.jwt_issuer", "must not be empty");
  s.access_ttl = std::chrono::seconds(source.Int("auth.access_ttl_s", 900, 10, 7 * 24 * 3600));
  s.refresh_ttl = std::chrono::seconds(source.Int("auth.refresh_ttl_s", 30 * 24 * 3600, 60, 365 * 24 * 3600));
  return s;
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
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string IssueToken(const JwtSettings& settings, const Principal& who, std::int64_t now) {
  json::object claims;
  claims["iss"] = settings.issuer;
  claims["sub"] = who.subject;
  claims["role"] = RoleName(who.role);
  if (who.location_id) claims["location_id"] = *who.location_id;
  claims["iat"] = now;
  claims["exp"] = now + settings.access_ttl.count();
  std::string input = Base64UrlEncode(R"({"alg":"HS256","typ":"JWT"})");
  input += '.';
  input += Base64UrlEncode(json::serialize(claims));
  std::string signature = Base64UrlEncode(HmacSha256(settings.secret, input));
  input += '.';
  input += signature;
  return input;
}

Principal VerifyToken(const JwtSettings& settings, std::string_view token, std::int64_t now) {
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
  const auto* alg = header.as_object().if_contains("alg");
  if (alg == nullptr || !alg->is_string() || alg->as_string() != "HS256") {
    throw Invalid("the token is not signed with HS256");
  }
  std::string expected = HmacSha256(settings.secret, token.substr(0, d2));
  if (expected.size() != signature->size() ||
      CRYPTO_memcmp(expected.data(), signature->data(), expected.size()) != 0) {
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
  if (*exp + kLeewaySeconds <= now) {
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
  return who;
}

Principal Verifier::Authenticate(const http::Request& request) const {
  auto who = Optional(request);
  if (!who) {
    throw ApiError(ErrorKind::kUnauthorized, "auth.missing_token",
                   "this endpoint needs a bearer token (Authorization: Bearer <jwt>); sign in first");
  }
  return *who;
}

std::optional<Principal> Verifier::Optional(const http::Request& request) const {
  auto header = request.headers.Get("Authorization");
  if (!header) return std::nullopt;
  std::string_view value = *header;
  constexpr std::string_view kBearer = "bearer ";
  if (value.size() <= kBearer.size() || !http::IEquals(value.substr(0, kBearer.size()), kBearer)) {
    throw Invalid("the Authorization header is not 'Bearer <jwt>'");
  }
  value.remove_prefix(kBearer.size());
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  return VerifyToken(settings_, value, NowSeconds());
}

void RequireRole(const Principal& who, std::initializer_list<Role> roles, std::string_view action) {
  for (Role r : roles) {
    if (who.role == r) return;
  }
  std::string allowed;
  for (Role r : roles) {
    if (!allowed.empty()) allowed += ", ";
    allowed += RoleName(r);
  }
  throw ApiError(ErrorKind::kForbidden, "auth.forbidden",
                 std::string(action) + " is reserved to: " + allowed + " (you are " + std::string(RoleName(who.role)) +
                     ")");
}

void RequireStaffAt(const Principal& who, std::int64_t location_id, std::string_view action) {
  if (!who.IsStaff()) {
    throw ApiError(ErrorKind::kForbidden, "auth.forbidden", std::string(action) + " is reserved to staff");
  }
  if (who.role == Role::kCashier && who.location_id != location_id) {
    throw ApiError(ErrorKind::kForbidden, "auth.wrong_location",
                   std::string(action) + " at location " + std::to_string(location_id) +
                       " is not allowed: your account works at location " +
                       (who.location_id ? std::to_string(*who.location_id) : std::string("none")));
  }
}

bool SeesEverything(const Principal& who) noexcept {
  return who.role == Role::kManager || who.role == Role::kAdmin;
}

}  // namespace comptoir::auth
