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
    RouteEntry{Method::kPost, "/api/v1/auth/logout", &Handlers::Logout},
    RouteEntry{Method::kPost, "/api/v1/auth/staff/login", &Handlers::StaffLogin},
    RouteEntry{Method::kPost, "/api/v1/auth/staff/password-reset", &Handlers::UseStaffReset},
    RouteEntry{Method::kGet, "/api/v1/customers", &Handlers::ListCustomers},
    RouteEntry{Method::kGet, "/api/v1/customers/lookup", &Handlers::LookupCustomer},
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
    RouteEntry{Method::kPost, "/api/v1/staff/me/password", &Handlers::ChangeStaffPassword},
    RouteEntry{Method::kGet, "/api/v1/staff/{id}", &Handlers::GetStaff},
    RouteEntry{Method::kPatch, "/api/v1/staff/{id}", &Handlers::UpdateStaff},
    RouteEntry{Method::kPost, "/api/v1/staff/{id}/password-reset", &Handlers::IssueStaffReset},
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

ApiError AccountDisabled() {
  return ApiError(ErrorKind::kForbidden, "auth.account_disabled", "this account is disabled; ask an administrator");
}

ApiError InvalidReset() {
  return ApiError(ErrorKind::kUnauthorized, "auth.invalid_reset_token",
                  "this reset token is not valid (unknown, already used, replaced or expired)");
}

std::int64_t TargetStaffId(const http::Request& request) {
  auto text = request.PathParam("id");
  auto id = ParseId(text);
  if (!id) throw ApiError::NotFound("staff.not_found", "no staff account has id " + std::string(text));
  return *id;
}

constexpr std::initializer_list<Role> kSeesCustomers = {Role::kManager, Role::kAdmin};

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

Handlers::Handlers(Repository& repository, auth::PasswordHasher& hasher, Settings settings, metrics::Registry& registry)
    : repository_(repository),
      hasher_(hasher),
      settings_(std::move(settings)),
      verifier_(settings_.jwt, "customer"),
      verifications_(registry.AddCounter("customer_password_verifications_total",
                                         "Argon2id password verifications (sign-in and password changes)",
                                         {"account_kind"})) {}

std::string Handlers::AccessToken(const auth::Principal& who) const {
  return auth::IssueToken(settings_.jwt, who, auth::NowSeconds());
}

std::int64_t Handlers::StaffId(const auth::Principal& who) const {
  auth::RequireRole(who, kStaffRoles, "act as a staff member");
  auto id = ParseId(who.subject);
  if (!id) throw ApiError(ErrorKind::kUnauthorized, "auth.invalid_token", "the token names no account");
  return *id;
}

RefreshLifetimes Handlers::Lifetimes() const {
  return RefreshLifetimes{settings_.jwt.refresh_ttl.count(), settings_.sessions.staff_max.count(),
                          settings_.sessions.shopper_max.count()};
}

