// Unit tests of tokens, roles and passwords (no I/O besides the hasher's own thread pool).
#include <gtest/gtest.h>

#include "comptoir/auth/auth.hpp"
#include "comptoir/auth/password.hpp"
#include "comptoir/error.hpp"
#include "comptoir/http/runtime.hpp"
#include "comptoir/testing/async.hpp"

namespace comptoir::auth {
namespace {

JwtSettings Settings() {
  JwtSettings s;
  s.issuer = "comptoir";
  s.secret = "0123456789abcdef0123456789abcdef";
  s.access_ttl = std::chrono::seconds(900);
  return s;
}

Principal Cashier() {
  Principal p;
  p.subject = "staff-4";
  p.role = Role::kCashier;
  p.location_id = 4;
  return p;
}

std::string CodeOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const ApiError& e) {
    return e.code();
  }
  return "none";
}

TEST(Base64Url, RoundTripsEveryLength) {
  std::string data;
  for (int i = 0; i < 40; ++i) {
    auto encoded = Base64UrlEncode(data);
    EXPECT_EQ(encoded.find_first_of("+/="), std::string::npos);
    EXPECT_EQ(Base64UrlDecode(encoded), data);
    data += static_cast<char>(i * 37 + 250);
  }
  EXPECT_EQ(Base64UrlEncode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64UrlDecode("Zm9vYg=="), "foob");
  EXPECT_FALSE(Base64UrlDecode("Zm9vY").has_value());
  EXPECT_FALSE(Base64UrlDecode("Zm9*").has_value());
}

TEST(Jwt, IssuedTokenVerifiesWithItsClaims) {
  auto token = IssueToken(Settings(), Cashier(), 1'000'000);
  auto who = VerifyToken(Settings(), token, 1'000'100);
  EXPECT_EQ(who.subject, "staff-4");
  EXPECT_EQ(who.role, Role::kCashier);
  EXPECT_EQ(who.location_id, 4);
  EXPECT_EQ(who.expires_at, 1'000'900);
}

