#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "comptoir/auth/auth.hpp"

namespace comptoir::customer {

inline constexpr std::size_t kPasswordMinLength = 8;    ///< characters (code points)
inline constexpr std::size_t kPasswordMaxLength = 128;  ///< characters (code points)
inline constexpr std::size_t kEmailMaxLength = 254;
inline constexpr std::size_t kNameMaxLength = 100;
inline constexpr std::int64_t kDefaultPerPage = 20;
inline constexpr std::int64_t kMaxPerPage = 100;

/// The store locations a cashier may be bound to, and the logistics centre (DESIGN §7).
inline constexpr std::int64_t kFirstStoreLocation = 1;
inline constexpr std::int64_t kLastStoreLocation = 5;
inline constexpr std::int64_t kLogisticsLocation = 6;

/// A shopper's account as the API shows it (never the password hash).
struct Customer {
  std::int64_t id = 0;
  std::string email;
  std::string first_name;
  std::string last_name;
  std::optional<std::string> phone;
  std::string created_at;
  std::string updated_at;
};

/// A staff account as the API shows it.
struct Staff {
  std::int64_t id = 0;
  std::string email;
  std::string first_name;
  std::string last_name;
  auth::Role role = auth::Role::kCashier;
  std::optional<std::int64_t> location_id;
  bool active = true;                      ///< false once an admin disabled the account
  std::optional<std::string> disabled_at;  ///< when it was disabled (RFC 3339), absent when active
  std::string created_at;
  std::string updated_at;
};

/// What the till may see of a shopper it looked up by exact email or phone (issue 12 §10): enough to
/// greet them and attach them to a sale, nothing more.
struct CustomerSummary {
  std::int64_t id = 0;
  std::string first_name;
  std::string last_name;
};

enum class AddressType { kDelivery, kBilling };
std::string_view AddressTypeName(AddressType type) noexcept;
std::optional<AddressType> ParseAddressType(std::string_view text) noexcept;

struct Address {
  std::int64_t id = 0;
  std::int64_t customer_id = 0;
  AddressType type = AddressType::kDelivery;
  std::string line1;
  std::optional<std::string> line2;
  std::string city;
  std::string province;
  std::string postal_code;
  bool is_default = false;
  std::string created_at;
  std::string updated_at;
};

/// A validated address body (POST and PUT take the whole address).
struct AddressInput {
  AddressType type = AddressType::kDelivery;
  std::string line1;
  std::optional<std::string> line2;
  std::string city;
  std::string province;     ///< upper-case 2-letter code
  std::string postal_code;  ///< "A1A 1A1"
  bool is_default = false;
};

/// A validated registration.
struct Registration {
  std::string email;  ///< normalised
  std::string password;
  std::string first_name;
  std::string last_name;
  std::optional<std::string> phone;
};

/// A validated change of the own profile; absent fields keep their value.
struct ProfileChange {
  std::optional<std::string> email;
  std::optional<std::string> first_name;
  std::optional<std::string> last_name;
  bool phone_given = false;  ///< `phone` present (null clears it)
  std::optional<std::string> phone;
};

/// A validated staff account to create.
struct StaffInput {
  std::string email;
  std::string password;
  std::string first_name;
  std::string last_name;
  auth::Role role = auth::Role::kCashier;
  std::optional<std::int64_t> location_id;
};

/// Page of a list (`page` ≥ 1, `per_page` 1..100).
struct Page {
  std::int64_t page = 1;
  std::int64_t per_page = kDefaultPerPage;
  [[nodiscard]] std::int64_t Offset() const noexcept { return (page - 1) * per_page; }
};

/// Trims spaces and lower-cases ASCII letters: the form under which emails are stored and compared.
std::string NormalizeEmail(std::string_view email);
/// Why a (normalised) email is not acceptable, or nullopt.
std::optional<std::string> EmailProblem(std::string_view email);
/// Why a password is not acceptable (8..128 characters, valid UTF-8, not only spaces), or nullopt.
std::optional<std::string> PasswordProblem(std::string_view password);
/// Why a phone number is not acceptable (7..20 of digits, spaces, + - . ( ), at least 7 digits), or nullopt.
std::optional<std::string> PhoneProblem(std::string_view phone);
/// The Canadian province or territory code in upper case, or nullopt when `text` is none of the 13.
std::optional<std::string> NormalizeProvince(std::string_view text);
/// A Canadian postal code in the form "A1A 1A1" (case, inner space or hyphen are forgiven), or
/// nullopt when it is not one (letters D F I O Q U never appear; W and Z never first).
std::optional<std::string> NormalizePostalCode(std::string_view text);
/// Trims ASCII spaces at both ends.
std::string Trim(std::string_view text);

/// Why a role and location do not go together, or nullopt: a cashier is bound to a store (1..5),
/// logistics to the centre (6), managers and admins to none. Shoppers are not staff.
std::optional<std::string> StaffLocationProblem(auth::Role role, std::optional<std::int64_t> location_id);

/// Sign-in throttling: after `max_failures` failed sign-ins for one account (an email, existing or
/// not) within `window`, sign-ins for it are refused until the window that began with the first
/// failure has passed; a successful sign-in clears the count.
struct LockoutSettings {
  std::int64_t max_failures = 5;
  std::chrono::seconds window{900};
};

/// The attempts of one email after one more was taken, atomically and before any password is
/// verified (ADR 0012): the count of the window (capped at max_failures + 1), when the window began
/// and the database's clock at that moment, all in epoch seconds.
struct AttemptRecord {
  std::int64_t attempts = 0;
  std::int64_t window_started_at = 0;
  std::int64_t now = 0;
};

/// Seconds to wait (≥ 1) when the attempt just taken is beyond the limit and must not be verified,
/// or nullopt when it may be verified.
std::optional<std::int64_t> RefusedFor(const LockoutSettings& settings, const AttemptRecord& record);

/// Absolute session lifetimes (ADR 0011): a refresh family cannot outlive the sign-in that began it
/// by more than this, however often it is refreshed.
struct SessionSettings {
  std::chrono::seconds staff_max{12 * 3600};
  std::chrono::seconds shopper_max{30 * 24 * 3600};
};

/// A fresh refresh token (also the form of a password-reset token): 32 random bytes (OpenSSL RAND_bytes), base64url
/// without padding (43 characters).
std::string NewRefreshToken();
/// True when `token` has the shape NewRefreshToken gives (43 base64url characters).
bool LooksLikeRefreshToken(std::string_view token) noexcept;
/// SHA-256 of the token, lower-case hex: what the database stores instead of the token.
std::string HashRefreshToken(std::string_view token);

/// Why a refresh token may not be used now, if it may not.
enum class RefreshRefusal { kNone, kUnknown, kDisabled, kReused, kRevoked, kSessionExpired, kExpired };

/// What the database holds about a presented refresh token (epoch seconds).
struct RefreshState {
  bool found = false;
  bool used = false;            ///< already exchanged (rotated)
  bool revoked = false;         ///< its family or account was revoked (logout, password change, disable)
  bool account_active = false;  ///< the account exists and is not disabled
  std::int64_t expires_at = 0;
  std::int64_t session_ends_at = 0;  ///< session start + the kind's absolute lifetime
};

/// The first reason, in this order: unknown, account disabled, reused, revoked, session over, expired.
RefreshRefusal CheckRefresh(const RefreshState& state, std::int64_t now) noexcept;

/// A validated change of a staff account by an admin; absent fields keep their value.
struct StaffChange {
  std::optional<auth::Role> role;
  bool location_given = false;  ///< `location_id` present (null: none)
  std::optional<std::int64_t> location_id;
  std::optional<bool> active;
};

/// What an admin may change of a staff account.
struct StaffState {
  auth::Role role = auth::Role::kCashier;
  std::optional<std::int64_t> location_id;
  bool active = true;
  bool operator==(const StaffState&) const = default;
};

/// The account after `change`, under the rules of account creation: a location not given follows a
/// new role (logistics 6, managers and admins none, a cashier keeps a store they had). Throws 400
/// `staff.invalid` when role and location do not go together, 422 `staff.cannot_change_self` when an
/// admin (`self`) disables their own account or changes their own role.
StaffState ApplyStaffChange(const StaffState& current, const StaffChange& change, bool self);

}  // namespace comptoir::customer
