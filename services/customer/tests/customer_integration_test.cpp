// Integration test: the customer service behind the gateway (testing::Platform: real `comptoir`
// processes, a fresh PostgreSQL database, the gateway with deploy/kong.yml), over real HTTP.
#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "comptoir/auth/auth.hpp"
#include "comptoir/testing/http.hpp"
#include "comptoir/testing/pg.hpp"
#include "comptoir/testing/platform.hpp"
#include "comptoir/testing/process.hpp"
#include "customer_test_support.hpp"

namespace comptoir::customer {
namespace {

using testing::HttpResult;
namespace json = boost::json;

class CustomerPlatform : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { platform_ = new testing::Platform({.services = {"customer"}, .name = "customer_it"}); }
  static void TearDownTestSuite() {
    delete platform_;
    platform_ = nullptr;
  }

  static const testing::Platform& P() { return *platform_; }

  static HttpResult Call(const std::string& method, const std::string& target, const std::string& body = {},
                         const std::string& bearer = {}) {
    return platform_->Call(method, target, body, bearer);
  }

  static json::object RegisterBody(const std::string& email, const std::string& password = "correct-horse") {
    return json::object{{"email", email}, {"password", password}, {"first_name", "Test"}, {"last_name", "Client"}};
  }

  // Registers a shopper; returns the registration answer.
  static json::value Register(const std::string& email, const std::string& password = "correct-horse") {
    HttpResult r = Call("POST", "/api/v1/auth/register", json::serialize(RegisterBody(email, password)));
    EXPECT_EQ(r.status, 201) << r.body;
    return Json(r);
  }

  static HttpResult Login(const std::string& email, const std::string& password,
                          const std::string& path = "/api/v1/auth/login") {
    return Call("POST", path, json::serialize(json::object{{"email", email}, {"password", password}}));
  }

  static std::string AccessToken(const HttpResult& r) { return Str(Json(r), "access_token"); }

  static auth::Principal Decode(const std::string& token) {
    return auth::VerifyToken(platform_->Jwt(), token, auth::NowSeconds(), "customer");
  }

  static std::string Conninfo() { return platform_->Conninfo("customer"); }

  static json::object Address(const std::string& type, bool is_default, const std::string& line1 = "1 rue Test") {
    return json::object{{"type", type},     {"line1", line1},          {"city", "Montréal"},
                        {"province", "qc"}, {"postal_code", "h2x3k8"}, {"is_default", is_default}};
  }

