#include "api/handlers.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include <boost/json.hpp>

#include "api/json.hpp"
#include "comptoir/json.hpp"
#include "comptoir/log.hpp"

namespace comptoir::customer {
namespace {

using auth::Role;
using http::Method;

constexpr std::array kRoutes{
    RouteEntry{Method::kPost, "/api/v1/auth", &Handlers::Login},
    RouteEntry{Method::kPost, "/api/v1/auth/login", &Handlers::Login},
    RouteEntry{Method::kPost, "/api/v1/auth/register", &Handlers::Register},
    RouteEntry{Method::kPost, "/api/v1/auth/refresh", &Handlers::Refresh},
    RouteEntry{Method::kPost, "/api/v1/auth/staff/login", &Handlers::StaffLogin},
    RouteEntry{Method::kGet, "/api/v1/customers", &Handlers::ListCustomers},
    RouteEntry{Method::kGet, "/api/v1/customers/me", &Handlers::GetMe},
    RouteEntry{Method::kPut, "/api/v1/customers/me", &Handlers::UpdateMe},
    RouteEntry{Method::kPost, "/api/v1/customers/me/password", &Handlers::ChangePassword},
    RouteEntry{Method::kGet, "/api/v1/customers/me/addresses", &Handlers::ListAddresses},
    RouteEntry{Method::kPost, "/api/v1/customers/me/addresses", &Handlers::CreateAddress},
    RouteEntry{Method::kGet, "/api/v1/customers/me/addresses/{id}", &Handlers::GetAddress},
    RouteEntry{Method::kPut, "/api/v1/customers/me/addresses/{id}", &Handlers::UpdateAddress},
    RouteEntry{Method::kDelete, "/api/v1/customers/me/addresses/{id}", &Handlers::DeleteAddress},
    RouteEntry{Method::kGet, "/api/v1/customers/{id}", &Handlers::GetCustomer},
    RouteEntry{Method::kGet, "/api/v1/staff", &Handlers::ListStaff},
    RouteEntry{Method::kPost, "/api/v1/staff", &Handlers::CreateStaff},
    RouteEntry{Method::kGet, "/api/v1/staff/me", &Handlers::GetStaffMe},
};

constexpr std::initializer_list<Role> kStaffRoles = {Role::kCashier, Role::kLogistics, Role::kManager, Role::kAdmin};

std::optional<std::int64_t> ParseId(std::string_view text) {
  std::int64_t value = 0;
  if (text.empty() || text.size() > 18) return std::nullopt;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1) return std::nullopt;
  return value;
}

ApiError InvalidCredentials() {
  return ApiError(ErrorKind::kUnauthorized, "auth.invalid_credentials", "email or password is wrong");
}

ApiError InvalidRefresh(std::string detail) {
  return ApiError(ErrorKind::kUnauthorized, "auth.invalid_refresh_token", std::move(detail));
}

ApiError AddressNotFound(std::string_view id) {
  return ApiError::NotFound("address.not_found", "you have no address with id " + std::string(id));
}

std::int64_t AddressId(const http::Request& request) {
  auto text = request.PathParam("id");
  auto id = ParseId(text);
  if (!id) throw AddressNotFound(text);
  return *id;
}

http::Response JsonResponse(int status, const boost::json::object& body) {
  return http::Response::Json(status, boost::json::serialize(body));
}

// ApiError carries no headers; the Retry-After of a 429 is added here.
http::Response TooManyAttempts(const http::Request& request, std::int64_t retry_after) {
  ApiError error(ErrorKind::kRateLimited, "auth.too_many_attempts",
                 "too many failed sign-ins for this account; try again in " + std::to_string(retry_after) + " s");
  http::Response response =
      http::Response::Text(error.status(), ProblemJson(error, request.request_id), "application/problem+json");
  response.headers.Set("Retry-After", std::to_string(retry_after));
  return response;
}

}  // namespace

std::span<const RouteEntry> Routes() {
  return kRoutes;
}

