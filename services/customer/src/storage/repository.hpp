#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "comptoir/pg/pg.hpp"
#include "domain/accounts.hpp"

namespace comptoir::customer {

/// One page of a list and the number of rows across all pages.
template <class T>
struct ListPage {
  std::vector<T> items;
  std::int64_t total = 0;
};

/// Which table an account lives in.
enum class AccountKind { kCustomer, kStaff };
std::string_view AccountKindName(AccountKind kind) noexcept;

/// What sign-in needs of an account: its id, email and hash (and, for staff, role, location and
/// whether it is enabled; shoppers are always enabled).
struct Credentials {
  std::int64_t id = 0;
  std::string email;
  std::string password_hash;
  auth::Role role = auth::Role::kCustomer;
  std::optional<std::int64_t> location_id;
  bool active = true;
};

/// How long refresh tokens live: each `ttl_s` from its issue (refreshing issues the next), and a
/// family at most the kind's absolute lifetime from the sign-in that began it (ADR 0011).
struct RefreshLifetimes {
  std::int64_t ttl_s = 0;
  std::int64_t staff_max_s = 0;
  std::int64_t shopper_max_s = 0;
  [[nodiscard]] std::int64_t SessionMax(AccountKind kind) const noexcept {
    return kind == AccountKind::kStaff ? staff_max_s : shopper_max_s;
  }
};

/// A pending admin reset, found by its token.
struct ResetState {
  std::int64_t staff_id = 0;
  bool active = false;   ///< the account is enabled
  bool expired = false;  ///< past customer.staff_reset_ttl_s
};

/// What an admin's reset gives: the token (shown once) and when it stops working.
struct IssuedReset {
  std::string expires_at;
};

/// The outcome of exchanging a refresh token.
struct RefreshOutcome {
  RefreshRefusal refusal = RefreshRefusal::kNone;
  AccountKind kind = AccountKind::kCustomer;
  std::int64_t account_id = 0;
};

Customer CustomerFromRow(const pg::Row& row);
Staff StaffFromRow(const pg::Row& row);
Address AddressFromRow(const pg::Row& row);

/// The tables of customer accounts, staff, refresh tokens, sign-in failures and addresses.
/// Database errors a client can cause become ApiErrors with stable codes (customer.email_taken, ...).
class Repository {
 public:
  explicit Repository(pg::Pool& db) : db_(db) {}

  // Shoppers.
  /// Inserts the customer and its CustomerRegistered event in one transaction, and stores the first
  /// refresh token (`refresh_hash`, a new family) in it too. 409 customer.email_taken.
  boost::asio::awaitable<Customer> Register(const Registration& registration, const std::string& password_hash,
                                            const std::string& refresh_hash, const RefreshLifetimes& lifetimes,
                                            const std::string& correlation_id);
  boost::asio::awaitable<std::optional<Credentials>> FindCredentials(AccountKind kind, const std::string& email);
  boost::asio::awaitable<std::optional<Credentials>> FindCredentialsById(AccountKind kind, std::int64_t id);
  boost::asio::awaitable<std::optional<Customer>> FindCustomer(std::int64_t id);
  /// nullopt when there is no such customer; 409 customer.email_taken.
  boost::asio::awaitable<std::optional<Customer>> UpdateCustomer(std::int64_t id, const ProfileChange& change);
  /// Sets the hash, revokes every refresh token of the account and (staff) drops a pending reset, in
  /// one transaction.
  boost::asio::awaitable<void> SetPassword(AccountKind kind, std::int64_t id, const std::string& password_hash);
  /// `q`: substring of email, first or last name (case-insensitive), or all when empty.
  boost::asio::awaitable<ListPage<Customer>> ListCustomers(const std::optional<std::string>& q, const Page& page);
  /// The shoppers with exactly this (normalised) email, or this phone number (compared by its
  /// digits, see f_phone_key); at most 2, enough to tell "one" from "several".
  boost::asio::awaitable<std::vector<CustomerSummary>> LookupCustomers(const std::optional<std::string>& email,
                                                                       const std::optional<std::string>& phone);

