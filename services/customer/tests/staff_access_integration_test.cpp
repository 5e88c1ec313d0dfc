// Integration test of staff access and session limits (issue 12 §5, §6, §10): the real customer
// service behind the gateway (testing::Platform), a fresh PostgreSQL database, over real HTTP —
// tried as the people who would try: another staff member, a disabled cashier, a thief with an old
// refresh token, fifty parallel guesses, the same request twice.
#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "comptoir/auth/auth.hpp"
#include "comptoir/testing/http.hpp"
#include "comptoir/testing/pg.hpp"
#include "comptoir/testing/platform.hpp"
#include "customer_test_support.hpp"

namespace comptoir::customer {
namespace {

using testing::HttpResult;
namespace json = boost::json;

constexpr const char* kStaffPassword = "staff-password-1";

std::string TokenBody(const std::string& token) {
  return json::serialize(json::object{{"refresh_token", token}});
}

std::string SignInBody(const std::string& email, const std::string& password) {
  return json::serialize(json::object{{"email", email}, {"password", password}});
}

// The value of one series in a Prometheus text answer (0 when the series is not there yet).
double Sample(const std::string& metrics, const std::string& series) {
  std::istringstream lines(metrics);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with(series + " ")) return std::stod(line.substr(series.size() + 1));
  }
  return 0;
}

class StaffAccess : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    platform_ = new testing::Platform({.services = {"customer"}, .name = "customer_access_it"});
  }
  static void TearDownTestSuite() {
    delete platform_;
    platform_ = nullptr;
  }

  static HttpResult Call(const std::string& method, const std::string& target, const std::string& body = {},
                         const std::string& bearer = {}) {
    return platform_->Call(method, target, body, bearer);
  }
  // Straight to the service, past the gateway (its rate limits are not what is tested here).
  static HttpResult Direct(const std::string& method, const std::string& target, const std::string& body = {}) {
    return testing::Http(static_cast<std::uint16_t>(platform_->Port("customer")), method, target, body);
  }
  static std::string Sql(const std::string& query) {
    return testing::QueryValue(platform_->Conninfo("customer"), query);
  }

  static HttpResult StaffLogin(const std::string& email, const std::string& password) {
    return Call("POST", "/api/v1/auth/staff/login", SignInBody(email, password));
  }
  static json::value SignedIn(const std::string& email, const std::string& password = kStaffPassword) {
    HttpResult r = StaffLogin(email, password);
    EXPECT_EQ(r.status, 200) << email << ": " << r.body;
    return Json(r);
  }
  static std::string Token(const std::string& email, const std::string& password = kDemoPassword) {
    return Str(SignedIn(email, password), "access_token");
  }
  static std::string Admin() { return Token("admin@comptoir.local"); }
  static HttpResult Refresh(const std::string& token) { return Call("POST", "/api/v1/auth/refresh", TokenBody(token)); }
  static HttpResult Patch(std::int64_t id, const std::string& body, const std::string& token) {
    return Call("PATCH", "/api/v1/staff/" + std::to_string(id), body, token);
  }

  // A fresh staff account made by the demo admin (the demo accounts stay as other tests expect them).
  static std::int64_t NewStaff(const std::string& email, const std::string& role, std::optional<int> location) {
    json::object body{{"email", email},
                      {"password", kStaffPassword},
                      {"first_name", "Test"},
                      {"last_name", "Personnel"},
                      {"role", role}};
    if (location) body["location_id"] = *location;
    HttpResult r = Call("POST", "/api/v1/staff", json::serialize(body), Admin());
    EXPECT_EQ(r.status, 201) << r.body;
    return Json(r).at("id").as_int64();
  }

  static auth::Principal Decode(const std::string& token) {
    return auth::VerifyToken(platform_->Jwt(), token, auth::NowSeconds(), "customer");
  }

  static testing::Platform* platform_;
};

testing::Platform* StaffAccess::platform_ = nullptr;

