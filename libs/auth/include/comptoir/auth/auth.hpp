#pragma once
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "comptoir/config.hpp"
#include "comptoir/http/message.hpp"

namespace comptoir::auth {

/// Who a token speaks for (the `role` claim). Shoppers are "customer"; the others are staff.
enum class Role { kCustomer, kCashier, kLogistics, kManager, kAdmin };

std::string_view RoleName(Role role) noexcept;
std::optional<Role> ParseRole(std::string_view name) noexcept;

/// The authenticated caller of a request.
struct Principal {
  std::string subject;                     ///< `sub`: customer or staff id, as text
  Role role = Role::kCustomer;
  std::optional<std::int64_t> location_id; ///< staff bound to a store (cashiers); absent otherwise
  std::int64_t expires_at = 0;             ///< `exp`, seconds since the epoch

  [[nodiscard]] bool IsStaff() const noexcept { return role != Role::kCustomer; }
};

/// Settings of the tokens every service shares: `auth.jwt_secret` (required, at least 32 bytes; env
/// COMPTOIR_AUTH_JWT_SECRET), `auth.jwt_issuer` (default "comptoir", the `iss` claim and the key of the
/// gateway's jwt_secrets), `auth.access_ttl_s` (default 900), `auth.refresh_ttl_s` (default 30 days).
struct JwtSettings {
  std::string issuer = "comptoir";
  std::string secret;
  std::chrono::seconds access_ttl{900};
  std::chrono::seconds refresh_ttl{30 * 24 * 3600};
};

/// Reads JwtSettings; problems are recorded in `source` (reported together by ThrowIfErrors).
JwtSettings LoadJwtSettings(config::Source& source);

/// RFC 4648 §5 base64url without padding.
std::string Base64UrlEncode(std::string_view data);
/// Decodes base64url with or without padding; nullopt when malformed.
std::optional<std::string> Base64UrlDecode(std::string_view text);

/// Seconds since the epoch (system clock).
std::int64_t NowSeconds();

/// Signs an HS256 JWT with `iss`, `sub`, `role`, `location_id` (when set), `iat` and
/// `exp` = now + access_ttl (Principal::expires_at is ignored).
std::string IssueToken(const JwtSettings& settings, const Principal& who, std::int64_t now);

/// Verifies an HS256 JWT: structure, `alg` HS256, signature (constant time), `iss`, `exp` (and `nbf`
/// when present), a known `role`. Throws ApiError 401 `auth.invalid_token` or `auth.token_expired`.
Principal VerifyToken(const JwtSettings& settings, std::string_view token, std::int64_t now);

/// Authenticates requests from their `Authorization: Bearer <jwt>` header.
class Verifier {
 public:
  explicit Verifier(JwtSettings settings) : settings_(std::move(settings)) {}
  /// The caller; 401 `auth.missing_token` without a bearer token, or VerifyToken's errors.
  [[nodiscard]] Principal Authenticate(const http::Request& request) const;
  /// The caller when a bearer token is present (and valid), nullopt when there is none.
  [[nodiscard]] std::optional<Principal> Optional(const http::Request& request) const;
  [[nodiscard]] const JwtSettings& settings() const noexcept { return settings_; }

 private:
  JwtSettings settings_;
};

/// 403 `auth.forbidden` unless the caller has one of `roles`; `action` goes into the detail.
void RequireRole(const Principal& who, std::initializer_list<Role> roles, std::string_view action);

/// Staff acting at a location: cashiers only at their own store (403 `auth.wrong_location`);
/// logistics, managers and admins anywhere; shoppers never (403 `auth.forbidden`).
void RequireStaffAt(const Principal& who, std::int64_t location_id, std::string_view action);

/// True when the caller may see everything (manager, admin).
bool SeesEverything(const Principal& who) noexcept;

}  // namespace comptoir::auth