  static testing::Platform* platform_;
};

testing::Platform* CustomerPlatform::platform_ = nullptr;

TEST_F(CustomerPlatform, RegisterLoginAndReadOwnProfile) {
  json::value reg = Register("  Alice.Register@Example.com ");
  EXPECT_EQ(Str(reg, "token_type"), "Bearer");
  EXPECT_EQ(reg.at("expires_in").as_int64(), 900);
  EXPECT_FALSE(Str(reg, "refresh_token").empty());
  const json::value& customer = reg.at("customer");
  EXPECT_EQ(Str(customer, "email"), "alice.register@example.com");
  EXPECT_EQ(Str(customer, "first_name"), "Test");
  EXPECT_FALSE(customer.as_object().contains("password_hash"));
  std::int64_t id = customer.at("id").as_int64();

  auth::Principal who = Decode(Str(reg, "access_token"));
  EXPECT_EQ(who.subject, std::to_string(id));
  EXPECT_EQ(who.role, auth::Role::kCustomer);
  EXPECT_FALSE(who.location_id);

  for (const char* path : {"/api/v1/auth/login", "/api/v1/auth"}) {
    HttpResult login = Login("ALICE.register@example.com", "correct-horse", path);
    ASSERT_EQ(login.status, 200) << path << " " << login.body;
    json::value tokens = Json(login);
    EXPECT_EQ(Str(tokens, "token_type"), "Bearer");
    EXPECT_TRUE(tokens.as_object().contains("refresh_token"));
    EXPECT_TRUE(tokens.as_object().contains("expires_in"));
    HttpResult me = Call("GET", "/api/v1/customers/me", {}, Str(tokens, "access_token"));
    ASSERT_EQ(me.status, 200) << me.body;
    EXPECT_EQ(Json(me).at("id").as_int64(), id);
    EXPECT_EQ(Str(Json(me), "email"), "alice.register@example.com");
  }

  // The same email in another case, with spaces, is taken.
  HttpResult again =
      Call("POST", "/api/v1/auth/register", json::serialize(RegisterBody(" ALICE.REGISTER@example.COM")));
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(Code(again), "customer.email_taken");

  // CustomerRegistered in the outbox, without password material.
  std::string payload = testing::QueryValue(
      Conninfo(), "SELECT payload::text FROM outbox WHERE type = 'CustomerRegistered' AND aggregate_id = '" +
                      std::to_string(id) + "'");
  ASSERT_FALSE(payload.empty());
  json::value event = json::parse(payload);
  EXPECT_EQ(Str(event, "type"), "CustomerRegistered");
  EXPECT_EQ(event.at("data").at("id").as_int64(), id);
  EXPECT_EQ(Str(event.at("data"), "email"), "alice.register@example.com");
  EXPECT_TRUE(event.at("data").as_object().contains("created_at"));
  EXPECT_EQ(payload.find("argon2"), std::string::npos);
  EXPECT_EQ(payload.find("password"), std::string::npos);
  // Stored hash is Argon2id, never the password.
  EXPECT_EQ(
      testing::QueryValue(Conninfo(), "SELECT left(password_hash, 10) FROM customers WHERE id = " + std::to_string(id)),
      "$argon2id$");
}

TEST_F(CustomerPlatform, RegisterRefusesBadInputNamingEveryField) {
  HttpResult r = Call("POST", "/api/v1/auth/register",
                      R"({"email": "not-an-email", "password": "short", "first_name": "", "phone": "x"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Code(r), "customer.invalid");
  auto fields = ErrorFields(r);
  for (const char* f : {"email", "password", "first_name", "last_name", "phone"}) EXPECT_TRUE(Has(fields, f)) << f;
  HttpResult long_password =
      Call("POST", "/api/v1/auth/register", json::serialize(RegisterBody("long@example.com", std::string(129, 'p'))));
  EXPECT_EQ(long_password.status, 400);
  EXPECT_EQ(testing::QueryValue(Conninfo(), "SELECT count(*) FROM customers WHERE email = 'long@example.com'"), "0");
}

TEST_F(CustomerPlatform, WrongPasswordAndUnknownEmailGetTheSameAnswer) {
  Register("bob.wrong@example.com");
  HttpResult wrong = Login("bob.wrong@example.com", "not-the-password");
  HttpResult unknown = Login("nobody.here@example.com", "not-the-password");
  ASSERT_EQ(wrong.status, 401);
  ASSERT_EQ(unknown.status, 401);
  json::object a = Json(wrong).as_object();
  json::object b = Json(unknown).as_object();
  EXPECT_EQ(a.at("code").as_string(), "auth.invalid_credentials");
  a.erase("request_id");
  b.erase("request_id");
  EXPECT_EQ(json::serialize(a), json::serialize(b));
}

TEST_F(CustomerPlatform, LockoutAfterFiveFailuresEvenWithTheRightPassword) {
  Register("carol.locked@example.com");
  for (int i = 0; i < 5; ++i) {
    HttpResult r = Login("carol.locked@example.com", "wrong-password");
    ASSERT_EQ(r.status, 401) << "attempt " << i << ": " << r.body;
  }
  HttpResult locked = Login("Carol.Locked@example.com", "correct-horse");
  EXPECT_EQ(locked.status, 429) << locked.body;
  EXPECT_EQ(Code(locked), "auth.too_many_attempts");
  ASSERT_TRUE(locked.headers.count("retry-after"));
  int retry_after = std::stoi(locked.headers.at("retry-after"));
  EXPECT_GT(retry_after, 0);
  EXPECT_LE(retry_after, 900);
  // An unknown email is throttled the same way (locking does not reveal which accounts exist).
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Login("ghost.locked@example.com", "whatever-pw").status, 401);
  EXPECT_EQ(Login("ghost.locked@example.com", "whatever-pw").status, 429);

  // Once the window has passed (moved back in the database), the right password works and resets the count.
  testing::RunSql(Conninfo(),
                  "UPDATE sign_in_failures SET first_failure_at = now() - interval '16 minutes'"
                  " WHERE email = 'carol.locked@example.com'");
  EXPECT_EQ(Login("carol.locked@example.com", "correct-horse").status, 200);
  EXPECT_EQ(
      testing::QueryValue(Conninfo(), "SELECT count(*) FROM sign_in_failures WHERE email = 'carol.locked@example.com'"),
      "0");
}

TEST_F(CustomerPlatform, ASuccessResetsTheFailureCount) {
  Register("dave.reset@example.com");
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 4; ++i) EXPECT_EQ(Login("dave.reset@example.com", "wrong-password").status, 401);
    EXPECT_EQ(Login("dave.reset@example.com", "correct-horse").status, 200) << "round " << round;
  }
}