TEST_F(StaffAccess, OnlyAnAdminDisablesAndADisabledCashierIsRefusedAtOnce) {
  std::int64_t id = NewStaff("disable.me@comptoir.local", "cashier", 2);
  json::value session = SignedIn("disable.me@comptoir.local");
  std::string access = Str(session, "access_token");
  std::string refresh = Str(session, "refresh_token");

  // Another staff member (manager, cashier, logistics, the cashier themself) may not disable anyone.
  for (const char* email : {"manager@comptoir.local", "cashier.plateau@comptoir.local", "logistics@comptoir.local"}) {
    HttpResult r = Patch(id, R"({"active": false})", Token(email));
    EXPECT_EQ(r.status, 403) << email;
    EXPECT_EQ(Code(r), "auth.forbidden") << email;
  }
  EXPECT_EQ(Patch(id, R"({"active": false})", access).status, 403);
  EXPECT_EQ(Patch(id, R"({"active": false})", "").status, 401) << "no token: the gateway refuses";
  EXPECT_EQ(Sql("SELECT disabled_at IS NULL FROM staff WHERE id = " + std::to_string(id)), "t") << "nothing changed";

  std::string admin = Admin();
  HttpResult disabled = Patch(id, R"({"active": false})", admin);
  ASSERT_EQ(disabled.status, 200) << disabled.body;
  EXPECT_FALSE(Json(disabled).at("active").as_bool());
  std::string disabled_at = Str(Json(disabled), "disabled_at");
  // The same request twice: the same answer, the first disable time kept, one event.
  HttpResult again = Patch(id, R"({"active": false})", admin);
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(Str(Json(again), "disabled_at"), disabled_at);
  EXPECT_EQ(Sql("SELECT count(*) FROM outbox WHERE type = 'StaffChanged' AND aggregate_id = '" + std::to_string(id) +
                "' AND payload->'data'->>'active' = 'false'"),
            "1");

  // Sign-in: refused with the right password (and the wrong one stays a plain 401).
  HttpResult login = StaffLogin("disable.me@comptoir.local", kStaffPassword);
  EXPECT_EQ(login.status, 403);
  EXPECT_EQ(Code(login), "auth.account_disabled");
  EXPECT_EQ(Code(StaffLogin("disable.me@comptoir.local", "not-the-password")), "auth.invalid_credentials");
  // Refresh: refused; the token issued before the disable is dead.
  HttpResult refreshed = Refresh(refresh);
  EXPECT_EQ(refreshed.status, 403);
  EXPECT_EQ(Code(refreshed), "auth.account_disabled");
  HttpResult me = Call("GET", "/api/v1/staff/me", {}, access);
  EXPECT_EQ(me.status, 403);
  EXPECT_EQ(Code(me), "auth.account_disabled");
  EXPECT_EQ(Sql("SELECT count(*) FROM refresh_tokens WHERE account_kind = 'staff' AND revoked_at IS NULL"
                " AND account_id = " +
                std::to_string(id)),
            "0");

  // Re-enabled: signs in again; the old session stays over.
  HttpResult enabled = Patch(id, R"({"active": true})", admin);
  ASSERT_EQ(enabled.status, 200);
  EXPECT_TRUE(Json(enabled).at("active").as_bool());
  EXPECT_TRUE(Json(enabled).at("disabled_at").is_null());
  EXPECT_EQ(StaffLogin("disable.me@comptoir.local", kStaffPassword).status, 200);
  EXPECT_EQ(Code(Refresh(refresh)), "auth.invalid_refresh_token");
}

TEST_F(StaffAccess, ARefreshTokenTheDisableDidNotRevokeIsStillRefused) {
  // A refresh that raced with the disable may have issued a token the revocation could not see;
  // refresh checks the account itself (simulated: the revocation undone in the database).
  std::int64_t id = NewStaff("race.disable@comptoir.local", "cashier", 3);
  std::string refresh = Str(SignedIn("race.disable@comptoir.local"), "refresh_token");
  ASSERT_EQ(Patch(id, R"({"active": false})", Admin()).status, 200);
  testing::RunSql(platform_->Conninfo("customer"),
                  "UPDATE refresh_tokens SET revoked_at = NULL WHERE account_kind = 'staff' AND account_id = " +
                      std::to_string(id));
  HttpResult r = Refresh(refresh);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(Code(r), "auth.account_disabled");
  EXPECT_EQ(Sql("SELECT count(*) FROM refresh_tokens WHERE revoked_at IS NULL AND account_kind = 'staff'"
                " AND account_id = " +
                std::to_string(id)),
            "0")
      << "the family is revoked by the refused refresh";
}

