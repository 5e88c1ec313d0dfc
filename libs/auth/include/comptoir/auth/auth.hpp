#pragma once
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "comptoir/auth/keys.hpp"
#include "comptoir/config.hpp"
#include "comptoir/http/message.hpp"

/// Who is calling (ADR 0005, ADR 0008): EdDSA (Ed25519) JWTs signed by the customer service only and verified by
/// every service with its public key; people's roles; service identities with an audience and scopes.
namespace comptoir::auth {

/// Who a token speaks for (the `role` claim). Shoppers are "customer"; cashier, logistics, manager and admin
/// are staff; "service" is another Comptoir service calling as itself (client credentials, ADR 0008).
enum class Role { kCustomer, kCashier, kLogistics, kManager, kAdmin, kService };

std::string_view RoleName(Role role) noexcept;
std::optional<Role> ParseRole(std::string_view name) noexcept;

/// The header in which a service calling as itself names the person it acts for ("cashier:12"), for the
/// audit of the receiver (e.g. inventory's ledger). It is recorded, never used to authorise anything.
inline constexpr std::string_view kOnBehalfOfHeader = "X-Comptoir-On-Behalf-Of";

/// The authenticated caller of a request.
struct Principal {
  std::string subject;  ///< `sub`: customer or staff id as text, or the calling service's name
  Role role = Role::kCustomer;
  std::optional<std::int64_t> location_id;  ///< staff bound to a store (cashiers); absent otherwise
  std::int64_t expires_at = 0;              ///< `exp`, seconds since the epoch
  std::string audience;                     ///< `aud` of a service token: the receiving service
  std::vector<std::string> scopes;          ///< `scope` of a service token, split on spaces
  std::string on_behalf_of;                 ///< service tokens: the person named by kOnBehalfOfHeader, if any

  /// Cashier, logistics, manager or admin (never a shopper, never a service).
  [[nodiscard]] bool IsStaff() const noexcept {
    return role == Role::kCashier || role == Role::kLogistics || role == Role::kManager || role == Role::kAdmin;
  }
  [[nodiscard]] bool IsService() const noexcept { return role == Role::kService; }
  [[nodiscard]] bool HasScope(std::string_view scope) const noexcept;
};

/// Settings of the tokens, read once at start:
/// - `auth.jwt_public_key` (env COMPTOIR_AUTH_JWT_PUBLIC_KEY; PEM, `\n` escapes accepted) or
///   `auth.jwt_public_key_file`: the customer service's Ed25519 public key, required by every verifier;
/// - `auth.signing_key` (COMPTOIR_AUTH_SIGNING_KEY) or `auth.signing_key_file`: the private key, read by the
///   customer service only (LoadSigningJwtSettings);
/// - `auth.jwt_issuer` (default "comptoir": the `iss` claim, the key of the gateway's jwt_secrets),
///   `auth.access_ttl_s` (900), `auth.refresh_ttl_s` (30 days), `auth.service_token_ttl_s` (300).
/// The former HS256 `auth.jwt_secret` alone is a configuration error that says what to set instead.
struct JwtSettings {
  std::string issuer = "comptoir";
  PublicKey public_key;
  SigningKey signing_key;  ///< empty except in the customer service
  std::chrono::seconds access_ttl{900};
  std::chrono::seconds refresh_ttl{30 * 24 * 3600};
  std::chrono::seconds service_ttl{300};
};

/// Settings of a service that verifies tokens; problems are recorded in `source`.
JwtSettings LoadJwtSettings(config::Source& source);
/// Settings of the one service that signs (customer): the signing key is required, the public key derives
/// from it (and must match `auth.jwt_public_key` when that is set too).
JwtSettings LoadSigningJwtSettings(config::Source& source);

/// RFC 4648 §5 base64url without padding.
std::string Base64UrlEncode(std::string_view data);
/// RFC 4648 §4 base64 with padding (HTTP Basic credentials).
std::string Base64Encode(std::string_view data);
/// Decodes base64url or base64, with or without padding; nullopt when malformed.
std::optional<std::string> Base64UrlDecode(std::string_view text);

/// The words of a space-separated list (a `scope` claim or parameter); empty words are skipped.
std::vector<std::string> SplitScopes(std::string_view text);

/// Seconds since the epoch (system clock).
std::int64_t NowSeconds();

/// Signs a person's EdDSA JWT with `iss`, `sub`, `role`, `location_id` (when set), `iat` and
/// `exp` = now + access_ttl (Principal::expires_at is ignored). Needs settings.signing_key (std::logic_error).
std::string IssueToken(const JwtSettings& settings, const Principal& who, std::int64_t now);

/// Signs a service token: `role` "service", `sub` = `client`, `aud` = `audience`, `scope` = the scopes joined
/// by spaces, `jti`, `iat`, `exp` = now + service_ttl.
std::string IssueServiceToken(const JwtSettings& settings, std::string_view client, std::string_view audience,
                              const std::vector<std::string>& scopes, std::int64_t now);

/// Verifies a JWT for the service `audience`: structure, `alg` exactly EdDSA, the Ed25519 signature, `iss`, `exp`
/// (and `nbf` when present), a known `role`; a service token must name `audience` in `aud` and carry `scope`.
/// Throws ApiError 401 `auth.invalid_token`, `auth.token_expired` or `auth.wrong_audience`.
Principal VerifyToken(const JwtSettings& settings, std::string_view token, std::int64_t now, std::string_view audience);

/// Authenticates the requests of one service from their `Authorization: Bearer <jwt>` header.
class Verifier {
 public:
  /// `audience`: the name of the service that verifies (service tokens must be meant for it).
  Verifier(JwtSettings settings, std::string audience)
      : settings_(std::move(settings)), audience_(std::move(audience)) {}
  /// The caller; 401 `auth.missing_token` without a bearer token, or VerifyToken's errors. Records who acts in
  /// `request.on_behalf_of` ("<role>:<subject>" for a person, the kOnBehalfOfHeader of a service), which
  /// service::Peer passes on when this service calls another as itself.
  [[nodiscard]] Principal Authenticate(http::Request& request) const;
  /// The caller when a bearer token is present (and valid), nullopt when there is none.
  [[nodiscard]] std::optional<Principal> Optional(http::Request& request) const;
  [[nodiscard]] const JwtSettings& settings() const noexcept { return settings_; }
  [[nodiscard]] const std::string& audience() const noexcept { return audience_; }

 private:
  JwtSettings settings_;
  std::string audience_;
};

/// 403 `auth.forbidden` unless the caller has one of `roles`; `action` goes into the detail.
void RequireRole(const Principal& who, std::initializer_list<Role> roles, std::string_view action);

/// Staff acting at a location: cashiers only at their own store (403 `auth.wrong_location`);
/// logistics, managers and admins anywhere; shoppers and services never (403 `auth.forbidden`).
void RequireStaffAt(const Principal& who, std::int64_t location_id, std::string_view action);

/// True when the caller may see everything (manager, admin).
bool SeesEverything(const Principal& who) noexcept;

}  // namespace comptoir::auth