void AddRoutes(http::Router& router, Handlers& handlers) {
  for (const RouteEntry& route : kRoutes) {
    auto member = route.handler;
    // A plain lambda that returns the member coroutine's awaitable; it is not a coroutine itself.
    router.Add(route.method, std::string(route.pattern),
               [&handlers, member](http::Request& request) { return (handlers.*member)(request); });
  }
}

std::string Handlers::AccessToken(const auth::Principal& who) const {
  return auth::IssueToken(settings_.jwt, who, auth::NowSeconds());
}

std::int64_t Handlers::ShopperId(http::Request& request, std::string_view action) const {
  auth::Principal who = verifier_.Authenticate(request);
  auth::RequireRole(who, {Role::kCustomer}, action);
  auto id = ParseId(who.subject);
  if (!id) throw ApiError(ErrorKind::kUnauthorized, "auth.invalid_token", "the token names no account");
  return *id;
}

boost::asio::awaitable<http::Response> Handlers::Register(http::Request& request) {
  Registration registration = ParseRegistration(json::ParseBody(request.body));
  std::string hash = co_await hasher_.Hash(registration.password);
  std::string refresh = NewRefreshToken();
  Customer customer = co_await repository_.Register(registration, hash, HashRefreshToken(refresh),
                                                    settings_.jwt.refresh_ttl.count(), request.request_id);
  auth::Principal who;
  who.subject = std::to_string(customer.id);
  who.role = Role::kCustomer;
  boost::json::object body = TokenJson(AccessToken(who), settings_.jwt.access_ttl.count(), refresh);
  body["customer"] = ToJson(customer);
  http::Response response = JsonResponse(201, body);
  response.headers.Set("Location", "/api/v1/customers/me");
  co_return response;
}

boost::asio::awaitable<http::Response> Handlers::Login(http::Request& request) {
  return SignIn(request, AccountKind::kCustomer);
}

boost::asio::awaitable<http::Response> Handlers::StaffLogin(http::Request& request) {
  return SignIn(request, AccountKind::kStaff);
}

boost::asio::awaitable<http::Response> Handlers::SignIn(http::Request& request, AccountKind kind) {
  customer::SignIn input = ParseSignIn(json::ParseBody(request.body));
  FailureRecord record = co_await repository_.Failures(kind, input.email);
  if (auto wait = LockedFor(settings_.lockout, record, auth::NowSeconds())) {
    co_return TooManyAttempts(request, *wait);
  }
  std::optional<Credentials> account = co_await repository_.FindCredentials(kind, input.email);
  // An unknown email still costs one verification (of the hasher's decoy hash): the answer
  // and its time do not tell whether the account exists.
  std::string hash = account ? account->password_hash : std::string();
  bool ok = co_await hasher_.Verify(std::move(hash), input.password);
  if (!ok || !account) {
    std::int64_t failures = co_await repository_.RecordFailure(kind, input.email, settings_.lockout.window.count());
    if (failures == settings_.lockout.max_failures) {
      // The email is not logged: it may not even be an account, and logs are not the place for it.
      log::Warn("sign-in locked after repeated failures",
                {{"account_kind", AccountKindName(kind)}, {"failures", failures}, {"request_id", request.request_id}});
    }
    throw InvalidCredentials();
  }
  if (record.failures > 0) co_await repository_.ClearFailures(kind, input.email);
  std::string refresh = NewRefreshToken();
  co_await repository_.StoreRefresh(kind, account->id, HashRefreshToken(refresh), settings_.jwt.refresh_ttl.count());
  auth::Principal who;
  who.subject = std::to_string(account->id);
  who.role = account->role;
  who.location_id = account->location_id;
  co_return JsonResponse(200, TokenJson(AccessToken(who), settings_.jwt.access_ttl.count(), refresh));
}