TEST_F(StaffAccess, AdminChangesRoleAndStoreUnderTheCreationRules) {
  std::int64_t id = NewStaff("moving.cashier@comptoir.local", "cashier", 1);
  std::string refresh = Str(SignedIn("moving.cashier@comptoir.local"), "refresh_token");
  std::string admin = Admin();

  HttpResult moved = Patch(id, R"({"location_id": 5})", admin);
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(Json(moved).at("location_id").as_int64(), 5);
  // The next refresh carries the new store; a new sign-in too.
  HttpResult refreshed = Refresh(refresh);
  ASSERT_EQ(refreshed.status, 200);
  EXPECT_EQ(Decode(Str(Json(refreshed), "access_token")).location_id, 5);

  for (const char* bad : {R"({"location_id": 6})", R"({"location_id": null})", R"({"role": "customer"})",
                          R"({"active": "no"})", R"({})", R"({"email": "x@y.ca"})"}) {
    HttpResult r = Patch(id, bad, admin);
    EXPECT_EQ(r.status, 400) << bad << " " << r.body;
    EXPECT_EQ(Code(r), "staff.invalid") << bad;
  }
  EXPECT_EQ(Sql("SELECT role || ':' || location_id FROM staff WHERE id = " + std::to_string(id)), "cashier:5")
      << "nothing changed";

  HttpResult logistics = Patch(id, R"({"role": "logistics"})", admin);
  ASSERT_EQ(logistics.status, 200);
  EXPECT_EQ(Json(logistics).at("location_id").as_int64(), 6);
  HttpResult back = Patch(id, R"({"role": "cashier"})", admin);
  EXPECT_EQ(back.status, 400) << "a cashier needs a store";
  EXPECT_TRUE(Has(ErrorFields(back), "location_id"));
  HttpResult manager = Patch(id, R"({"role": "manager"})", admin);
  ASSERT_EQ(manager.status, 200);
  EXPECT_TRUE(Json(manager).at("location_id").is_null());
  EXPECT_EQ(Decode(Str(SignedIn("moving.cashier@comptoir.local"), "access_token")).role, auth::Role::kManager);

  EXPECT_EQ(Code(Patch(999999, R"({"active": false})", admin)), "staff.not_found");
  EXPECT_EQ(Code(Patch(0, R"({"active": false})", admin)), "staff.not_found");
  EXPECT_EQ(Code(Call("PATCH", "/api/v1/staff/abc", R"({"active": false})", admin)), "staff.not_found");
  HttpResult one = Call("GET", "/api/v1/staff/" + std::to_string(id), {}, Token("manager@comptoir.local"));
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(Str(Json(one), "role"), "manager");
  EXPECT_EQ(Call("GET", "/api/v1/staff/" + std::to_string(id), {}, Token("cashier.plateau@comptoir.local")).status,
            403);
}