TEST_F(CustomerPlatform, StaffAreLockedOutToo) {
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(Login("cashier.westmount@comptoir.local", "wrong-password", "/api/v1/auth/staff/login").status, 401);
  }
  HttpResult locked = Login("cashier.westmount@comptoir.local", kDemoPassword, "/api/v1/auth/staff/login");
  EXPECT_EQ(locked.status, 429);
  EXPECT_EQ(Code(locked), "auth.too_many_attempts");
  EXPECT_TRUE(locked.headers.count("retry-after"));
}

TEST_F(CustomerPlatform, RefreshRotatesAndReuseRevokesTheFamily) {
  json::value reg = Register("erin.refresh@example.com");
  std::int64_t id = reg.at("customer").at("id").as_int64();
  std::string r1 = Str(reg, "refresh_token");
  auto refresh = [](const std::string& token) {
    return Call("POST", "/api/v1/auth/refresh", json::serialize(json::object{{"refresh_token", token}}));
  };
  HttpResult first = refresh(r1);
  ASSERT_EQ(first.status, 200) << first.body;
  std::string r2 = Str(Json(first), "refresh_token");
  EXPECT_NE(r1, r2);
  EXPECT_EQ(Decode(AccessToken(first)).subject, std::to_string(id));
  EXPECT_EQ(Call("GET", "/api/v1/customers/me", {}, AccessToken(first)).status, 200);

  // Tokens are stored hashed, never as given.
  EXPECT_EQ(testing::QueryValue(Conninfo(), "SELECT count(*) FROM refresh_tokens WHERE token_hash = '" + r2 + "'"),
            "0");
  EXPECT_EQ(testing::QueryValue(Conninfo(),
                                "SELECT count(*) FROM refresh_tokens WHERE token_hash = "
                                "encode(sha256(convert_to('" +
                                    r2 + "', 'UTF8')), 'hex')"),
            "1");

  // r1 again: reuse. Refused, and r2 (same family) is revoked with it.
  HttpResult reuse = refresh(r1);
  EXPECT_EQ(reuse.status, 401);
  EXPECT_EQ(Code(reuse), "auth.invalid_refresh_token");
  HttpResult after = refresh(r2);
  EXPECT_EQ(after.status, 401);
  EXPECT_EQ(Code(after), "auth.invalid_refresh_token");

  // Another sign-in is another family: unaffected.
  HttpResult login = Login("erin.refresh@example.com", "correct-horse");
  std::string r3 = Str(Json(login), "refresh_token");
  // Expired.
  testing::RunSql(Conninfo(),
                  "UPDATE refresh_tokens SET expires_at = now() - interval '1 second' WHERE token_hash = "
                  "encode(sha256(convert_to('" +
                      r3 + "', 'UTF8')), 'hex')");
  HttpResult expired = refresh(r3);
  EXPECT_EQ(expired.status, 401);
  EXPECT_EQ(Code(expired), "auth.refresh_token_expired");

  HttpResult garbage = refresh("not-a-token");
  EXPECT_EQ(garbage.status, 401);
  EXPECT_EQ(Code(garbage), "auth.invalid_refresh_token");
  HttpResult missing = Call("POST", "/api/v1/auth/refresh", "{}");
  EXPECT_EQ(missing.status, 400);
  EXPECT_TRUE(Has(ErrorFields(missing), "refresh_token"));
}

TEST_F(CustomerPlatform, ConcurrentUsesOfOneRefreshTokenAreOneUseAndOneReuse) {
  std::string token = Str(Register("erin.race@example.com"), "refresh_token");
  std::vector<HttpResult> results(2);
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) {
    threads.emplace_back([&results, &token, i] {
      results[static_cast<std::size_t>(i)] =
          Call("POST", "/api/v1/auth/refresh", json::serialize(json::object{{"refresh_token", token}}));
    });
  }
  for (auto& t : threads) t.join();
  std::vector<int> statuses{results[0].status, results[1].status};
  std::sort(statuses.begin(), statuses.end());
  ASSERT_EQ(statuses, (std::vector<int>{200, 401}));
  const HttpResult& winner = results[0].status == 200 ? results[0] : results[1];
  // The reuse revoked the family, the winner's new token included.
  HttpResult next = Call("POST", "/api/v1/auth/refresh",
                         json::serialize(json::object{{"refresh_token", Str(Json(winner), "refresh_token")}}));
  EXPECT_EQ(next.status, 401);
  EXPECT_EQ(Code(next), "auth.invalid_refresh_token");
}