boost::asio::awaitable<std::optional<http::Response>> Handlers::CheckPassword(const http::Request& request,
                                                                              AccountKind kind,
                                                                              const std::string& email,
                                                                              std::string hash, std::string password) {
  // Counted before the slow check, in one statement: parallel guesses cannot all pass a stale count.
  AttemptRecord attempt = co_await repository_.TakeAttempt(kind, email, settings_.lockout);
  if (auto wait = RefusedFor(settings_.lockout, attempt)) co_return TooManyAttempts(request, *wait);
  verifications_.WithLabels({std::string(AccountKindName(kind))}).Inc();
  // An unknown email (empty hash) still costs one verification, of the hasher's decoy hash: the
  // answer and its time do not tell whether the account exists.
  bool ok = co_await hasher_.Verify(std::move(hash), std::move(password));
  if (!ok) {
    if (attempt.attempts == settings_.lockout.max_failures) {
      // The email is not logged: it may not even be an account, and logs are not the place for it.
      log::Warn("sign-in locked after repeated failures", {{"account_kind", AccountKindName(kind)},
                                                           {"failures", attempt.attempts},
                                                           {"request_id", request.request_id}});
    }
    throw InvalidCredentials();
  }
  co_await repository_.ClearFailures(kind, email);
  co_return std::nullopt;
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
  Customer customer =
      co_await repository_.Register(registration, hash, HashRefreshToken(refresh), Lifetimes(), request.request_id);
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
  std::optional<Credentials> account = co_await repository_.FindCredentials(kind, input.email);
  std::string hash = account ? account->password_hash : std::string();
  if (auto refused = co_await CheckPassword(request, kind, input.email, std::move(hash), std::move(input.password))) {
    co_return std::move(*refused);
  }
  if (!account) throw InvalidCredentials();  // not reached: an empty hash never verifies
  // Only someone who knows the password learns that the account is disabled.
  if (!account->active) throw AccountDisabled();
  std::string refresh = NewRefreshToken();
  co_await repository_.StoreRefresh(kind, account->id, HashRefreshToken(refresh), Lifetimes());
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
                                                              Lifetimes(), auth::NowSeconds());
  switch (outcome.refusal) {
    case RefreshRefusal::kNone:
      break;
    case RefreshRefusal::kUnknown:
      throw InvalidRefresh("this refresh token is not valid");
    case RefreshRefusal::kDisabled:
      throw AccountDisabled();
    case RefreshRefusal::kReused:
    case RefreshRefusal::kRevoked:
      throw InvalidRefresh("this refresh token was already used or revoked; sign in again");
    case RefreshRefusal::kSessionExpired:
      throw ApiError(ErrorKind::kUnauthorized, "auth.session_expired",
                     "this session has reached its maximum lifetime; sign in again");
    case RefreshRefusal::kExpired:
      throw ApiError(ErrorKind::kUnauthorized, "auth.refresh_token_expired", "this refresh token has expired");
  }
  // Role and location are read again: a token always carries what the account is now.
  std::optional<Credentials> account = co_await repository_.FindCredentialsById(outcome.kind, outcome.account_id);
  if (!account) throw InvalidRefresh("the account of this refresh token no longer exists");
  if (!account->active) throw AccountDisabled();
  auth::Principal who;
  who.subject = std::to_string(account->id);
  who.role = account->role;
  who.location_id = account->location_id;
  co_return JsonResponse(200, TokenJson(AccessToken(who), settings_.jwt.access_ttl.count(), next));
}

boost::asio::awaitable<http::Response> Handlers::Logout(http::Request& request) {
  std::string token = ParseRefreshBody(json::ParseBody(request.body));
  // As RFC 7009 revocation: the same answer whether the token was known, already revoked or not a
  // token at all (a second logout is not an error, and nobody learns which tokens exist).
  if (LooksLikeRefreshToken(token)) co_await repository_.RevokeFamily(HashRefreshToken(token));
  co_return http::Response::Empty(204);
}

boost::asio::awaitable<http::Response> Handlers::UseStaffReset(http::Request& request) {
  ResetUse input = ParseResetUse(json::ParseBody(request.body));
  if (!LooksLikeRefreshToken(input.reset_token)) throw InvalidReset();
  std::string token_hash = HashRefreshToken(input.reset_token);
  // Checked before hashing (cheap), used up after it in one conditional UPDATE (of two concurrent
  // uses, one wins).
  std::optional<ResetState> reset = co_await repository_.FindStaffReset(token_hash);
  if (!reset || reset->expired) throw InvalidReset();
  if (!reset->active) throw AccountDisabled();
  std::string hash = co_await hasher_.Hash(std::move(input.new_password));
  if (!co_await repository_.UseStaffReset(token_hash, hash)) throw InvalidReset();
  co_return http::Response::Empty(204);
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
  co_return co_await ChangeOwnPassword(request, AccountKind::kCustomer, id);
}

boost::asio::awaitable<http::Response> Handlers::ChangeOwnPassword(http::Request& request, AccountKind kind,
                                                                   std::int64_t id) {
  const bool staff = kind == AccountKind::kStaff;
  PasswordChange change =
      ParsePasswordChange(json::ParseBody(request.body), staff ? "staff.invalid" : "customer.invalid");
  auto account = co_await repository_.FindCredentialsById(kind, id);
  if (!account)
    throw ApiError::NotFound(staff ? "staff.not_found" : "customer.not_found", "the account no longer exists");
  if (!account->active) throw AccountDisabled();
  // Guesses of the current password with a stolen access token count as failed sign-ins.
  if (auto refused = co_await CheckPassword(request, kind, account->email, account->password_hash,
                                            std::move(change.current_password))) {
    co_return std::move(*refused);
  }
  std::string next = co_await hasher_.Hash(std::move(change.new_password));
  co_await repository_.SetPassword(kind, id, next);
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
  auth::RequireRole(who, kSeesCustomers, "read customer accounts");
  auto text = request.PathParam("id");
  auto id = ParseId(text);
  std::optional<Customer> customer;
  if (id) customer = co_await repository_.FindCustomer(*id);
  if (!customer) throw ApiError::NotFound("customer.not_found", "no customer has id " + std::string(text));
  co_return JsonResponse(200, ToJson(*customer));
}