TEST_F(StaffAccess, AdminsCannotDisableOrDemoteThemselvesAndTwoAdminsCannotRemoveEachOther) {
  std::string admin = Admin();
  for (const char* self : {R"({"active": false})", R"({"role": "manager"})"}) {
    HttpResult r = Patch(8, self, admin);
    EXPECT_EQ(r.status, 422) << self;
    EXPECT_EQ(Code(r), "staff.cannot_change_self") << self;
  }
  EXPECT_EQ(Sql("SELECT role || ':' || (disabled_at IS NULL) FROM staff WHERE id = 8"), "admin:true");

  // Two admins disable each other at the same moment: one wins, the other is no longer an admin
  // when its turn comes (the database is asked, not the token).
  for (int round = 0; round < 3; ++round) {
    std::string suffix = std::to_string(round);
    std::int64_t a = NewStaff("admin.a" + suffix + "@comptoir.local", "admin", std::nullopt);
    std::int64_t b = NewStaff("admin.b" + suffix + "@comptoir.local", "admin", std::nullopt);
    std::string token_a = Token("admin.a" + suffix + "@comptoir.local", kStaffPassword);
    std::string token_b = Token("admin.b" + suffix + "@comptoir.local", kStaffPassword);
    HttpResult by_a, by_b;
    std::thread ta([&] { by_a = Patch(b, R"({"active": false})", token_a); });
    std::thread tb([&] { by_b = Patch(a, R"({"active": false})", token_b); });
    ta.join();
    tb.join();
    std::vector<int> statuses{by_a.status, by_b.status};
    std::sort(statuses.begin(), statuses.end());
    EXPECT_EQ(statuses, (std::vector<int>{200, 403})) << by_a.body << " / " << by_b.body;
    EXPECT_EQ(Sql("SELECT count(*) FROM staff WHERE disabled_at IS NULL AND id IN (" + std::to_string(a) + ", " +
                  std::to_string(b) + ")"),
              "1");
    // The loser's token still says admin; it creates no account either.
    const std::string& loser = by_a.status == 403 ? token_a : token_b;
    HttpResult create = Call("POST", "/api/v1/staff",
                             json::serialize(json::object{{"email", "ghost" + suffix + "@comptoir.local"},
                                                          {"password", kStaffPassword},
                                                          {"first_name", "G"},
                                                          {"last_name", "H"},
                                                          {"role", "admin"}}),
                             loser);
    EXPECT_EQ(create.status, 403);
  }
  EXPECT_EQ(Sql("SELECT count(*) FROM staff WHERE email LIKE 'ghost%'"), "0");
}

TEST_F(StaffAccess, StaffChangeTheirOwnPassword) {
  NewStaff("own.password@comptoir.local", "logistics", std::nullopt);
  json::value session = SignedIn("own.password@comptoir.local");
  std::string access = Str(session, "access_token");
  auto change = [&](const std::string& current, const std::string& next, const std::string& token) {
    return Call("POST", "/api/v1/staff/me/password",
                json::serialize(json::object{{"current_password", current}, {"new_password", next}}), token);
  };
  HttpResult wrong = change("not-my-password", "new-password-2", access);
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(Code(wrong), "auth.invalid_credentials");
  HttpResult weak = change(kStaffPassword, "short", access);
  EXPECT_EQ(weak.status, 400);
  EXPECT_EQ(Code(weak), "staff.invalid");
  std::string shopper = Str(
      Json(Call("POST", "/api/v1/auth/login", SignInBody("jean.dupont@example.com", kDemoPassword))), "access_token");
  EXPECT_EQ(change(kDemoPassword, "new-password-2", shopper).status, 403);

  HttpResult ok = change(kStaffPassword, "new-password-2", access);
  ASSERT_EQ(ok.status, 204) << ok.body;
  EXPECT_EQ(StaffLogin("own.password@comptoir.local", kStaffPassword).status, 401);
  EXPECT_EQ(StaffLogin("own.password@comptoir.local", "new-password-2").status, 200);
  EXPECT_EQ(Code(Refresh(Str(session, "refresh_token"))), "auth.invalid_refresh_token") << "sessions revoked";
  // The same request twice: the old password is no longer the current one.
  EXPECT_EQ(change(kStaffPassword, "new-password-2", access).status, 401);
  EXPECT_EQ(Sql("SELECT left(password_hash, 10) FROM staff WHERE email = 'own.password@comptoir.local'"), "$argon2id$");
}

