// Unit tests of the customer service's rules: validation of emails, passwords, phones, provinces and
// postal codes; staff role/location pairs; lockout; refresh tokens; JSON parsing; OpenAPI coverage.
#include <algorithm>
#include <cctype>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "api/handlers.hpp"
#include "api/json.hpp"
#include "api/service_tokens.hpp"
#include "comptoir/customer/customer.hpp"
#include "comptoir/testing/openapi.hpp"
#include "domain/accounts.hpp"

namespace comptoir::customer {
namespace {

std::vector<std::string> Fields(const ApiError& error) {
  std::vector<std::string> fields;
  for (const auto& f : error.fields()) fields.push_back(f.field);
  return fields;
}

template <class F>
ApiError Refused(F&& f) {
  try {
    f();
  } catch (const ApiError& e) {
    return e;
  }
  ADD_FAILURE() << "no ApiError thrown";
  return ApiError::Internal("none", "none");
}

TEST(Email, IsNormalisedTrimmedAndLowerCase) {
  EXPECT_EQ(NormalizeEmail("  Jean.Dupont@Example.COM "), "jean.dupont@example.com");
}

TEST(Email, AcceptsOrdinaryAddresses) {
  for (const char* ok : {"a@b.ca", "jean.dupont@example.com", "x+tag@sub.domain.qc.ca", "o'neil@example.org"}) {
    EXPECT_FALSE(EmailProblem(ok)) << ok;
  }
}

TEST(Email, RefusesWhatIsNotAnAddress) {
  for (const char* bad : {"", "plain", "@example.com", "a@", "a@b", "a@@b.ca", "a b@c.ca", "a@b..ca", ".a@b.ca",
                          "a.@b.ca", "a@-b.ca", "a@b.ca.", "a..b@c.ca"}) {
    EXPECT_TRUE(EmailProblem(bad)) << bad;
  }
  EXPECT_TRUE(EmailProblem(std::string(250, 'a') + "@b.ca"));
}

TEST(Password, LengthIsCountedInCharacters) {
  EXPECT_TRUE(PasswordProblem("1234567"));
  EXPECT_FALSE(PasswordProblem("12345678"));
  EXPECT_FALSE(PasswordProblem(std::string(128, 'x')));
  EXPECT_TRUE(PasswordProblem(std::string(129, 'x')));
  EXPECT_FALSE(PasswordProblem("éééééééé"));  // 8 characters, 16 bytes
  EXPECT_TRUE(PasswordProblem("ééé"));
}

TEST(Password, RefusesBlankAndControlCharacters) {
  EXPECT_TRUE(PasswordProblem("          "));
  EXPECT_TRUE(
      PasswordProblem(std::string("abcd\x01"
                                  "efgh")));
  EXPECT_TRUE(
      PasswordProblem("\xff\xfe"
                      "abcdefgh"));
}

TEST(Phone, Rules) {
  EXPECT_FALSE(PhoneProblem("514-555-0101"));
  EXPECT_FALSE(PhoneProblem("+1 (514) 555.0101"));
  EXPECT_TRUE(PhoneProblem("555"));
  EXPECT_TRUE(PhoneProblem("514-555-01O1"));
  EXPECT_TRUE(PhoneProblem("+() -.+() -."));
}

TEST(Province, AllThirteenCodesAndOnlyThem) {
  for (const char* code : {"AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"}) {
    EXPECT_EQ(NormalizeProvince(code), std::string(code));
  }
  EXPECT_EQ(NormalizeProvince(" qc "), "QC");
  for (const char* bad : {"", "Q", "QUE", "PQ", "XX", "Québec", "NY"}) EXPECT_FALSE(NormalizeProvince(bad)) << bad;
}

TEST(PostalCode, IsNormalisedToA1A1A1) {
  EXPECT_EQ(NormalizePostalCode("H2X 3K8"), "H2X 3K8");
  EXPECT_EQ(NormalizePostalCode("h2x3k8"), "H2X 3K8");
  EXPECT_EQ(NormalizePostalCode(" h2x-3k8 "), "H2X 3K8");
}

TEST(PostalCode, RefusesOtherShapesAndLetters) {
  for (const char* bad : {"", "H2X", "H2X 3K", "H2X 3K88", "12345", "90210-1234", "HH2 3K8", "H2X  3K8", "H 2X3K8",
                          "D2X 3K8", "H2O 3K8", "W2X 3K8", "Z2X 3K8", "H2X 3U8", "H2X 3K8 1"}) {
    EXPECT_FALSE(NormalizePostalCode(bad)) << bad;
  }
  EXPECT_EQ(NormalizePostalCode("H2W 3K8"), "H2W 3K8");  // W is fine after the first position
}

TEST(StaffLocation, CashierNeedsAStore) {
  using auth::Role;
  EXPECT_TRUE(StaffLocationProblem(Role::kCashier, std::nullopt));
  EXPECT_TRUE(StaffLocationProblem(Role::kCashier, 6));
  EXPECT_TRUE(StaffLocationProblem(Role::kCashier, 7));
  EXPECT_FALSE(StaffLocationProblem(Role::kCashier, 1));
  EXPECT_FALSE(StaffLocationProblem(Role::kCashier, 5));
  EXPECT_FALSE(StaffLocationProblem(Role::kLogistics, std::nullopt));
  EXPECT_FALSE(StaffLocationProblem(Role::kLogistics, 6));
  EXPECT_TRUE(StaffLocationProblem(Role::kLogistics, 4));
  EXPECT_FALSE(StaffLocationProblem(Role::kManager, std::nullopt));
  EXPECT_TRUE(StaffLocationProblem(Role::kManager, 7));
  EXPECT_TRUE(StaffLocationProblem(Role::kAdmin, 1));
  EXPECT_TRUE(StaffLocationProblem(Role::kCustomer, std::nullopt));
}

TEST(Lockout, AttemptsBeyondTheLimitAreRefusedUntilTheWindowEnds) {
  LockoutSettings settings;  // 5 in 900 s
  const std::int64_t start = 1'000'000;
  // The record is the one after this attempt was taken: the 5th is still checked, the 6th is not.
  EXPECT_FALSE(RefusedFor(settings, {1, start, start}));
  EXPECT_FALSE(RefusedFor(settings, {5, start, start + 10}));
  EXPECT_EQ(RefusedFor(settings, {6, start, start + 10}), 890);
  EXPECT_EQ(RefusedFor(settings, {6, start, start + 899}), 1);
  // Rounding of the two clocks to seconds never gives "retry in 0 s".
  EXPECT_EQ(RefusedFor(settings, {6, start, start + 900}), 1);
  LockoutSettings strict{.max_failures = 2, .window = std::chrono::seconds(60)};
  EXPECT_FALSE(RefusedFor(strict, {2, start, start}));
  EXPECT_EQ(RefusedFor(strict, {3, start, start}), 60);
}

TEST(RefreshToken, IsRandom32BytesBase64Url) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    std::string token = NewRefreshToken();
    EXPECT_TRUE(LooksLikeRefreshToken(token)) << token;
    EXPECT_EQ(auth::Base64UrlDecode(token)->size(), 32U);
    seen.insert(token);
  }
  EXPECT_EQ(seen.size(), 100U);
  EXPECT_FALSE(LooksLikeRefreshToken(""));
  EXPECT_FALSE(LooksLikeRefreshToken(std::string(43, '=')));
  EXPECT_FALSE(LooksLikeRefreshToken(std::string(44, 'a')));
}