boost::asio::awaitable<http::Response> Handlers::Refresh(http::Request& request) {
  std::string token = ParseRefreshBody(json::ParseBody(request.body));
  if (!LooksLikeRefreshToken(token)) throw InvalidRefresh("this refresh token is not valid");
  std::string next = NewRefreshToken();
  RefreshOutcome outcome = co_await repository_.RotateRefresh(HashRefreshToken(token), HashRefreshToken(next),
                                                              settings_.jwt.refresh_ttl.count(), auth::NowSeconds());
  switch (outcome.refusal) {
    case RefreshRefusal::kNone:
      break;
    case RefreshRefusal::kUnknown:
      throw InvalidRefresh("this refresh token is not valid");
    case RefreshRefusal::kReused:
    case RefreshRefusal::kRevoked:
      throw InvalidRefresh("this refresh token was already used or revoked; sign in again");
    case RefreshRefusal::kExpired:
      throw ApiError(ErrorKind::kUnauthorized, "auth.refresh_token_expired", "this refresh token has expired");
  }
  // Role and location are read again: a token always carries what the account is now.
  std::optional<Credentials> account = co_await repository_.FindCredentialsById(outcome.kind, outcome.account_id);
  if (!account) throw InvalidRefresh("the account of this refresh token no longer exists");
  auth::Principal who;
  who.subject = std::to_string(account->id);
  who.role = account->role;
  who.location_id = account->location_id;
  co_return JsonResponse(200, TokenJson(AccessToken(who), settings_.jwt.access_ttl.count(), next));
}

boost::asio::awaitable<http::Response> Handlers::GetMe(http::Request& request) {
  std::int64_t id = ShopperId(request, "read a shopper profile");
  auto customer = co_await repository_.FindCustomer(id);
  if (!customer) throw ApiError::NotFound("customer.not_found", "the account no longer exists");
  co_return JsonResponse(200, ToJson(*customer));
}

boost::asio::awaitable<http::Response> Handlers::UpdateMe(http::Request& request) {
  std::int64_t id = ShopperId(request, "change a shopper profile");
  ProfileChange change = ParseProfileChange(json::ParseBody(request.body));
  auto customer = co_await repository_.UpdateCustomer(id, change);
  if (!customer) throw ApiError::NotFound("customer.not_found", "the account no longer exists");
  co_return JsonResponse(200, ToJson(*customer));
}

boost::asio::awaitable<http::Response> Handlers::ChangePassword(http::Request& request) {
  std::int64_t id = ShopperId(request, "change a shopper password");
  PasswordChange change = ParsePasswordChange(json::ParseBody(request.body));
  auto account = co_await repository_.FindCredentialsById(AccountKind::kCustomer, id);
  std::string hash = account ? account->password_hash : std::string();
  bool ok = co_await hasher_.Verify(std::move(hash), change.current_password);
  if (!ok || !account) throw InvalidCredentials();
  std::string next = co_await hasher_.Hash(change.new_password);
  co_await repository_.SetCustomerPassword(id, next);
  co_return http::Response::Empty(204);
}

boost::asio::awaitable<http::Response> Handlers::ListAddresses(http::Request& request) {
  std::int64_t id = ShopperId(request, "read addresses");
  std::vector<Address> addresses = co_await repository_.ListAddresses(id);
  boost::json::array data;
  for (const Address& a : addresses) data.push_back(ToJson(a));
  Page page;
  page.per_page = std::max<std::int64_t>(static_cast<std::int64_t>(addresses.size()), 1);
  co_return http::Response::Json(200, ListJson(data, page, static_cast<std::int64_t>(addresses.size())));
}

boost::asio::awaitable<http::Response> Handlers::CreateAddress(http::Request& request) {
  std::int64_t id = ShopperId(request, "add an address");
  AddressInput input = ParseAddress(json::ParseBody(request.body));
  Address address = co_await repository_.CreateAddress(id, input);
  http::Response response = JsonResponse(201, ToJson(address));
  response.headers.Set("Location", "/api/v1/customers/me/addresses/" + std::to_string(address.id));
  co_return response;
}