TEST_F(StaffAccess, AnAdminResetIsAOneTimeTokenThatReplacesThePassword) {
  std::int64_t id = NewStaff("forgot.password@comptoir.local", "cashier", 4);
  std::string refresh = Str(SignedIn("forgot.password@comptoir.local"), "refresh_token");
  std::string reset_path = "/api/v1/staff/" + std::to_string(id) + "/password-reset";
  EXPECT_EQ(Call("POST", reset_path, {}, Token("manager@comptoir.local")).status, 403);
  EXPECT_EQ(Call("POST", "/api/v1/staff/999999/password-reset", {}, Admin()).status, 404);

  HttpResult issued = Call("POST", reset_path, {}, Admin());
  ASSERT_EQ(issued.status, 201) << issued.body;
  EXPECT_EQ(issued.headers["cache-control"], "no-store");
  std::string token = Str(Json(issued), "reset_token");
  EXPECT_FALSE(Str(Json(issued), "expires_at").empty());
  EXPECT_EQ(Sql("SELECT count(*) FROM staff WHERE reset_token_hash = encode(sha256(convert_to('" + token +
                "', 'UTF8')), 'hex') AND id = " + std::to_string(id)),
            "1")
      << "stored as its SHA-256, never as given";

  // The old password and the old session stop working at once.
  EXPECT_EQ(Code(StaffLogin("forgot.password@comptoir.local", kStaffPassword)), "auth.invalid_credentials");
  EXPECT_EQ(Code(Refresh(refresh)), "auth.invalid_refresh_token");

  auto use = [](const std::string& reset_token, const std::string& password) {
    return Call("POST", "/api/v1/auth/staff/password-reset",
                json::serialize(json::object{{"reset_token", reset_token}, {"new_password", password}}));
  };
  HttpResult weak = use(token, "short");
  EXPECT_EQ(weak.status, 400);
  EXPECT_TRUE(Has(ErrorFields(weak), "new_password"));
  EXPECT_EQ(Code(use("not-a-token", "chosen-password-1")), "auth.invalid_reset_token");
  HttpResult used = use(token, "chosen-password-1");
  ASSERT_EQ(used.status, 204) << used.body;
  HttpResult twice = use(token, "chosen-password-2");
  EXPECT_EQ(twice.status, 401);
  EXPECT_EQ(Code(twice), "auth.invalid_reset_token");
  EXPECT_EQ(StaffLogin("forgot.password@comptoir.local", "chosen-password-1").status, 200);
  EXPECT_EQ(StaffLogin("forgot.password@comptoir.local", "chosen-password-2").status, 401);

  // A second reset replaces the first; an expired one works no more.
  std::string first = Str(Json(Call("POST", reset_path, {}, Admin())), "reset_token");
  std::string second = Str(Json(Call("POST", reset_path, {}, Admin())), "reset_token");
  EXPECT_EQ(Code(use(first, "chosen-password-3")), "auth.invalid_reset_token");
  testing::RunSql(platform_->Conninfo("customer"),
                  "UPDATE staff SET reset_expires_at = now() - interval '1 second' WHERE id = " + std::to_string(id));
  EXPECT_EQ(Code(use(second, "chosen-password-3")), "auth.invalid_reset_token");
  EXPECT_EQ(Sql("SELECT count(*) FROM outbox WHERE type = 'StaffPasswordReset' AND aggregate_id = '" +
                std::to_string(id) + "'"),
            "3");
}

TEST_F(StaffAccess, AResetLetsALockedOutCashierBackInButNotADisabledOne) {
  std::int64_t id = NewStaff("locked.reset@comptoir.local", "cashier", 5);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(StaffLogin("locked.reset@comptoir.local", "wrong-guess-1").status, 401);
  EXPECT_EQ(StaffLogin("locked.reset@comptoir.local", kStaffPassword).status, 429);
  std::string admin = Admin();
  std::string path = "/api/v1/staff/" + std::to_string(id) + "/password-reset";
  auto use = [](const std::string& reset_token) {
    return Call("POST", "/api/v1/auth/staff/password-reset",
                json::serialize(json::object{{"reset_token", reset_token}, {"new_password", "after-reset-1"}}));
  };
  ASSERT_EQ(use(Str(Json(Call("POST", path, {}, admin)), "reset_token")).status, 204);
  EXPECT_EQ(StaffLogin("locked.reset@comptoir.local", "after-reset-1").status, 200) << "the lockout is cleared";

  std::string token = Str(Json(Call("POST", path, {}, admin)), "reset_token");
  ASSERT_EQ(Patch(id, R"({"active": false})", admin).status, 200);
  HttpResult refused = use(token);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(Code(refused), "auth.account_disabled");
}