TEST(RefreshToken, IsStoredAsSha256Hex) {
  // SHA-256("abc") from FIPS 180-2.
  EXPECT_EQ(HashRefreshToken("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  std::string token = NewRefreshToken();
  EXPECT_EQ(HashRefreshToken(token), HashRefreshToken(token));
  EXPECT_NE(HashRefreshToken(token), token);
}

TEST(RefreshToken, UseRules) {
  const std::int64_t now = 1'000'000;
  const RefreshState ok{.found = true, .account_active = true, .expires_at = now + 10, .session_ends_at = now + 100};
  auto with = [&](auto change) {
    RefreshState state = ok;
    change(state);
    return CheckRefresh(state, now);
  };
  EXPECT_EQ(CheckRefresh(ok, now), RefreshRefusal::kNone);
  EXPECT_EQ(with([](RefreshState& s) { s.found = false; }), RefreshRefusal::kUnknown);
  EXPECT_EQ(with([](RefreshState& s) { s.used = true; }), RefreshRefusal::kReused);
  EXPECT_EQ(with([](RefreshState& s) { s.used = s.revoked = true; }), RefreshRefusal::kReused);
  EXPECT_EQ(with([](RefreshState& s) { s.revoked = true; }), RefreshRefusal::kRevoked);
  EXPECT_EQ(with([&](RefreshState& s) { s.expires_at = now; }), RefreshRefusal::kExpired);
  EXPECT_EQ(with([&](RefreshState& s) { s.session_ends_at = now; }), RefreshRefusal::kSessionExpired);
  // A disabled account comes first: its holder learns why, whatever else is wrong with the token.
  EXPECT_EQ(with([&](RefreshState& s) {
              s.account_active = false;
              s.revoked = true;
            }),
            RefreshRefusal::kDisabled);
}

TEST(StaffChange, FollowsTheCreationRules) {
  using auth::Role;
  const StaffState cashier{.role = Role::kCashier, .location_id = 3, .active = true};
  auto apply = [](const StaffState& from, const char* body, bool self = false) {
    return ApplyStaffChange(from, ParseStaffChange(boost::json::parse(body)), self);
  };
  EXPECT_EQ(apply(cashier, R"({"location_id": 5})").location_id, 5);
  EXPECT_EQ(apply(cashier, R"({"role": "manager"})"), (StaffState{Role::kManager, std::nullopt, true}));
  EXPECT_EQ(apply(cashier, R"({"role": "logistics"})").location_id, 6);
  EXPECT_EQ(apply(cashier, R"({"role": "cashier"})").location_id, 3) << "the same role keeps the store";
  EXPECT_EQ(apply(cashier, R"({"active": false})"), (StaffState{Role::kCashier, 3, false}));
  const StaffState manager{.role = Role::kManager, .location_id = std::nullopt, .active = true};
  EXPECT_EQ(apply(manager, R"({"role": "cashier", "location_id": 1})").location_id, 1);
  for (const char* bad : {R"({"location_id": 6})", R"({"location_id": null, "role": "cashier"})"}) {
    ApiError e = Refused([&] { apply(cashier, bad); });
    EXPECT_EQ(e.code(), "staff.invalid") << bad;
    EXPECT_EQ(Fields(e), std::vector<std::string>{"location_id"}) << bad;
  }
  ApiError no_store = Refused([&] { apply(manager, R"({"role": "cashier"})"); });
  EXPECT_EQ(no_store.code(), "staff.invalid");
  ApiError logistics_store = Refused([&] { apply(manager, R"({"role": "logistics", "location_id": 2})"); });
  EXPECT_EQ(logistics_store.code(), "staff.invalid");

  const StaffState admin{.role = Role::kAdmin, .location_id = std::nullopt, .active = true};
  for (const char* self : {R"({"active": false})", R"({"role": "manager"})"}) {
    ApiError e = Refused([&] { apply(admin, self, true); });
    EXPECT_EQ(e.code(), "staff.cannot_change_self") << self;
    EXPECT_EQ(e.status(), 422);
  }
  EXPECT_EQ(apply(admin, R"({"active": true, "role": "admin"})", true), admin) << "no change is allowed";
  EXPECT_EQ(apply(admin, R"({"role": "manager"})", false).role, Role::kManager);
}

TEST(Json, StaffChangeNamesBadFields) {
  ApiError empty = Refused([] { ParseStaffChange(boost::json::parse("{}")); });
  EXPECT_EQ(empty.code(), "staff.invalid");
  ApiError bad = Refused([] {
    ParseStaffChange(boost::json::parse(R"({"role": "customer", "active": null, "location_id": "x", "email": "a"})"));
  });
  EXPECT_EQ(bad.code(), "staff.invalid");
  auto fields = Fields(bad);
  for (const char* f : {"role", "active", "location_id", "email"}) {
    EXPECT_NE(std::find(fields.begin(), fields.end(), f), fields.end()) << f;
  }
  StaffChange clear = ParseStaffChange(boost::json::parse(R"({"location_id": null})"));
  EXPECT_TRUE(clear.location_given);
  EXPECT_FALSE(clear.location_id);
}

TEST(Json, LookupTakesExactlyOneOfEmailAndPhone) {
  CustomerLookup by_email = ParseCustomerLookup({{"email", " Jean.Dupont@Example.com "}});
  EXPECT_EQ(by_email.email, "jean.dupont@example.com");
  EXPECT_FALSE(by_email.phone);
  EXPECT_EQ(ParseCustomerLookup({{"phone", " (514) 555-0101 "}}).phone, "(514) 555-0101");
  for (const QueryParams& bad : std::vector<QueryParams>{{},
                                                         {{"email", "a@b.ca"}, {"phone", "5145550101"}},
                                                         {{"email", "dupont"}},
                                                         {{"phone", "55"}},
                                                         {{"q", "dupont"}}}) {
    ApiError e = Refused([&] { ParseCustomerLookup(bad); });
    EXPECT_EQ(e.code(), "customer.invalid_query");
  }
}

TEST(Json, ResetUseNeedsTokenAndAGoodPassword) {
  ApiError e = Refused([] { ParseResetUse(boost::json::parse(R"({"new_password": "short"})")); });
  EXPECT_EQ(e.code(), "auth.invalid");
  auto fields = Fields(e);
  EXPECT_NE(std::find(fields.begin(), fields.end(), "reset_token"), fields.end());
  EXPECT_NE(std::find(fields.begin(), fields.end(), "new_password"), fields.end());
}

TEST(Json, RegistrationNamesEveryBadField) {
  auto body = boost::json::parse(R"({"email": "nope", "password": "short", "first_name": "  ", "phone": "12"})");
  ApiError e = Refused([&] { ParseRegistration(body); });
  EXPECT_EQ(e.code(), "customer.invalid");
  EXPECT_EQ(e.status(), 400);
  auto fields = Fields(e);
  for (const char* f : {"email", "password", "first_name", "last_name", "phone"}) {
    EXPECT_NE(std::find(fields.begin(), fields.end(), f), fields.end()) << f;
  }
}

TEST(Json, RegistrationIsNormalised) {
  auto body = boost::json::parse(
      R"({"email": " Jean@Example.com ", "password": "secret-password", "first_name": " Jean ", "last_name": "Dupont"})");
  Registration r = ParseRegistration(body);
  EXPECT_EQ(r.email, "jean@example.com");
  EXPECT_EQ(r.first_name, "Jean");
  EXPECT_FALSE(r.phone);
}

TEST(Json, AddressIsValidatedAndNormalised) {
  AddressInput a = ParseAddress(boost::json::parse(
      R"({"type": "billing", "line1": " 1 rue X ", "city": "Montréal", "province": "qc", "postal_code": "h2x3k8"})"));
  EXPECT_EQ(a.type, AddressType::kBilling);
  EXPECT_EQ(a.line1, "1 rue X");
  EXPECT_EQ(a.province, "QC");
  EXPECT_EQ(a.postal_code, "H2X 3K8");
  EXPECT_FALSE(a.is_default);
  ApiError e = Refused([] {
    ParseAddress(boost::json::parse(R"({"type": "home", "province": "XX", "postal_code": "90210", "colour": 1})"));
  });
  EXPECT_EQ(e.code(), "address.invalid");
  auto fields = Fields(e);
  for (const char* f : {"type", "line1", "city", "province", "postal_code", "colour"}) {
    EXPECT_NE(std::find(fields.begin(), fields.end(), f), fields.end()) << f;
  }
}

TEST(Json, StaffInputChecksRoleAndLocation) {
  ApiError e = Refused([] {
    ParseStaffInput(boost::json::parse(
        R"({"email": "c@comptoir.local", "password": "long-enough", "first_name": "C", "last_name": "D", "role": "cashier"})"));
  });
  EXPECT_EQ(e.code(), "staff.invalid");
  EXPECT_EQ(Fields(e), std::vector<std::string>{"location_id"});
  StaffInput logistics = ParseStaffInput(boost::json::parse(
      R"({"email": "l@comptoir.local", "password": "long-enough", "first_name": "L", "last_name": "D", "role": "logistics"})"));
  EXPECT_EQ(logistics.location_id, 6);
  ApiError customer = Refused([] {
    ParseStaffInput(boost::json::parse(
        R"({"email": "x@comptoir.local", "password": "long-enough", "first_name": "X", "last_name": "D", "role": "customer"})"));
  });
  EXPECT_EQ(Fields(customer), std::vector<std::string>{"role"});
}

TEST(Json, PageLimits) {
  EXPECT_EQ(ParsePage({{"page", "2"}, {"per_page", "100"}}, "x").Offset(), 100);
  ApiError e = Refused([] { ParsePage({{"page", "0"}, {"per_page", "101"}}, "customer.invalid_query"); });
  EXPECT_EQ(e.code(), "customer.invalid_query");
  EXPECT_EQ(Fields(e), (std::vector<std::string>{"page", "per_page"}));
}

TEST(OpenApi, DocumentsEveryRouteAndNothingElse) {
  auto routes = testing::ServedRoutes(Routes());
  for (const auto& internal : testing::ServedRoutes(ServiceTokenRoutes())) routes.push_back(internal);
  EXPECT_EQ(testing::OpenApiProblems(Definition().openapi, routes), std::vector<std::string>{});
}

}  // namespace
}  // namespace comptoir::customer