TEST_F(CustomerPlatform, ConcurrentRegistrationsOfOneEmailMakeOneAccount) {
  constexpr int kWriters = 4;
  std::vector<int> statuses(kWriters);
  std::vector<std::thread> threads;
  for (int i = 0; i < kWriters; ++i) {
    threads.emplace_back([&statuses, i] {
      std::string email = i % 2 == 0 ? "Kim.Race@example.com" : " kim.race@EXAMPLE.com";
      statuses[static_cast<std::size_t>(i)] =
          Call("POST", "/api/v1/auth/register", json::serialize(RegisterBody(email))).status;
    });
  }
  for (auto& t : threads) t.join();
  std::sort(statuses.begin(), statuses.end());
  EXPECT_EQ(statuses, (std::vector<int>{201, 409, 409, 409}));
  EXPECT_EQ(testing::QueryValue(Conninfo(), "SELECT count(*) FROM customers WHERE email = 'kim.race@example.com'"),
            "1");
  EXPECT_EQ(testing::QueryValue(Conninfo(),
                                "SELECT count(*) FROM outbox o JOIN customers c ON o.aggregate_id = "
                                "c.id::text WHERE o.type = 'CustomerRegistered' AND c.email = "
                                "'kim.race@example.com'"),
            "1");
}

TEST_F(CustomerPlatform, PasswordChangeRevokesRefreshTokens) {
  json::value reg = Register("frank.password@example.com", "first-password");
  std::string access = Str(reg, "access_token");
  std::string refresh = Str(reg, "refresh_token");
  HttpResult wrong = Call("POST", "/api/v1/customers/me/password",
                          R"({"current_password": "not-it-at-all", "new_password": "second-password"})", access);
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(Code(wrong), "auth.invalid_credentials");
  HttpResult weak = Call("POST", "/api/v1/customers/me/password",
                         R"({"current_password": "first-password", "new_password": "short"})", access);
  EXPECT_EQ(weak.status, 400);
  EXPECT_TRUE(Has(ErrorFields(weak), "new_password"));
  HttpResult ok = Call("POST", "/api/v1/customers/me/password",
                       R"({"current_password": "first-password", "new_password": "second-password"})", access);
  EXPECT_EQ(ok.status, 204) << ok.body;
  EXPECT_EQ(Login("frank.password@example.com", "first-password").status, 401);
  EXPECT_EQ(Login("frank.password@example.com", "second-password").status, 200);
  HttpResult old_refresh =
      Call("POST", "/api/v1/auth/refresh", json::serialize(json::object{{"refresh_token", refresh}}));
  EXPECT_EQ(old_refresh.status, 401);
  EXPECT_EQ(Code(old_refresh), "auth.invalid_refresh_token");
}

TEST_F(CustomerPlatform, ProfileUpdate) {
  json::value reg = Register("gina.profile@example.com");
  std::string access = Str(reg, "access_token");
  HttpResult r = Call("PUT", "/api/v1/customers/me",
                      R"({"first_name": "Gina", "last_name": "Lavoie", "phone": "514-555-0199"})", access);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Str(Json(r), "first_name"), "Gina");
  EXPECT_EQ(Str(Json(r), "phone"), "514-555-0199");
  HttpResult cleared = Call("PUT", "/api/v1/customers/me", R"({"phone": null})", access);
  EXPECT_TRUE(Json(cleared).at("phone").is_null());
  EXPECT_EQ(Str(Json(cleared), "last_name"), "Lavoie");
  HttpResult bad = Call("PUT", "/api/v1/customers/me", R"({"first_name": " ", "phone": "abc", "colour": 1})", access);
  EXPECT_EQ(bad.status, 400);
  auto fields = ErrorFields(bad);
  for (const char* f : {"first_name", "phone", "colour"}) EXPECT_TRUE(Has(fields, f)) << f;
  Register("gina.other@example.com");
  HttpResult taken = Call("PUT", "/api/v1/customers/me", R"({"email": "Gina.Other@example.com"})", access);
  EXPECT_EQ(taken.status, 409);
  EXPECT_EQ(Code(taken), "customer.email_taken");
  HttpResult moved = Call("PUT", "/api/v1/customers/me", R"({"email": " Gina.Nouvelle@Example.com "})", access);
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(Str(Json(moved), "email"), "gina.nouvelle@example.com");
  EXPECT_EQ(Login("gina.nouvelle@example.com", "correct-horse").status, 200);
  EXPECT_EQ(Login("gina.profile@example.com", "correct-horse").status, 401);
}