TEST_F(StaffAccess, LogoutRevokesTheWholeFamilyForShoppersAndStaff) {
  HttpResult reg = Call("POST", "/api/v1/auth/register",
                        json::serialize(json::object{{"email", "logout.shopper@example.com"},
                                                     {"password", "correct-horse"},
                                                     {"first_name", "Léa"},
                                                     {"last_name", "Sortie"}}));
  ASSERT_EQ(reg.status, 201);
  std::string r1 = Str(Json(reg), "refresh_token");
  HttpResult rotated = Refresh(r1);
  ASSERT_EQ(rotated.status, 200);
  std::string r2 = Str(Json(rotated), "refresh_token");
  // Another device of the same shopper: another family, untouched by this logout.
  std::string other =
      Str(Json(Call("POST", "/api/v1/auth/login", SignInBody("logout.shopper@example.com", "correct-horse"))),
          "refresh_token");

  HttpResult out = Call("POST", "/api/v1/auth/logout", TokenBody(r2));
  EXPECT_EQ(out.status, 204);
  EXPECT_EQ(Code(Refresh(r2)), "auth.invalid_refresh_token");
  EXPECT_EQ(Code(Refresh(r1)), "auth.invalid_refresh_token");
  EXPECT_EQ(Call("POST", "/api/v1/auth/logout", TokenBody(r2)).status, 204) << "twice is not an error";
  EXPECT_EQ(Call("POST", "/api/v1/auth/logout", TokenBody("not-a-token")).status, 204);
  HttpResult missing = Call("POST", "/api/v1/auth/logout", "{}");
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(Code(missing), "auth.invalid");
  EXPECT_EQ(Refresh(other).status, 200);

  std::string staff_refresh = Str(SignedIn("cashier.spectacles@comptoir.local", kDemoPassword), "refresh_token");
  EXPECT_EQ(Call("POST", "/api/v1/auth/logout", TokenBody(staff_refresh)).status, 204);
  EXPECT_EQ(Code(Refresh(staff_refresh)), "auth.invalid_refresh_token");
}

TEST_F(StaffAccess, FiftyParallelWrongPasswordsVerifyAtMostTheLimit) {
  NewStaff("guessed.cashier@comptoir.local", "cashier", 1);
  const std::string series = R"(customer_password_verifications_total{account_kind="staff"})";
  double before = Sample(Direct("GET", "/metrics").body, series);

  constexpr int kGuesses = 50;
  std::vector<int> statuses(kGuesses);
  std::vector<std::thread> threads;
  for (int i = 0; i < kGuesses; ++i) {
    threads.emplace_back([&statuses, i] {
      statuses[static_cast<std::size_t>(i)] =
          Direct("POST", "/api/v1/auth/staff/login",
                 SignInBody("guessed.cashier@comptoir.local", "guess-number-" + std::to_string(i)))
              .status;
    });
  }
  for (auto& t : threads) t.join();
  std::map<int, int> by_status;
  for (int s : statuses) ++by_status[s];
  // The default limit is 5: exactly five guesses were checked, the other 45 refused unchecked.
  EXPECT_EQ(by_status, (std::map<int, int>{{401, 5}, {429, 45}}));
  double after = Sample(Direct("GET", "/metrics").body, series);
  EXPECT_EQ(after - before, 5) << "Argon2id verifications";
  EXPECT_EQ(Sql("SELECT failures FROM sign_in_failures WHERE account_kind = 'staff'"
                " AND email = 'guessed.cashier@comptoir.local'"),
            "6")
      << "the stored count stops one past the limit";

  // The right password is refused until the window ends, and accepted after.
  HttpResult locked = StaffLogin("guessed.cashier@comptoir.local", kStaffPassword);
  EXPECT_EQ(locked.status, 429);
  EXPECT_EQ(Code(locked), "auth.too_many_attempts");
  EXPECT_EQ(Sample(Direct("GET", "/metrics").body, series), after) << "a refused attempt is not verified";
  testing::RunSql(platform_->Conninfo("customer"),
                  "UPDATE sign_in_failures SET first_failure_at = now() - interval '16 minutes'"
                  " WHERE email = 'guessed.cashier@comptoir.local'");
  EXPECT_EQ(StaffLogin("guessed.cashier@comptoir.local", kStaffPassword).status, 200);
}

