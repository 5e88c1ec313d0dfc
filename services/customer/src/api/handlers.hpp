#pragma once
#include <span>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "comptoir/auth/auth.hpp"
#include "comptoir/auth/password.hpp"
#include "comptoir/http/message.hpp"
#include "comptoir/http/router.hpp"
#include "comptoir/metrics.hpp"
#include "storage/repository.hpp"

namespace comptoir::customer {

/// Settings of the service, read once at start (see README "Configuration").
struct Settings {
  auth::JwtSettings jwt;
  LockoutSettings lockout;
  SessionSettings sessions;
  std::chrono::seconds staff_reset_ttl{24 * 3600};  ///< how long an admin's reset token works
};

/// The HTTP face of accounts: each handler parses and validates, authenticates and authorises the
/// caller, calls the repository (and the password hasher, off the event loop) and serialises.
class Handlers {
 public:
  /// `registry` receives customer_password_verifications_total (Argon2id checks, by account kind).
  Handlers(Repository& repository, auth::PasswordHasher& hasher, Settings settings, metrics::Registry& registry);

  boost::asio::awaitable<http::Response> Register(http::Request& request);
  boost::asio::awaitable<http::Response> Login(http::Request& request);
  boost::asio::awaitable<http::Response> StaffLogin(http::Request& request);
  boost::asio::awaitable<http::Response> Refresh(http::Request& request);
  boost::asio::awaitable<http::Response> Logout(http::Request& request);
  boost::asio::awaitable<http::Response> UseStaffReset(http::Request& request);

  boost::asio::awaitable<http::Response> GetMe(http::Request& request);
  boost::asio::awaitable<http::Response> UpdateMe(http::Request& request);
  boost::asio::awaitable<http::Response> ChangePassword(http::Request& request);
  boost::asio::awaitable<http::Response> ListAddresses(http::Request& request);
  boost::asio::awaitable<http::Response> CreateAddress(http::Request& request);
  boost::asio::awaitable<http::Response> GetAddress(http::Request& request);
  boost::asio::awaitable<http::Response> UpdateAddress(http::Request& request);
  boost::asio::awaitable<http::Response> DeleteAddress(http::Request& request);
  boost::asio::awaitable<http::Response> GetCustomer(http::Request& request);
  boost::asio::awaitable<http::Response> ListCustomers(http::Request& request);
  boost::asio::awaitable<http::Response> LookupCustomer(http::Request& request);

  boost::asio::awaitable<http::Response> ListStaff(http::Request& request);
  boost::asio::awaitable<http::Response> CreateStaff(http::Request& request);
  boost::asio::awaitable<http::Response> GetStaffMe(http::Request& request);
  boost::asio::awaitable<http::Response> ChangeStaffPassword(http::Request& request);
  boost::asio::awaitable<http::Response> GetStaff(http::Request& request);
  boost::asio::awaitable<http::Response> UpdateStaff(http::Request& request);
  boost::asio::awaitable<http::Response> IssueStaffReset(http::Request& request);

 private:
  boost::asio::awaitable<http::Response> SignIn(http::Request& request, AccountKind kind);
  /// The shopper the token speaks for (403 for staff tokens).
  std::int64_t ShopperId(http::Request& request, std::string_view action) const;
  std::string AccessToken(const auth::Principal& who) const;
  /// The staff member the token speaks for (403 for shoppers).
  std::int64_t StaffId(const auth::Principal& who) const;
  [[nodiscard]] RefreshLifetimes Lifetimes() const;
  /// Takes one attempt for `email` (ADR 0012) and only then verifies `password` against `hash` on
  /// the hasher pool: the 429 answer when the attempt is refused, 401 auth.invalid_credentials thrown
  /// when the password is wrong, nullopt (and the attempts cleared) when it is right.
  /// The own password change of shoppers and staff: current password checked (and counted), the
  /// new one hashed, every refresh token of the account revoked.
  boost::asio::awaitable<http::Response> ChangeOwnPassword(http::Request& request, AccountKind kind, std::int64_t id);
  boost::asio::awaitable<std::optional<http::Response>> CheckPassword(const http::Request& request, AccountKind kind,
                                                                      const std::string& email, std::string hash,
                                                                      std::string password);

  Repository& repository_;
  auth::PasswordHasher& hasher_;
  Settings settings_;
  auth::Verifier verifier_;
  metrics::Family<metrics::Counter>& verifications_;
};

/// One line of the service's route table.
struct RouteEntry {
  http::Method method;
  std::string_view pattern;
  boost::asio::awaitable<http::Response> (Handlers::*handler)(http::Request&);
};

/// The route table of the customer service (the standard routes are added by libs/service). Used by
/// AddRoutes and by the OpenAPI coverage test.
std::span<const RouteEntry> Routes();

/// Adds every route of Routes() to `router`, bound to `handlers` (which must outlive the router).
void AddRoutes(http::Router& router, Handlers& handlers);

}  // namespace comptoir::customer