TEST(Jwt, KnownVectorFromAnotherImplementation) {
  // HS256 over {"alg":"HS256","typ":"JWT"}.{"iss":"comptoir","sub":"1","role":"customer","exp":4102444800}
  // with the secret above, signed by Python's hmac module (independent of this code).
  JwtSettings s = Settings();
  const std::string token =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
      "eyJpc3MiOiJjb21wdG9pciIsInN1YiI6IjEiLCJyb2xlIjoiY3VzdG9tZXIiLCJleHAiOjQxMDI0NDQ4MDB9."
      "wGWkD02BbTC7u__Sk3lCIzuQtSMydJeIy2n0sB1QlwE";
  auto who = VerifyToken(s, token, 1'700'000'000);
  EXPECT_EQ(who.subject, "1");
  EXPECT_EQ(who.role, Role::kCustomer);
  EXPECT_FALSE(who.location_id.has_value());
}

TEST(Jwt, RefusesExpiredTamperedForeignAndMalformedTokens) {
  auto s = Settings();
  auto token = IssueToken(s, Cashier(), 1'000'000);
  EXPECT_EQ(CodeOf([&] { VerifyToken(s, token, 1'000'900 + 31); }), "auth.token_expired");
  // Tampered payload: same signature, other claims.
  auto dot1 = token.find('.');
  auto dot2 = token.find('.', dot1 + 1);
  Principal admin = Cashier();
  admin.role = Role::kAdmin;
  auto other = IssueToken(s, admin, 1'000'000);
  auto forged = token.substr(0, dot1) + other.substr(other.find('.'), other.find('.', other.find('.') + 1) -
                                                                          other.find('.')) +
                token.substr(dot2);
  EXPECT_EQ(CodeOf([&] { VerifyToken(s, forged, 1'000'100); }), "auth.invalid_token");
  auto wrong_secret = s;
  wrong_secret.secret = "another-secret-another-secret-xx";
  EXPECT_EQ(CodeOf([&] { VerifyToken(wrong_secret, token, 1'000'100); }), "auth.invalid_token");
  auto wrong_issuer = s;
  wrong_issuer.issuer = "someone-else";
  EXPECT_EQ(CodeOf([&] { VerifyToken(wrong_issuer, token, 1'000'100); }), "auth.invalid_token");
  EXPECT_EQ(CodeOf([&] { VerifyToken(s, "abc", 1); }), "auth.invalid_token");
  EXPECT_EQ(CodeOf([&] { VerifyToken(s, "a.b.c.d", 1); }), "auth.invalid_token");
  // alg none is refused even with an empty signature.
  std::string none = Base64UrlEncode(R"({"alg":"none"})") + "." + token.substr(dot1 + 1, dot2 - dot1 - 1) + ".";
  EXPECT_EQ(CodeOf([&] { VerifyToken(s, none, 1'000'100); }), "auth.invalid_token");
}

TEST(Verifier, ReadsTheBearerHeader) {
  Verifier verifier(Settings());
  http::Request request;
  EXPECT_EQ(CodeOf([&] { (void)verifier.Authenticate(request); }), "auth.missing_token");
  EXPECT_FALSE(verifier.Optional(request).has_value());
  request.headers.Set("Authorization", "Basic dXNlcjpwYXNz");
  EXPECT_EQ(CodeOf([&] { (void)verifier.Authenticate(request); }), "auth.invalid_token");
  request.headers.Set("Authorization", "bearer " + IssueToken(Settings(), Cashier(), NowSeconds()));
  EXPECT_EQ(verifier.Authenticate(request).subject, "staff-4");
}

TEST(Roles, StaffAtLocation) {
  Principal cashier = Cashier();
  EXPECT_NO_THROW(RequireStaffAt(cashier, 4, "selling"));
  EXPECT_EQ(CodeOf([&] { RequireStaffAt(cashier, 5, "selling"); }), "auth.wrong_location");
  Principal manager;
  manager.role = Role::kManager;
  EXPECT_NO_THROW(RequireStaffAt(manager, 5, "selling"));
  Principal shopper;
  EXPECT_EQ(CodeOf([&] { RequireStaffAt(shopper, 5, "selling"); }), "auth.forbidden");
  EXPECT_EQ(CodeOf([&] { RequireRole(cashier, {Role::kLogistics, Role::kAdmin}, "approving"); }), "auth.forbidden");
  EXPECT_NO_THROW(RequireRole(cashier, {Role::kCashier}, "selling"));
  EXPECT_TRUE(SeesEverything(manager));
  EXPECT_FALSE(SeesEverything(cashier));
  EXPECT_EQ(ParseRole("logistics"), Role::kLogistics);
  EXPECT_FALSE(ParseRole("root").has_value());
}

TEST(Passwords, HashAndVerifyOffTheEventLoop) {
  // Small cost: the test checks behaviour, not strength.
  PasswordHasher hasher(1, PasswordCost{1, 8 * 1024 * 1024});
  http::Runtime runtime(1);
  auto hash = testing::RunAsync(runtime, hasher.Hash("comptoir-demo"));
  EXPECT_TRUE(hash.starts_with("$argon2id$"));
  EXPECT_TRUE(testing::RunAsync(runtime, hasher.Verify(hash, "comptoir-demo")));
  EXPECT_FALSE(testing::RunAsync(runtime, hasher.Verify(hash, "comptoir-demO")));
  EXPECT_FALSE(testing::RunAsync(runtime, hasher.Verify("", "comptoir-demo")));
  EXPECT_FALSE(hasher.VerifyNow("plain-text", "plain-text"));
  EXPECT_NE(hasher.HashNow("same"), hasher.HashNow("same"));  // fresh salt each time
}

}  // namespace
}  // namespace comptoir::auth
