#include "domain/accounts.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "comptoir/error.hpp"
#include "comptoir/json.hpp"

namespace comptoir::customer {
namespace {

bool IsAsciiAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
char Upper(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}
char Lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// Characters allowed in the local part of an address (RFC 5322 atext and dots); quoted local parts
// are refused on purpose: nobody types them in a shop.
bool IsLocalChar(char c) {
  if (IsAsciiAlpha(c) || IsDigit(c)) return true;
  static constexpr std::string_view kSpecials = "!#$%&'*+-/=?^_`{|}~.";
  return kSpecials.find(c) != std::string_view::npos;
}

bool IsDomainLabel(std::string_view label) {
  if (label.empty() || label.size() > 63) return false;
  if (label.front() == '-' || label.back() == '-') return false;
  return std::all_of(label.begin(), label.end(), [](char c) { return IsAsciiAlpha(c) || IsDigit(c) || c == '-'; });
}

constexpr std::array<std::string_view, 13> kProvinces{"AB", "BC", "MB", "NB", "NL", "NS", "NT",
                                                      "NU", "ON", "PE", "QC", "SK", "YT"};

// Letters Canada Post never uses in postal codes; the first letter is also never W or Z.
bool IsPostalLetter(char c, bool first) {
  if (c < 'A' || c > 'Z') return false;
  static constexpr std::string_view kNever = "DFIOQU";
  if (kNever.find(c) != std::string_view::npos) return false;
  return !(first && (c == 'W' || c == 'Z'));
}

}  // namespace

std::string_view AddressTypeName(AddressType type) noexcept {
  return type == AddressType::kBilling ? "billing" : "delivery";
}

std::optional<AddressType> ParseAddressType(std::string_view text) noexcept {
  if (text == "delivery") return AddressType::kDelivery;
  if (text == "billing") return AddressType::kBilling;
  return std::nullopt;
}

std::string Trim(std::string_view text) {
  auto begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  auto end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

std::string NormalizeEmail(std::string_view email) {
  std::string out = Trim(email);
  std::transform(out.begin(), out.end(), out.begin(), Lower);
  return out;
}

std::optional<std::string> EmailProblem(std::string_view email) {
  if (email.empty()) return "must not be empty";
  if (email.size() > kEmailMaxLength) return "must be at most 254 characters";
  auto at = email.find('@');
  if (at == std::string_view::npos || email.find('@', at + 1) != std::string_view::npos) {
    return "must be an email address (one @)";
  }
  std::string_view local = email.substr(0, at);
  std::string_view domain = email.substr(at + 1);
  if (local.empty() || local.size() > 64 || local.front() == '.' || local.back() == '.' ||
      local.find("..") != std::string_view::npos || !std::all_of(local.begin(), local.end(), IsLocalChar)) {
    return "must be an email address (invalid part before @)";
  }
  if (domain.find('.') == std::string_view::npos) return "must be an email address (domain without a dot)";
  std::size_t start = 0;
  while (start <= domain.size()) {
    auto dot = domain.find('.', start);
    std::string_view label = domain.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (!IsDomainLabel(label)) return "must be an email address (invalid domain)";
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return std::nullopt;
}

std::optional<std::string> PasswordProblem(std::string_view password) {
  if (!json::IsCleanUtf8(password)) return "must be valid UTF-8 text without control characters";
  std::size_t length = json::Utf8Length(password);
  if (length < kPasswordMinLength) return "must be at least 8 characters";
  if (length > kPasswordMaxLength) return "must be at most 128 characters";
  if (Trim(password).empty()) return "must not be only spaces";
  return std::nullopt;
}

std::optional<std::string> PhoneProblem(std::string_view phone) {
  if (phone.size() < 7 || phone.size() > 20) return "must be 7 to 20 characters";
  std::size_t digits = 0;
  for (char c : phone) {
    if (IsDigit(c)) {
      ++digits;
    } else if (std::string_view(" +-.()").find(c) == std::string_view::npos) {
      return "may hold only digits, spaces and + - . ( )";
    }
  }
  if (digits < 7) return "must have at least 7 digits";
  return std::nullopt;
}

std::optional<std::string> NormalizeProvince(std::string_view text) {
  std::string code = Trim(text);
  std::transform(code.begin(), code.end(), code.begin(), Upper);
  if (std::find(kProvinces.begin(), kProvinces.end(), code) == kProvinces.end()) return std::nullopt;
  return code;
}

std::optional<std::string> NormalizePostalCode(std::string_view text) {
  std::string compact;
  for (char c : Trim(text)) {
    if (c == ' ' || c == '-') continue;
    compact.push_back(Upper(c));
  }
  if (compact.size() != 6) return std::nullopt;
  for (std::size_t i = 0; i < 6; ++i) {
    bool ok = i % 2 == 0 ? IsPostalLetter(compact[i], i == 0) : IsDigit(compact[i]);
    if (!ok) return std::nullopt;
  }
  // Only one separator, between the two halves, is forgiven ("H2X3K8", "h2x 3k8", "H2X-3K8").
  std::string trimmed = Trim(text);
  if (trimmed.size() == 7 && trimmed[3] != ' ' && trimmed[3] != '-') return std::nullopt;
  if (trimmed.size() != 6 && trimmed.size() != 7) return std::nullopt;
  return compact.substr(0, 3) + " " + compact.substr(3);
}

std::optional<std::string> StaffLocationProblem(auth::Role role, std::optional<std::int64_t> location_id) {
  switch (role) {
    case auth::Role::kCashier:
      if (!location_id) return "a cashier must be bound to a store (location_id 1 to 5)";
      if (*location_id < kFirstStoreLocation || *location_id > kLastStoreLocation) {
        return "a cashier's location must be a store (1 to 5)";
      }
      return std::nullopt;
    case auth::Role::kLogistics:
      if (location_id && *location_id != kLogisticsLocation) return "logistics staff work at the logistics centre (6)";
      return std::nullopt;
    case auth::Role::kManager:
    case auth::Role::kAdmin:
      if (location_id) return "managers and admins are not bound to a location";
      return std::nullopt;
    case auth::Role::kCustomer:
      return "staff role must be cashier, logistics, manager or admin";
  }
  return "unknown role";
}

std::optional<std::int64_t> RefusedFor(const LockoutSettings& settings, const AttemptRecord& record) {
  if (record.attempts <= settings.max_failures) return std::nullopt;
  std::int64_t until = record.window_started_at + settings.window.count();
  // The database opened a new window if the old one had passed, so `until` is ahead of `now`;
  // the floor of 1 s covers the rounding of both to seconds.
  return std::max<std::int64_t>(until - record.now, 1);
}

std::string NewRefreshToken() {
  std::array<unsigned char, 32> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    throw ApiError::Internal("auth.random_failure", "no random bytes for a refresh token");
  }
  return auth::Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

bool LooksLikeRefreshToken(std::string_view token) noexcept {
  if (token.size() != 43) return false;
  return std::all_of(token.begin(), token.end(),
                     [](char c) { return IsAsciiAlpha(c) || IsDigit(c) || c == '-' || c == '_'; });
}

std::string HashRefreshToken(std::string_view token) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(token.data(), token.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1) {
    throw ApiError::Internal("auth.digest_failure", "SHA-256 failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(static_cast<std::size_t>(length) * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0x0f]);
  }
  return hex;
}

RefreshRefusal CheckRefresh(const RefreshState& state, std::int64_t now) noexcept {
  if (!state.found) return RefreshRefusal::kUnknown;
  if (!state.account_active) return RefreshRefusal::kDisabled;
  if (state.used) return RefreshRefusal::kReused;
  if (state.revoked) return RefreshRefusal::kRevoked;
  if (state.session_ends_at <= now) return RefreshRefusal::kSessionExpired;
  if (state.expires_at <= now) return RefreshRefusal::kExpired;
  return RefreshRefusal::kNone;
}

StaffState ApplyStaffChange(const StaffState& current, const StaffChange& change, bool self) {
  if (self && change.active == false) {
    throw ApiError(ErrorKind::kUnprocessable, "staff.cannot_change_self",
                   "an admin cannot disable their own account; another admin must do it");
  }
  if (self && change.role && *change.role != current.role) {
    throw ApiError(ErrorKind::kUnprocessable, "staff.cannot_change_self",
                   "an admin cannot change their own role; another admin must do it");
  }
  StaffState next = current;
  if (change.active) next.active = *change.active;
  if (change.role) next.role = *change.role;
  if (change.location_given) {
    next.location_id = change.location_id;
  } else if (change.role && *change.role != current.role) {
    // The location follows the new role unless one was given (a cashier keeps a store they had).
    bool keeps_store = next.role == auth::Role::kCashier && current.location_id &&
                       *current.location_id >= kFirstStoreLocation && *current.location_id <= kLastStoreLocation;
    if (!keeps_store) next.location_id.reset();
  }
  if (next.role == auth::Role::kLogistics && !next.location_id) next.location_id = kLogisticsLocation;
  if (auto problem = StaffLocationProblem(next.role, next.location_id)) {
    throw ApiError::Validation("staff.invalid", "this role and location do not go together",
                               {{"location_id", *problem}});
  }
  return next;
}

}  // namespace comptoir::customer