boost::asio::awaitable<http::Response> Handlers::ListCustomers(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  auth::RequireRole(who, kSeesCustomers, "search customer accounts");
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

boost::asio::awaitable<http::Response> Handlers::LookupCustomer(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  auth::RequireRole(who, {Role::kCashier, Role::kManager, Role::kAdmin}, "look up a customer");
  CustomerLookup lookup = ParseCustomerLookup(request.QueryParams());
  std::vector<CustomerSummary> found = co_await repository_.LookupCustomers(lookup.email, lookup.phone);
  const char* by = lookup.email ? "email" : "phone";
  if (found.empty()) throw ApiError::NotFound("customer.not_found", std::string("no customer has this ") + by);
  if (found.size() > 1) {
    throw ApiError::Conflict("customer.lookup_ambiguous",
                             "several customers have this phone number; look them up by email");
  }
  // Who looked up whom, for the privacy record (ids only, never the email or phone typed).
  log::Info("customer looked up",
            {{"staff_id", who.subject}, {"customer_id", found[0].id}, {"by", by}, {"request_id", request.request_id}});
  co_return JsonResponse(200, ToJson(found[0]));
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
  Staff staff = co_await repository_.CreateStaff(StaffId(who), input, hash);
  co_return JsonResponse(201, ToJson(staff));
}

boost::asio::awaitable<http::Response> Handlers::GetStaffMe(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  auth::RequireRole(who, kStaffRoles, "read a staff profile");
  auto id = ParseId(who.subject);
  std::optional<Staff> staff;
  if (id) staff = co_await repository_.FindStaff(*id);
  if (!staff) throw ApiError::NotFound("staff.not_found", "the staff account no longer exists");
  if (!staff->active) throw AccountDisabled();
  co_return JsonResponse(200, ToJson(*staff));
}

boost::asio::awaitable<http::Response> Handlers::ChangeStaffPassword(http::Request& request) {
  co_return co_await ChangeOwnPassword(request, AccountKind::kStaff, StaffId(verifier_.Authenticate(request)));
}

boost::asio::awaitable<http::Response> Handlers::GetStaff(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  auth::RequireRole(who, {Role::kManager, Role::kAdmin}, "read staff accounts");
  std::int64_t id = TargetStaffId(request);
  auto staff = co_await repository_.FindStaff(id);
  if (!staff) throw ApiError::NotFound("staff.not_found", "no staff account has id " + std::to_string(id));
  co_return JsonResponse(200, ToJson(*staff));
}

boost::asio::awaitable<http::Response> Handlers::UpdateStaff(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  auth::RequireRole(who, {Role::kAdmin}, "change staff accounts");
  std::int64_t actor = StaffId(who);
  std::int64_t id = TargetStaffId(request);
  StaffChange change = ParseStaffChange(json::ParseBody(request.body));
  Staff staff = co_await repository_.UpdateStaff(actor, id, change, request.request_id);
  co_return JsonResponse(200, ToJson(staff));
}

boost::asio::awaitable<http::Response> Handlers::IssueStaffReset(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  auth::RequireRole(who, {Role::kAdmin}, "reset staff passwords");
  std::int64_t actor = StaffId(who);
  std::int64_t id = TargetStaffId(request);
  std::string token = NewRefreshToken();
  IssuedReset issued = co_await repository_.IssueStaffReset(actor, id, HashRefreshToken(token),
                                                            settings_.staff_reset_ttl.count(), request.request_id);
  boost::json::object body{{"reset_token", token}, {"expires_at", issued.expires_at}};
  http::Response response = JsonResponse(201, body);
  response.headers.Set("Cache-Control", "no-store");  // the token is shown once and must not be kept
  co_return response;
}

}  // namespace comptoir::customer