  // Staff.
  boost::asio::awaitable<std::optional<Staff>> FindStaff(std::int64_t id);
  boost::asio::awaitable<ListPage<Staff>> ListStaff(const Page& page);

  // Staff access (staff_access.cpp). Each change is made by `actor_id`, who must be an active admin
  // *now* (not only in their token): 403 auth.forbidden otherwise. 404 staff.not_found.
  /// Applies `change` (ApplyStaffChange's rules); disabling revokes the account's refresh tokens; a
  /// change that would leave no active admin is 409 staff.last_admin. Emits StaffChanged when
  /// something changed; the same change twice changes nothing the second time.
  /// 409 staff.email_taken.
  boost::asio::awaitable<Staff> CreateStaff(std::int64_t actor_id, const StaffInput& input,
                                            const std::string& password_hash);
  boost::asio::awaitable<Staff> UpdateStaff(std::int64_t actor_id, std::int64_t id, const StaffChange& change,
                                            const std::string& correlation_id);
  /// Replaces the password by a pending reset (`token_hash`, valid `ttl_s`): the old password stops
  /// working, the refresh tokens are revoked, an earlier pending reset is replaced. Emits StaffPasswordReset.
  boost::asio::awaitable<IssuedReset> IssueStaffReset(std::int64_t actor_id, std::int64_t id,
                                                      const std::string& token_hash, std::int64_t ttl_s,
                                                      const std::string& correlation_id);
  boost::asio::awaitable<std::optional<ResetState>> FindStaffReset(const std::string& token_hash);
  /// Sets the password chosen with a pending reset and uses the reset up; clears the sign-in attempts of
  /// the account. False when the reset is no longer pending (used, replaced, expired) or the account is disabled.
  boost::asio::awaitable<bool> UseStaffReset(const std::string& token_hash, const std::string& password_hash);

  // Refresh tokens and sign-in attempts (sessions.cpp).
  /// Stores the first token of a new family.
  boost::asio::awaitable<void> StoreRefresh(AccountKind kind, std::int64_t account_id, const std::string& hash,
                                            const RefreshLifetimes& lifetimes);
  /// Exchanges the token `hash` for `next_hash` (same family) when it may be used; a used, revoked or
  /// disabled account's token revokes its whole family instead.
  boost::asio::awaitable<RefreshOutcome> RotateRefresh(const std::string& hash, const std::string& next_hash,
                                                       const RefreshLifetimes& lifetimes, std::int64_t now);
  /// Revokes the family of the token `hash` (logout); nothing when there is no such token.
  boost::asio::awaitable<void> RevokeFamily(const std::string& hash);
  /// Takes one sign-in attempt for the email, atomically, before any verification: one statement
  /// opens or continues the window and counts the attempt (ADR 0012).
  boost::asio::awaitable<AttemptRecord> TakeAttempt(AccountKind kind, const std::string& email,
                                                    const LockoutSettings& lockout);
  boost::asio::awaitable<void> ClearFailures(AccountKind kind, const std::string& email);

  // Addresses (always of one customer: another customer's address is "not found").
  boost::asio::awaitable<std::vector<Address>> ListAddresses(std::int64_t customer_id);
  boost::asio::awaitable<std::optional<Address>> FindAddress(std::int64_t customer_id, std::int64_t id);
  boost::asio::awaitable<Address> CreateAddress(std::int64_t customer_id, const AddressInput& input);
  boost::asio::awaitable<std::optional<Address>> UpdateAddress(std::int64_t customer_id, std::int64_t id,
                                                               const AddressInput& input);
  boost::asio::awaitable<bool> DeleteAddress(std::int64_t customer_id, std::int64_t id);

 private:
  pg::Pool& db_;
};

/// Inserts the demo staff (ids 1..8) and shoppers of DESIGN §7 with their addresses; existing rows
/// (by id or email) are never touched, so a changed password survives a re-seed.
boost::asio::awaitable<void> SeedAccounts(pg::Pool& db);

}  // namespace comptoir::customer
