#include "comptoir/auth/auth.hpp"

#include <fstream>
#include <sstream>

#include "comptoir/error.hpp"
#include "comptoir/log.hpp"

namespace comptoir::auth {

namespace {

constexpr std::size_t kOnBehalfOfMaxLength = 200;

ApiError Invalid(std::string detail) {
  return ApiError(ErrorKind::kUnauthorized, "auth.invalid_token", std::move(detail));
}

// `key` or `key`_file: PEM text given inline (a literal "\n" stands for a newline, for env files that cannot
// hold several lines) or in a file. Empty when neither is set.
std::string ReadPem(config::Source& source, const std::string& key) {
  std::string pem = source.String(key, "");
  std::string file = source.String(key + "_file", "");
  source.Check(pem.empty() || file.empty(), key, "set " + key + " or " + key + "_file, not both");
  if (pem.empty() && !file.empty()) {
    std::ifstream in(file);
    std::stringstream text;
    if (in) text << in.rdbuf();
    source.Check(static_cast<bool>(in), key + "_file", "cannot read " + file);
    pem = text.str();
  }
  if (pem.find('\n') == std::string::npos) {
    for (auto at = pem.find("\\n"); at != std::string::npos; at = pem.find("\\n", at + 1)) pem.replace(at, 2, "\n");
  }
  return pem;
}

void LoadClaimsSettings(config::Source& source, JwtSettings& s) {
  s.issuer = source.String("auth.jwt_issuer", "comptoir");
  source.Check(!s.issuer.empty(), "auth.jwt_issuer", "must not be empty");
  s.access_ttl = std::chrono::seconds(source.Int("auth.access_ttl_s", 900, 10, 7 * 24 * 3600));
  s.refresh_ttl = std::chrono::seconds(source.Int("auth.refresh_ttl_s", 30 * 24 * 3600, 60, 365 * 24 * 3600));
  s.service_ttl = std::chrono::seconds(source.Int("auth.service_token_ttl_s", 300, 30, 3600));
}

PublicKey LoadPublicKey(config::Source& source, bool required) {
  std::string pem = ReadPem(source, "auth.jwt_public_key");
  bool legacy_secret = !source.String("auth.jwt_secret", "").empty();
  if (pem.empty()) {
    if (!required) return {};
    if (legacy_secret) {
      source.Check(false, "auth.jwt_secret",
                   "the shared HS256 secret is no longer used (ADR 0008): tokens are EdDSA, signed by the customer "
                   "service only; give this service the customer service's Ed25519 public key in auth.jwt_public_key "
                   "(COMPTOIR_AUTH_JWT_PUBLIC_KEY, PEM) and drop COMPTOIR_AUTH_JWT_SECRET");
    } else {
      source.Check(false, "auth.jwt_public_key",
                   "is required: the customer service's Ed25519 public key in PEM (COMPTOIR_AUTH_JWT_PUBLIC_KEY or "
                   "auth.jwt_public_key_file)");
    }
    return {};
  }
  if (legacy_secret) log::Warn("auth.jwt_secret is set but ignored: tokens are EdDSA (ADR 0008); remove it");
  try {
    return PublicKey::FromPem(pem);
  } catch (const std::invalid_argument& e) {
    source.Check(false, "auth.jwt_public_key", e.what());
  }
  return {};
}

}  // namespace

std::string_view RoleName(Role role) noexcept {
  switch (role) {
    case Role::kCustomer:
      return "customer";
    case Role::kCashier:
      return "cashier";
    case Role::kLogistics:
      return "logistics";
    case Role::kManager:
      return "manager";
    case Role::kAdmin:
      return "admin";
    case Role::kService:
      return "service";
  }
  return "customer";
}

std::optional<Role> ParseRole(std::string_view name) noexcept {
  for (Role r : {Role::kCustomer, Role::kCashier, Role::kLogistics, Role::kManager, Role::kAdmin, Role::kService}) {
    if (RoleName(r) == name) return r;
  }
  return std::nullopt;
}

bool Principal::HasScope(std::string_view scope) const noexcept {
  for (const auto& s : scopes) {
    if (s == scope) return true;
  }
  return false;
}

JwtSettings LoadJwtSettings(config::Source& source) {
  JwtSettings s;
  LoadClaimsSettings(source, s);
  s.public_key = LoadPublicKey(source, true);
  return s;
}

JwtSettings LoadSigningJwtSettings(config::Source& source) {
  JwtSettings s;
  LoadClaimsSettings(source, s);
  std::string pem = ReadPem(source, "auth.signing_key");
  if (pem.empty()) {
    source.Check(false, "auth.signing_key",
                 "is required by the customer service: its Ed25519 private key in PEM (COMPTOIR_AUTH_SIGNING_KEY or "
                 "auth.signing_key_file; `openssl genpkey -algorithm ed25519`)");
    return s;
  }
  try {
    s.signing_key = SigningKey::FromPem(pem);
    s.public_key = s.signing_key.Public();
  } catch (const std::invalid_argument& e) {
    source.Check(false, "auth.signing_key", e.what());
    return s;
  }
  PublicKey configured = LoadPublicKey(source, false);
  source.Check(!configured || configured.Equals(s.public_key), "auth.jwt_public_key",
               "does not match auth.signing_key: the gateway and the services would refuse every token");
  return s;
}

Principal Verifier::Authenticate(http::Request& request) const {
  auto who = Optional(request);
  if (!who) {
    throw ApiError(ErrorKind::kUnauthorized, "auth.missing_token",
                   "this endpoint needs a bearer token (Authorization: Bearer <jwt>); sign in first");
  }
  return *who;
}

std::optional<Principal> Verifier::Optional(http::Request& request) const {
  auto header = request.headers.Get("Authorization");
  if (!header) return std::nullopt;
  std::string_view value = *header;
  constexpr std::string_view kBearer = "bearer ";
  if (value.size() <= kBearer.size() || !http::IEquals(value.substr(0, kBearer.size()), kBearer)) {
    throw Invalid("the Authorization header is not 'Bearer <jwt>'");
  }
  value.remove_prefix(kBearer.size());
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  Principal who = VerifyToken(settings_, value, NowSeconds(), audience_);
  if (who.IsService()) {
    // Only a service token may name someone else; a person's request never carries it further.
    if (auto named = request.headers.Get(kOnBehalfOfHeader)) {
      bool printable = !named->empty() && named->size() <= kOnBehalfOfMaxLength;
      for (char c : *named) printable = printable && c > 0x20 && c < 0x7f;
      if (printable) who.on_behalf_of = std::string(*named);
    }
    request.on_behalf_of = who.on_behalf_of;
  } else {
    request.on_behalf_of = std::string(RoleName(who.role)) + ":" + who.subject;
  }
  return who;
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
  throw ApiError(
      ErrorKind::kForbidden, "auth.forbidden",
      std::string(action) + " is reserved to: " + allowed + " (you are " + std::string(RoleName(who.role)) + ")");
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