boost::asio::awaitable<http::Response> Handlers::GetAddress(http::Request& request) {
  std::int64_t customer_id = ShopperId(request, "read an address");
  std::int64_t id = AddressId(request);
  auto address = co_await repository_.FindAddress(customer_id, id);
  if (!address) throw AddressNotFound(std::to_string(id));
  co_return JsonResponse(200, ToJson(*address));
}

boost::asio::awaitable<http::Response> Handlers::UpdateAddress(http::Request& request) {
  std::int64_t customer_id = ShopperId(request, "change an address");
  std::int64_t id = AddressId(request);
  AddressInput input = ParseAddress(json::ParseBody(request.body));
  auto address = co_await repository_.UpdateAddress(customer_id, id, input);
  if (!address) throw AddressNotFound(std::to_string(id));
  co_return JsonResponse(200, ToJson(*address));
}

boost::asio::awaitable<http::Response> Handlers::DeleteAddress(http::Request& request) {
  std::int64_t customer_id = ShopperId(request, "delete an address");
  std::int64_t id = AddressId(request);
  if (!co_await repository_.DeleteAddress(customer_id, id)) throw AddressNotFound(std::to_string(id));
  co_return http::Response::Empty(204);
}

boost::asio::awaitable<http::Response> Handlers::GetCustomer(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  auth::RequireRole(who, kStaffRoles, "read customer accounts");
  auto text = request.PathParam("id");
  auto id = ParseId(text);
  std::optional<Customer> customer;
  if (id) customer = co_await repository_.FindCustomer(*id);
  if (!customer) throw ApiError::NotFound("customer.not_found", "no customer has id " + std::string(text));
  co_return JsonResponse(200, ToJson(*customer));
}

boost::asio::awaitable<http::Response> Handlers::ListCustomers(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  auth::RequireRole(who, kStaffRoles, "search customer accounts");
  QueryParams params = request.QueryParams();
  Page page = ParsePage(params, "customer.invalid_query");
  std::optional<std::string> q;
  if (auto value = request.Query("q")) {
    std::string trimmed = Trim(*value);
    if (!json::IsCleanUtf8(trimmed) || json::Utf8Length(trimmed) > 200) {
      throw ApiError::Validation("customer.invalid_query", "invalid query parameters",
                                 {{"q", "must be text of at most 200 characters"}});
    }
    if (!trimmed.empty()) q = trimmed;
  }
  ListPage<Customer> list = co_await repository_.ListCustomers(q, page);
  boost::json::array data;
  for (const Customer& c : list.items) data.push_back(ToJson(c));
  co_return http::Response::Json(200, ListJson(data, page, list.total));
}

boost::asio::awaitable<http::Response> Handlers::ListStaff(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  auth::RequireRole(who, {Role::kManager, Role::kAdmin}, "list staff accounts");
  Page page = ParsePage(request.QueryParams(), "staff.invalid_query");
  ListPage<Staff> list = co_await repository_.ListStaff(page);
  boost::json::array data;
  for (const Staff& s : list.items) data.push_back(ToJson(s));
  co_return http::Response::Json(200, ListJson(data, page, list.total));
}

boost::asio::awaitable<http::Response> Handlers::CreateStaff(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  auth::RequireRole(who, {Role::kAdmin}, "create staff accounts");
  StaffInput input = ParseStaffInput(json::ParseBody(request.body));
  std::string hash = co_await hasher_.Hash(input.password);
  Staff staff = co_await repository_.CreateStaff(input, hash);
  co_return JsonResponse(201, ToJson(staff));
}

boost::asio::awaitable<http::Response> Handlers::GetStaffMe(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  auth::RequireRole(who, kStaffRoles, "read a staff profile");
  auto id = ParseId(who.subject);
  std::optional<Staff> staff;
  if (id) staff = co_await repository_.FindStaff(*id);
  if (!staff) throw ApiError::NotFound("staff.not_found", "the staff account no longer exists");
  co_return JsonResponse(200, ToJson(*staff));
}

}  // namespace comptoir::customer