TEST_F(CustomerPlatform, OneDefaultAddressPerType) {
  std::string access = Str(Register("hugo.address@example.com"), "access_token");
  auto post = [&](const json::object& body) {
    return Call("POST", "/api/v1/customers/me/addresses", json::serialize(body), access);
  };
  HttpResult a = post(Address("delivery", false, "1 rue A"));
  ASSERT_EQ(a.status, 201) << a.body;
  EXPECT_TRUE(Json(a).at("is_default").as_bool()) << "the first of a type becomes its default";
  EXPECT_EQ(Str(Json(a), "postal_code"), "H2X 3K8");
  EXPECT_EQ(Str(Json(a), "province"), "QC");
  std::int64_t a_id = Json(a).at("id").as_int64();

  HttpResult b = post(Address("delivery", true, "2 rue B"));
  ASSERT_EQ(b.status, 201);
  std::int64_t b_id = Json(b).at("id").as_int64();
  EXPECT_TRUE(Json(b).at("is_default").as_bool());
  auto get = [&](std::int64_t id) {
    return Json(Call("GET", "/api/v1/customers/me/addresses/" + std::to_string(id), {}, access));
  };
  EXPECT_FALSE(get(a_id).at("is_default").as_bool());

  HttpResult c = post(Address("billing", false, "3 rue C"));
  EXPECT_TRUE(Json(c).at("is_default").as_bool());
  EXPECT_TRUE(get(b_id).at("is_default").as_bool()) << "another type's default is not touched";

  // Un-defaulting the default promotes another of its type.
  HttpResult put = Call("PUT", "/api/v1/customers/me/addresses/" + std::to_string(b_id),
                        json::serialize(Address("delivery", false, "2 rue B modifiée")), access);
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_FALSE(Json(put).at("is_default").as_bool());
  EXPECT_EQ(Str(Json(put), "line1"), "2 rue B modifiée");
  EXPECT_TRUE(get(a_id).at("is_default").as_bool());

  // Deleting the default promotes another.
  EXPECT_EQ(Call("DELETE", "/api/v1/customers/me/addresses/" + std::to_string(a_id), {}, access).status, 204);
  EXPECT_TRUE(get(b_id).at("is_default").as_bool());
  EXPECT_EQ(Call("GET", "/api/v1/customers/me/addresses/" + std::to_string(a_id), {}, access).status, 404);

  HttpResult bad =
      post(json::object{{"type", "home"}, {"line1", "x"}, {"city", "y"}, {"province", "ZZ"}, {"postal_code", "90210"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Code(bad), "address.invalid");
  auto fields = ErrorFields(bad);
  for (const char* f : {"type", "province", "postal_code"}) EXPECT_TRUE(Has(fields, f)) << f;

  HttpResult list = Call("GET", "/api/v1/customers/me/addresses", {}, access);
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(Json(list).at("data").as_array().size(), 2U);
  EXPECT_EQ(Json(list).at("meta").at("total").as_int64(), 2);
}

TEST_F(CustomerPlatform, ConcurrentDefaultsLeaveExactlyOne) {
  json::value reg = Register("ines.concurrent@example.com");
  std::string access = Str(reg, "access_token");
  std::int64_t id = reg.at("customer").at("id").as_int64();
  constexpr int kWriters = 8;
  std::atomic<int> created{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kWriters; ++i) {
    threads.emplace_back([&, i] {
      HttpResult r = Call("POST", "/api/v1/customers/me/addresses",
                          json::serialize(Address("delivery", true, std::to_string(i) + " rue Parallèle")), access);
      if (r.status == 201) ++created;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), kWriters);
  EXPECT_EQ(testing::QueryValue(Conninfo(), "SELECT count(*) FROM addresses WHERE customer_id = " + std::to_string(id)),
            std::to_string(kWriters));
  EXPECT_EQ(testing::QueryValue(
                Conninfo(), "SELECT count(*) FROM addresses WHERE is_default AND customer_id = " + std::to_string(id)),
            "1");
  // The database itself refuses a second default, whatever the application does.
  EXPECT_THROW(
      testing::RunSql(Conninfo(), "UPDATE addresses SET is_default = true WHERE customer_id = " + std::to_string(id)),
      std::runtime_error);
}

TEST_F(CustomerPlatform, AShopperSeesOnlyTheirOwn) {
  json::value one = Register("jade.one@example.com");
  std::string one_access = Str(one, "access_token");
  std::int64_t one_id = one.at("customer").at("id").as_int64();
  std::string two_access = Str(Register("jade.two@example.com"), "access_token");
  HttpResult created =
      Call("POST", "/api/v1/customers/me/addresses", json::serialize(Address("delivery", true)), one_access);
  std::string path = "/api/v1/customers/me/addresses/" + std::to_string(Json(created).at("id").as_int64());
  for (const char* method : {"GET", "PUT", "DELETE"}) {
    std::string body = std::string(method) == "PUT" ? json::serialize(Address("delivery", true)) : std::string();
    HttpResult r = Call(method, path, body, two_access);
    EXPECT_EQ(r.status, 404) << method;
    EXPECT_EQ(Code(r), "address.not_found");
  }
  EXPECT_EQ(Call("GET", path, {}, one_access).status, 200);
  EXPECT_TRUE(Json(Call("GET", "/api/v1/customers/me/addresses", {}, two_access)).at("data").as_array().empty());

  HttpResult other = Call("GET", "/api/v1/customers/" + std::to_string(one_id), {}, two_access);
  EXPECT_EQ(other.status, 403);
  EXPECT_EQ(Code(other), "auth.forbidden");
  EXPECT_EQ(Call("GET", "/api/v1/customers", {}, two_access).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/staff", {}, two_access).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/staff/me", {}, two_access).status, 403);
}

TEST_F(CustomerPlatform, StaffSignInCarriesRoleAndLocationAndPassesTheGateway) {
  HttpResult login = Login("cashier.mile-end@comptoir.local", kDemoPassword, "/api/v1/auth/staff/login");
  ASSERT_EQ(login.status, 200) << login.body;
  std::string token = AccessToken(login);
  auth::Principal who = Decode(token);
  EXPECT_EQ(who.subject, "4");
  EXPECT_EQ(who.role, auth::Role::kCashier);
  EXPECT_EQ(who.location_id, 4);

  // Searching customers is for managers and admins (issue 12 §10); the cashier is refused.
  HttpResult refused_search = Call("GET", "/api/v1/customers?q=dupont", {}, token);
  EXPECT_EQ(refused_search.status, 403);
  EXPECT_EQ(Code(refused_search), "auth.forbidden");
  std::string manager = AccessToken(Login("manager@comptoir.local", kDemoPassword, "/api/v1/auth/staff/login"));
  HttpResult search = Call("GET", "/api/v1/customers?q=dupont", {}, manager);
  ASSERT_EQ(search.status, 200) << search.body;
  json::value list = Json(search);
  ASSERT_EQ(list.at("meta").at("total").as_int64(), 1);
  const json::value& jean = list.at("data").as_array().at(0);
  EXPECT_EQ(Str(jean, "email"), "jean.dupont@example.com");
  HttpResult one = Call("GET", "/api/v1/customers/" + std::to_string(jean.at("id").as_int64()), {}, manager);
  EXPECT_EQ(one.status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/customers/999999", {}, manager).status, 404);
  EXPECT_EQ(Code(Call("GET", "/api/v1/customers/abc", {}, manager)), "customer.not_found");
  HttpResult paged = Call("GET", "/api/v1/customers?per_page=2&page=1", {}, manager);
  EXPECT_EQ(Json(paged).at("data").as_array().size(), 2U);
  EXPECT_EQ(Call("GET", "/api/v1/customers?per_page=101", {}, manager).status, 400);

  HttpResult me = Call("GET", "/api/v1/staff/me", {}, token);
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(Str(Json(me), "first_name") + " " + Str(Json(me), "last_name"), "Caissier Mile End");
  EXPECT_EQ(Json(me).at("location_id").as_int64(), 4);
  EXPECT_EQ(Call("GET", "/api/v1/customers/me", {}, token).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/staff", {}, token).status, 403) << "cashiers do not list staff";

  // Refreshing a staff token keeps role and location.
  HttpResult refreshed = Call("POST", "/api/v1/auth/refresh",
                              json::serialize(json::object{{"refresh_token", Str(Json(login), "refresh_token")}}));
  ASSERT_EQ(refreshed.status, 200);
  EXPECT_EQ(Decode(AccessToken(refreshed)).location_id, 4);
  EXPECT_EQ(Decode(AccessToken(refreshed)).role, auth::Role::kCashier);

  // The gateway's jwt plugin: a tampered signature and an expired token are refused with Kong's bodies.
  // A character inside the signature (the last one carries 2 unused bits: changing it may change nothing).
  std::string tampered = token;
  char& c = tampered[tampered.rfind('.') + 5];
  c = c == 'A' ? 'B' : 'A';
  HttpResult refused = Call("GET", "/api/v1/customers", {}, tampered);
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(refused.body, R"({"message":"Invalid signature"})");
  auth::Principal cashier{.subject = "4", .role = auth::Role::kCashier, .location_id = 4};
  std::string expired = auth::IssueToken(P().Jwt(), cashier, auth::NowSeconds() - 3600);
  HttpResult old = Call("GET", "/api/v1/customers", {}, expired);
  EXPECT_EQ(old.status, 401);
  EXPECT_EQ(old.body, R"({"exp":"token expired"})");
  HttpResult none = Call("GET", "/api/v1/customers");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.body, R"({"message":"Unauthorized"})");
}

TEST_F(CustomerPlatform, ShopperAndStaffCredentialsDoNotCross) {
  EXPECT_EQ(Login("jean.dupont@example.com", kDemoPassword).status, 200);
  EXPECT_EQ(Login("jean.dupont@example.com", kDemoPassword, "/api/v1/auth/staff/login").status, 401);
  EXPECT_EQ(Login("manager@comptoir.local", kDemoPassword, "/api/v1/auth/staff/login").status, 200);
  HttpResult cross = Login("manager@comptoir.local", kDemoPassword);
  EXPECT_EQ(cross.status, 401);
  EXPECT_EQ(Code(cross), "auth.invalid_credentials");
}

TEST_F(CustomerPlatform, DemoStaffHaveTheFixedIdsAndAdminsCreateStaff) {
  const std::vector<std::pair<std::string, std::pair<auth::Role, std::int64_t>>> expected{
      {"cashier.vieux-montreal@comptoir.local", {auth::Role::kCashier, 1}},
      {"cashier.plateau@comptoir.local", {auth::Role::kCashier, 2}},
      {"cashier.spectacles@comptoir.local", {auth::Role::kCashier, 3}},
      {"logistics@comptoir.local", {auth::Role::kLogistics, 6}},
      {"admin@comptoir.local", {auth::Role::kAdmin, 0}},
  };
  for (const auto& [email, role_location] : expected) {
    HttpResult r = Login(email, kDemoPassword, "/api/v1/auth/staff/login");
    ASSERT_EQ(r.status, 200) << email;
    auth::Principal who = Decode(AccessToken(r));
    EXPECT_EQ(who.role, role_location.first) << email;
    EXPECT_EQ(who.location_id.value_or(0), role_location.second) << email;
  }
  std::string manager = AccessToken(Login("manager@comptoir.local", kDemoPassword, "/api/v1/auth/staff/login"));
  std::string admin = AccessToken(Login("admin@comptoir.local", kDemoPassword, "/api/v1/auth/staff/login"));
  EXPECT_EQ(Decode(manager).subject, "7");
  EXPECT_EQ(Decode(admin).subject, "8");
  HttpResult staff = Call("GET", "/api/v1/staff?per_page=100", {}, manager);
  ASSERT_EQ(staff.status, 200);
  EXPECT_GE(Json(staff).at("meta").at("total").as_int64(), 8);
  EXPECT_EQ(Json(staff).at("data").as_array().at(0).at("id").as_int64(), 1);

  json::object cashier{{"email", "new.cashier@comptoir.local"},
                       {"password", "new-cashier-pw"},
                       {"first_name", "Nouveau"},
                       {"last_name", "Caissier"},
                       {"role", "cashier"}};
  HttpResult no_store = Call("POST", "/api/v1/staff", json::serialize(cashier), admin);
  EXPECT_EQ(no_store.status, 400);
  EXPECT_EQ(Code(no_store), "staff.invalid");
  EXPECT_TRUE(Has(ErrorFields(no_store), "location_id"));
  EXPECT_EQ(Call("POST", "/api/v1/staff", json::serialize(cashier), manager).status, 403) << "only admins create staff";
  cashier["location_id"] = 2;
  HttpResult created = Call("POST", "/api/v1/staff", json::serialize(cashier), admin);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_GE(Json(created).at("id").as_int64(), 9) << "the identity continues after the fixed demo ids";
  EXPECT_EQ(Call("POST", "/api/v1/staff", json::serialize(cashier), admin).status, 409);
  HttpResult login = Login("new.cashier@comptoir.local", "new-cashier-pw", "/api/v1/auth/staff/login");
  ASSERT_EQ(login.status, 200);
  EXPECT_EQ(Decode(AccessToken(login)).location_id, 2);
}

TEST_F(CustomerPlatform, NoTokenDirectlyAtTheService) {
  HttpResult r = testing::Http(static_cast<std::uint16_t>(P().Port("customer")), "GET", "/api/v1/customers/me");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(Code(r), "auth.missing_token");
  HttpResult staff = testing::Http(static_cast<std::uint16_t>(P().Port("customer")), "GET", "/api/v1/customers");
  EXPECT_EQ(staff.status, 401);
  HttpResult bad = testing::Http(static_cast<std::uint16_t>(P().Port("customer")), "GET", "/api/v1/staff/me", {},
                                 {{"Authorization", "Bearer not.a.jwt"}});
  EXPECT_EQ(bad.status, 401);
  EXPECT_EQ(Code(bad), "auth.invalid_token");
}

TEST_F(CustomerPlatform, SeedIsIdempotentAndKeepsChangedPasswords) {
  // Marie changes her password; a re-seed must neither duplicate nor reset anything.
  std::string access = AccessToken(Login("marie.martin@example.com", kDemoPassword));
  ASSERT_EQ(Call("POST", "/api/v1/customers/me/password",
                 R"({"current_password": "comptoir-demo", "new_password": "marie-nouveau"})", access)
                .status,
            204);
  std::string before = testing::QueryValue(Conninfo(), "SELECT count(*) FROM customers") + "/" +
                       testing::QueryValue(Conninfo(), "SELECT count(*) FROM addresses") + "/" +
                       testing::QueryValue(Conninfo(), "SELECT count(*) FROM staff");
  std::string log = P().LogFile("customer") + ".seed";
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(testing::RunComptoir({"seed", "--service", "customer"},
                                   {{"COMPTOIR_CUSTOMER_DATABASE_URL", Conninfo()},
                                    {"COMPTOIR_AUTH_PASSWORD_MEMLIMIT_KB", "8192"},
                                    {"COMPTOIR_AUTH_PASSWORD_OPSLIMIT", "1"}},
                                   log),
              0)
        << "see " << log;
  }
  std::string after = testing::QueryValue(Conninfo(), "SELECT count(*) FROM customers") + "/" +
                      testing::QueryValue(Conninfo(), "SELECT count(*) FROM addresses") + "/" +
                      testing::QueryValue(Conninfo(), "SELECT count(*) FROM staff");
  EXPECT_EQ(before, after);
  EXPECT_EQ(Login("marie.martin@example.com", "marie-nouveau").status, 200);
  EXPECT_EQ(Login("marie.martin@example.com", kDemoPassword).status, 401);
  for (const char* email : {"jean.dupont@example.com", "marie.martin@example.com", "pierre.tremblay@example.com"}) {
    EXPECT_EQ(testing::QueryValue(Conninfo(), std::string("SELECT count(*) FROM addresses a JOIN customers c ON c.id ="
                                                          " a.customer_id WHERE a.is_default AND a.type = 'delivery'"
                                                          " AND a.city = 'Montréal' AND c.email = '") +
                                                  email + "'"),
              "1")
        << email;
  }
  EXPECT_EQ(testing::QueryValue(Conninfo(), "SELECT string_agg(id::text, ',' ORDER BY id) FROM staff WHERE id <= 8"),
            "1,2,3,4,5,6,7,8");
}

}  // namespace
}  // namespace comptoir::customer
