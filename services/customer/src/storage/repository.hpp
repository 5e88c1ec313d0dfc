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

/// What sign-in needs of an account: its id and hash (and, for staff, role and location).
struct Credentials {
  std::int64_t id = 0;
  std::string password_hash;
  auth::Role role = auth::Role::kCustomer;
  std::optional<std::int64_t> location_id;
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
                                            const std::string& refresh_hash, std::int64_t refresh_ttl_s,
                                            const std::string& correlation_id);
  boost::asio::awaitable<std::optional<Credentials>> FindCredentials(AccountKind kind, const std::string& email);
  boost::asio::awaitable<std::optional<Credentials>> FindCredentialsById(AccountKind kind, std::int64_t id);
  boost::asio::awaitable<std::optional<Customer>> FindCustomer(std::int64_t id);
  /// nullopt when there is no such customer; 409 customer.email_taken.
  boost::asio::awaitable<std::optional<Customer>> UpdateCustomer(std::int64_t id, const ProfileChange& change);
  /// Sets the hash and revokes every refresh token of the customer, in one transaction.
  boost::asio::awaitable<void> SetCustomerPassword(std::int64_t id, const std::string& password_hash);
  /// `q`: substring of email, first or last name (case-insensitive), or all when empty.
  boost::asio::awaitable<ListPage<Customer>> ListCustomers(const std::optional<std::string>& q, const Page& page);

  // Staff.
  boost::asio::awaitable<std::optional<Staff>> FindStaff(std::int64_t id);
  /// 409 staff.email_taken.
  boost::asio::awaitable<Staff> CreateStaff(const StaffInput& input, const std::string& password_hash);
  boost::asio::awaitable<ListPage<Staff>> ListStaff(const Page& page);

  // Refresh tokens and throttling.
  /// Stores a token of a new family.
  boost::asio::awaitable<void> StoreRefresh(AccountKind kind, std::int64_t account_id, const std::string& hash,
                                            std::int64_t ttl_s);
  /// Exchanges the token `hash` for `next_hash` (same family) when it may be used; a used or revoked
  /// token revokes its whole family instead.
  boost::asio::awaitable<RefreshOutcome> RotateRefresh(const std::string& hash, const std::string& next_hash,
                                                       std::int64_t ttl_s, std::int64_t now);
  boost::asio::awaitable<FailureRecord> Failures(AccountKind kind, const std::string& email);
  /// Counts one failure; returns the failures of the current window, this one included.
  boost::asio::awaitable<std::int64_t> RecordFailure(AccountKind kind, const std::string& email, std::int64_t window_s);
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