TEST_F(StaffAccess, WrongCurrentPasswordsAreLockedOutToo) {
  // A stolen access token must not become an unlimited password oracle.
  NewStaff("oracle.cashier@comptoir.local", "cashier", 2);
  std::string access = Token("oracle.cashier@comptoir.local", kStaffPassword);
  auto change = [&](const std::string& current) {
    return Call("POST", "/api/v1/staff/me/password",
                json::serialize(json::object{{"current_password", current}, {"new_password", "whatever-new-1"}}),
                access);
  };
  for (int i = 0; i < 5; ++i) EXPECT_EQ(change("guess-" + std::to_string(i)).status, 401);
  HttpResult locked = change(kStaffPassword);
  EXPECT_EQ(locked.status, 429);
  EXPECT_TRUE(locked.headers.count("retry-after"));
  EXPECT_EQ(StaffLogin("oracle.cashier@comptoir.local", kStaffPassword).status, 429);
}

TEST_F(StaffAccess, CashiersLookUpOneCustomerAndNeverPageThroughThem) {
  HttpResult reg = Call("POST", "/api/v1/auth/register",
                        json::serialize(json::object{{"email", "Till.Lookup@Example.com"},
                                                     {"password", "correct-horse"},
                                                     {"first_name", "Chloé"},
                                                     {"last_name", "Caisse"},
                                                     {"phone", "+1 438 555-0177"}}));
  ASSERT_EQ(reg.status, 201);
  std::int64_t id = Json(reg).at("customer").at("id").as_int64();
  std::string cashier = Token("cashier.vieux-montreal@comptoir.local");

  for (const std::string& target :
       std::vector<std::string>{"/api/v1/customers", "/api/v1/customers?q=caisse",
                                "/api/v1/customers?per_page=100&page=2", "/api/v1/customers/" + std::to_string(id)}) {
    HttpResult r = Call("GET", target, {}, cashier);
    EXPECT_EQ(r.status, 403) << target;
    EXPECT_EQ(Code(r), "auth.forbidden") << target;
  }
  for (const std::string query : {"email=till.lookup%40example.com", "email=%20TILL.Lookup%40example.COM",
                                  "phone=(438)%20555-0177", "phone=4385550177", "phone=1-438-555-0177"}) {
    HttpResult r = Call("GET", "/api/v1/customers/lookup?" + query, {}, cashier);
    ASSERT_EQ(r.status, 200) << query << " " << r.body;
    json::object found = Json(r).as_object();
    EXPECT_EQ(found.at("id").as_int64(), id);
    EXPECT_EQ(found.at("first_name").as_string(), "Chloé");
    EXPECT_EQ(found.size(), 3U) << "only what the till needs: " << r.body;
  }
  // Exact values only: a fragment is not a lookup.
  for (const char* query : {"email=till", "email=%40example.com", "phone=555", "", "q=caisse",
                            "email=till.lookup%40example.com&phone=4385550177"}) {
    HttpResult r = Call("GET", std::string("/api/v1/customers/lookup?") + query, {}, cashier);
    EXPECT_EQ(r.status, 400) << query;
    EXPECT_EQ(Code(r), "customer.invalid_query") << query;
  }
  EXPECT_EQ(Code(Call("GET", "/api/v1/customers/lookup?email=nobody%40example.com", {}, cashier)),
            "customer.not_found");
  // Two shoppers sharing a phone: the cashier is asked for the email, nobody's name is shown.
  ASSERT_EQ(Call("POST", "/api/v1/auth/register",
                 json::serialize(json::object{{"email", "till.family@example.com"},
                                              {"password", "correct-horse"},
                                              {"first_name", "Marc"},
                                              {"last_name", "Caisse"},
                                              {"phone", "438-555-0177"}}))
                .status,
            201);
  HttpResult ambiguous = Call("GET", "/api/v1/customers/lookup?phone=4385550177", {}, cashier);
  EXPECT_EQ(ambiguous.status, 409);
  EXPECT_EQ(Code(ambiguous), "customer.lookup_ambiguous");
  EXPECT_EQ(ambiguous.body.find("Caisse"), std::string::npos);

  // Logistics: nothing. Shoppers: nothing. Managers and admins: the list and the record.
  std::string logistics = Token("logistics@comptoir.local");
  EXPECT_EQ(Call("GET", "/api/v1/customers/lookup?email=till.lookup%40example.com", {}, logistics).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/customers", {}, logistics).status, 403);
  std::string shopper = Str(Json(reg), "access_token");
  EXPECT_EQ(Call("GET", "/api/v1/customers/lookup?email=till.family%40example.com", {}, shopper).status, 403);
  for (const std::string who : {"manager@comptoir.local", "admin@comptoir.local"}) {
    std::string token = Token(who);
    EXPECT_EQ(Call("GET", "/api/v1/customers?q=caisse", {}, token).status, 200) << who;
    HttpResult record = Call("GET", "/api/v1/customers/" + std::to_string(id), {}, token);
    ASSERT_EQ(record.status, 200) << who;
    EXPECT_EQ(Str(Json(record), "phone"), "+1 438 555-0177");
  }
}

// Sessions with short absolute lifetimes, to see them end (ADR 0011).
class ShortSessions : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    platform_ = new testing::Platform(
        {.services = {"customer"},
         .gateway = false,
         .name = "customer_sessions_it",
         .env = {{"COMPTOIR_CUSTOMER_STAFF_SESSION_MAX_S", "2"}, {"COMPTOIR_CUSTOMER_SHOPPER_SESSION_MAX_S", "4"}}});
  }
  static void TearDownTestSuite() {
    delete platform_;
    platform_ = nullptr;
  }
  static HttpResult Post(const std::string& target, const std::string& body) {
    return testing::Http(static_cast<std::uint16_t>(platform_->Port("customer")), "POST", target, body);
  }
  static testing::Platform* platform_;
};

testing::Platform* ShortSessions::platform_ = nullptr;

TEST_F(ShortSessions, RefreshingDoesNotExtendASessionPastItsAbsoluteLifetime) {
  using Clock = std::chrono::steady_clock;
  HttpResult staff = Post("/api/v1/auth/staff/login", SignInBody("manager@comptoir.local", kDemoPassword));
  ASSERT_EQ(staff.status, 200) << staff.body;
  auto staff_start = Clock::now();
  HttpResult shopper = Post("/api/v1/auth/login", SignInBody("jean.dupont@example.com", kDemoPassword));
  ASSERT_EQ(shopper.status, 200) << shopper.body;
  auto shopper_start = Clock::now();

  // Within the session, refreshing works, and the new token never expires after the session does.
  HttpResult staff_next = Post("/api/v1/auth/refresh", TokenBody(Str(Json(staff), "refresh_token")));
  ASSERT_EQ(staff_next.status, 200) << staff_next.body;
  HttpResult shopper_next = Post("/api/v1/auth/refresh", TokenBody(Str(Json(shopper), "refresh_token")));
  ASSERT_EQ(shopper_next.status, 200);
  EXPECT_EQ(testing::QueryValue(platform_->Conninfo("customer"),
                                "SELECT bool_and(expires_at <= session_started_at + CASE account_kind"
                                " WHEN 'staff' THEN interval '2 seconds' ELSE interval '4 seconds' END)"
                                " FROM refresh_tokens"),
            "t");

  // Past 2 s the staff session is over (while the shopper's still runs), past 4 s the shopper's.
  std::this_thread::sleep_until(staff_start + std::chrono::milliseconds(2500));
  HttpResult staff_over = Post("/api/v1/auth/refresh", TokenBody(Str(Json(staff_next), "refresh_token")));
  EXPECT_EQ(staff_over.status, 401);
  EXPECT_EQ(Code(staff_over), "auth.session_expired");
  // (Sessions are compared in whole seconds, rounded down: the shopper's is surely alive before 3 s.)
  if (Clock::now() < shopper_start + std::chrono::milliseconds(3000)) {
    shopper_next = Post("/api/v1/auth/refresh", TokenBody(Str(Json(shopper_next), "refresh_token")));
    EXPECT_EQ(shopper_next.status, 200) << "the shopper's session is longer";
  }
  std::this_thread::sleep_until(shopper_start + std::chrono::milliseconds(4500));
  HttpResult shopper_over = Post("/api/v1/auth/refresh", TokenBody(Str(Json(shopper_next), "refresh_token")));
  EXPECT_EQ(shopper_over.status, 401);
  EXPECT_EQ(Code(shopper_over), "auth.session_expired");
  // Signing in again starts a new session.
  EXPECT_EQ(Post("/api/v1/auth/staff/login", SignInBody("manager@comptoir.local", kDemoPassword)).status, 200);
}

}  // namespace
}  // namespace comptoir::customer
