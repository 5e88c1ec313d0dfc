// Unit tests of keys, tokens, roles, the service policy and passwords (no I/O besides the hasher's own thread pool).
#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include <array>

#include <boost/json.hpp>

#include "comptoir/auth/auth.hpp"
#include "comptoir/auth/keys.hpp"
#include "comptoir/auth/password.hpp"
#include "comptoir/auth/service_policy.hpp"
#include "comptoir/error.hpp"
#include "comptoir/http/runtime.hpp"
#include "comptoir/testing/async.hpp"

namespace comptoir::auth {
namespace {

// RFC 8037 appendix A.1: the Ed25519 key of the examples, as PKCS#8 and SubjectPublicKeyInfo PEM.
constexpr const char* kRfcPrivatePem =
    "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n-----END PRIVATE "
    "KEY-----\n";
constexpr const char* kRfcPublicPem =
    "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n-----END PUBLIC "
    "KEY-----\n";

JwtSettings Signing() {
  static const KeyPairPem pair = GenerateEd25519KeyPair();
  JwtSettings s;
  s.issuer = "comptoir";
  s.signing_key = SigningKey::FromPem(pair.private_pem);
  s.public_key = s.signing_key.Public();
  s.access_ttl = std::chrono::seconds(900);
  s.service_ttl = std::chrono::seconds(300);
  return s;
}

JwtSettings VerifyOnly() {
  JwtSettings s = Signing();
  s.signing_key = SigningKey();
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

// A token with these claims and header, signed by `key` (or not signed at all).
std::string Craft(const boost::json::object& header, const boost::json::object& claims, const SigningKey* key) {
  std::string input =
      Base64UrlEncode(boost::json::serialize(header)) + "." + Base64UrlEncode(boost::json::serialize(claims));
  return input + "." + (key != nullptr ? Base64UrlEncode(key->Sign(input)) : std::string());
}

TEST(Base64Url, RoundTripsEveryLength) {
  std::string data;
  for (int i = 0; i < 40; ++i) {
    auto encoded = Base64UrlEncode(data);
    EXPECT_EQ(encoded.find_first_of("+/="), std::string::npos);
    EXPECT_EQ(Base64UrlDecode(encoded), data);
    EXPECT_EQ(Base64UrlDecode(Base64Encode(data)), data);
    EXPECT_EQ(Base64Encode(data).size() % 4, 0u);
    data += static_cast<char>(i * 37 + 250);
  }
  EXPECT_EQ(Base64UrlEncode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode("sales:s3cret?"), "c2FsZXM6czNjcmV0Pw==");
  EXPECT_EQ(Base64UrlDecode("Zm9vYg=="), "foob");
  EXPECT_FALSE(Base64UrlDecode("Zm9vY").has_value());
  EXPECT_FALSE(Base64UrlDecode("Zm9*").has_value());
}

TEST(Keys, Rfc8037VectorSignsAndVerifiesAsTheRfcSays) {
  // RFC 8037 A.4: JWS over {"alg":"EdDSA"} and "Example of Ed25519 signing" (independent of this code).
  const std::string input = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc";
  const std::string expected = "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";
  SigningKey key = SigningKey::FromPem(kRfcPrivatePem);
  EXPECT_EQ(Base64UrlEncode(key.Sign(input)), expected);
  PublicKey pub = PublicKey::FromPem(kRfcPublicPem);
  EXPECT_TRUE(pub.Verify(input, *Base64UrlDecode(expected)));
  EXPECT_FALSE(pub.Verify(input + "x", *Base64UrlDecode(expected)));
  EXPECT_TRUE(key.Public().Equals(pub));
  EXPECT_EQ(PublicKey::FromPem(pub.Pem()).Equals(pub), true);
}

TEST(Keys, RefuseWhatIsNotAnEd25519KeyOfTheRightKind) {
  EXPECT_THROW(PublicKey::FromPem("not a key"), std::invalid_argument);
  EXPECT_THROW(PublicKey::FromPem(kRfcPrivatePem), std::invalid_argument);  // a private key is not a public key
  EXPECT_THROW(SigningKey::FromPem(kRfcPublicPem), std::invalid_argument);
  // An RSA key is a valid PEM, but not what tokens are signed with.
  EVP_PKEY* rsa = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048));
  ASSERT_NE(rsa, nullptr);
  BIO* bio = BIO_new(BIO_s_mem());
  ASSERT_EQ(PEM_write_bio_PUBKEY(bio, rsa), 1);
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  std::string rsa_pem(data, static_cast<std::size_t>(size));
  BIO_free(bio);
  EVP_PKEY_free(rsa);
  EXPECT_THROW(PublicKey::FromPem(rsa_pem), std::invalid_argument);
  EXPECT_FALSE(PublicKey().Verify("a", std::string(64, 'x')));
}

TEST(Keys, SecretsDigestsAndRandomTokens) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");  // FIPS 180-2
  EXPECT_TRUE(ConstantTimeEquals("same", "same"));
  EXPECT_FALSE(ConstantTimeEquals("same", "sane"));
  EXPECT_FALSE(ConstantTimeEquals("same", "same!"));
  EXPECT_EQ(RandomToken(32).size(), 43u);
  EXPECT_NE(RandomToken(), RandomToken());
}

TEST(Jwt, IssuedTokenVerifiesWithItsClaimsAndOnlyThePublicKey) {
  auto token = IssueToken(Signing(), Cashier(), 1'000'000);
  EXPECT_EQ(token.substr(0, token.find('.')), Base64UrlEncode(R"({"alg":"EdDSA","typ":"JWT"})"));
  auto who = VerifyToken(VerifyOnly(), token, 1'000'100, "sales");
  EXPECT_EQ(who.subject, "staff-4");
  EXPECT_EQ(who.role, Role::kCashier);
  EXPECT_EQ(who.location_id, 4);
  EXPECT_EQ(who.expires_at, 1'000'900);
  EXPECT_TRUE(who.audience.empty());
  EXPECT_TRUE(who.IsStaff());
  EXPECT_FALSE(who.IsService());
}

TEST(Jwt, AVerifierCannotSign) {
  EXPECT_THROW((void)IssueToken(VerifyOnly(), Cashier(), 1), std::logic_error);
  EXPECT_THROW((void)IssueServiceToken(VerifyOnly(), "sales", "inventory", {}, 1), std::logic_error);
}

TEST(Jwt, RefusesExpiredTamperedForeignAndMalformedTokens) {
  auto s = VerifyOnly();
  auto token = IssueToken(Signing(), Cashier(), 1'000'000);
  EXPECT_EQ(CodeOf([&] { VerifyToken(s, token, 1'000'900 + 31, "sales"); }), "auth.token_expired");
  // Tampered payload: same signature, other claims.
  auto dot1 = token.find('.');
  auto dot2 = token.find('.', dot1 + 1);
  Principal admin = Cashier();
  admin.role = Role::kAdmin;
  auto other = IssueToken(Signing(), admin, 1'000'000);
  auto other_claims = other.substr(other.find('.'), other.find('.', other.find('.') + 1) - other.find('.'));
  auto forged = token.substr(0, dot1) + other_claims + token.substr(dot2);
  EXPECT_EQ(CodeOf([&] { VerifyToken(s, forged, 1'000'100, "sales"); }), "auth.invalid_token");
  // Signed with another key: an attacker's own pair.
  JwtSettings foreign = Signing();
  foreign.signing_key = SigningKey::FromPem(GenerateEd25519KeyPair().private_pem);
  EXPECT_EQ(CodeOf([&] { VerifyToken(s, IssueToken(foreign, admin, 1'000'000), 1'000'100, "sales"); }),
            "auth.invalid_token");
  auto wrong_issuer = s;
  wrong_issuer.issuer = "someone-else";
  EXPECT_EQ(CodeOf([&] { VerifyToken(wrong_issuer, token, 1'000'100, "sales"); }), "auth.invalid_token");
  EXPECT_EQ(CodeOf([&] { VerifyToken(s, "abc", 1, "sales"); }), "auth.invalid_token");
  EXPECT_EQ(CodeOf([&] { VerifyToken(s, "a.b.c.d", 1, "sales"); }), "auth.invalid_token");
  // alg none is refused even with an empty signature.
  std::string none = Base64UrlEncode(R"({"alg":"none"})") + "." + token.substr(dot1 + 1, dot2 - dot1 - 1) + ".";
  EXPECT_EQ(CodeOf([&] { VerifyToken(s, none, 1'000'100, "sales"); }), "auth.invalid_token");
}

TEST(Jwt, TimesOutOfRangeAreRefusedNotConverted) {
  // Found by tests/fuzz/jwt_fuzz: a double claim beyond int64 was cast (undefined behaviour), and an exp
  // near INT64_MAX overflowed when the leeway was added. Refused (or compared) without either.
  const auto s = Signing();
  const boost::json::object header{{"alg", "EdDSA"}, {"typ", "JWT"}};
  auto with_exp = [&](boost::json::value exp) {
    boost::json::object claims{{"iss", "comptoir"}, {"sub", "staff-4"}, {"role", "cashier"}, {"exp", exp}};
    return Craft(header, claims, &s.signing_key);
  };
  for (double exp : {1e52, -1e300, 9.3e18}) {
    EXPECT_EQ(CodeOf([&] { VerifyToken(VerifyOnly(), with_exp(exp), 1'000'000, "sales"); }), "auth.invalid_token")
        << exp;
  }
  // The largest exp is a valid (far) expiry, not an overflow into the past.
  EXPECT_EQ(CodeOf([&] { VerifyToken(VerifyOnly(), with_exp(INT64_MAX), 1'000'000, "sales"); }), "none");
  // A finite double in range is a time like any other.
  EXPECT_EQ(CodeOf([&] { VerifyToken(VerifyOnly(), with_exp(1'000'900.5), 1'000'000, "sales"); }), "none");
}

TEST(Jwt, AlgorithmConfusionWithThePublicKeyAsHmacSecretIsRefused) {
  // The classic attack on verifiers that let the token pick its algorithm: HS256 keyed with the public PEM.
  auto s = VerifyOnly();
  std::string pem = s.public_key.Pem();
  std::string input = Base64UrlEncode(R"({"alg":"HS256","typ":"JWT"})") + "." +
                      Base64UrlEncode(R"({"iss":"comptoir","sub":"1","role":"admin","exp":4102444800})");
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), pem.data(), static_cast<int>(pem.size()), reinterpret_cast<const unsigned char*>(input.data()),
       input.size(), mac.data(), &length);
  std::string token = input + "." + Base64UrlEncode(std::string(reinterpret_cast<const char*>(mac.data()), length));
  EXPECT_EQ(CodeOf([&] { VerifyToken(s, token, 1'700'000'000, "product"); }), "auth.invalid_token");
}

TEST(Jwt, ServiceTokensNameTheirAudienceAndScopes) {
  auto token = IssueServiceToken(Signing(), "sales", "inventory", {"movements:sale"}, 1'000'000);
  auto who = VerifyToken(VerifyOnly(), token, 1'000'100, "inventory");
  EXPECT_EQ(who.role, Role::kService);
  EXPECT_EQ(who.subject, "sales");
  EXPECT_EQ(who.audience, "inventory");
  EXPECT_EQ(who.scopes, std::vector<std::string>{"movements:sale"});
  EXPECT_TRUE(who.HasScope("movements:sale"));
  EXPECT_FALSE(who.HasScope("movements"));
  EXPECT_FALSE(who.IsStaff());
  EXPECT_EQ(who.expires_at, 1'000'300);
  // Meant for inventory: worthless anywhere else, and after its short life.
  EXPECT_EQ(CodeOf([&] { VerifyToken(VerifyOnly(), token, 1'000'100, "payment"); }), "auth.wrong_audience");
  EXPECT_EQ(CodeOf([&] { VerifyToken(VerifyOnly(), token, 1'000'300 + 31, "inventory"); }), "auth.token_expired");
  // A service token must say for whom and with what.
  SigningKey key = Signing().signing_key;
  auto now = 1'000'000;
  boost::json::object header{{"alg", "EdDSA"}};
  boost::json::object no_aud{
      {"iss", "comptoir"}, {"sub", "sales"}, {"role", "service"}, {"scope", "x"}, {"exp", now + 60}};
  JwtSettings same_key = VerifyOnly();
  same_key.public_key = key.Public();
  EXPECT_EQ(CodeOf([&] { VerifyToken(same_key, Craft(header, no_aud, &key), now, "inventory"); }),
            "auth.invalid_token");
  boost::json::object no_scope{
      {"iss", "comptoir"}, {"sub", "sales"}, {"role", "service"}, {"aud", "inventory"}, {"exp", now + 60}};
  EXPECT_EQ(CodeOf([&] { VerifyToken(same_key, Craft(header, no_scope, &key), now, "inventory"); }),
            "auth.invalid_token");
  // A person's token with an audience is held to it too.
  boost::json::object person{{"iss", "comptoir"}, {"sub", "1"}, {"role", "admin"}, {"aud", "order"}, {"exp", now + 60}};
  EXPECT_EQ(CodeOf([&] { VerifyToken(same_key, Craft(header, person, &key), now, "product"); }), "auth.wrong_audience");
}

TEST(Verifier, ReadsTheBearerHeaderAndRecordsWhoActs) {
  Verifier verifier(VerifyOnly(), "inventory");
  http::Request request;
  EXPECT_EQ(CodeOf([&] { (void)verifier.Authenticate(request); }), "auth.missing_token");
  EXPECT_FALSE(verifier.Optional(request).has_value());
  request.headers.Set("Authorization", "Basic dXNlcjpwYXNz");
  EXPECT_EQ(CodeOf([&] { (void)verifier.Authenticate(request); }), "auth.invalid_token");
  request.headers.Set("Authorization", "bearer " + IssueToken(Signing(), Cashier(), NowSeconds()));
  request.headers.Set(kOnBehalfOfHeader, "admin:1");  // a person cannot name someone else
  EXPECT_EQ(verifier.Authenticate(request).subject, "staff-4");
  EXPECT_EQ(request.on_behalf_of, "cashier:staff-4");

  http::Request from_sales;
  from_sales.headers.Set("Authorization", "Bearer " + IssueServiceToken(Signing(), "sales", "inventory",
                                                                        {"movements:sale"}, NowSeconds()));
  from_sales.headers.Set(kOnBehalfOfHeader, "cashier:4");
  Principal sales = verifier.Authenticate(from_sales);
  EXPECT_EQ(sales.on_behalf_of, "cashier:4");
  EXPECT_EQ(from_sales.on_behalf_of, "cashier:4");
  from_sales.headers.Set(kOnBehalfOfHeader, std::string(500, 'a'));  // not recorded: not a name
  EXPECT_EQ(verifier.Authenticate(from_sales).on_behalf_of, "");
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
  Principal service;
  service.role = Role::kService;
  service.subject = "sales";
  EXPECT_EQ(CodeOf([&] { RequireStaffAt(service, 5, "selling"); }), "auth.forbidden");
  EXPECT_EQ(CodeOf([&] { RequireRole(cashier, {Role::kLogistics, Role::kAdmin}, "approving"); }), "auth.forbidden");
  EXPECT_NO_THROW(RequireRole(cashier, {Role::kCashier}, "selling"));
  EXPECT_TRUE(SeesEverything(manager));
  EXPECT_FALSE(SeesEverything(cashier));
  EXPECT_EQ(ParseRole("logistics"), Role::kLogistics);
  EXPECT_EQ(ParseRole("service"), Role::kService);
  EXPECT_FALSE(ParseRole("root").has_value());
}

TEST(ServicePolicy, EachClientGetsOnlyWhatTheTableGives) {
  EXPECT_EQ(AllowedScopes("sales", "inventory"), std::vector<std::string>{"movements:sale"});
  EXPECT_EQ(AllowedScopes("order", "inventory"),
            (std::vector<std::string>{"reservations:centre", "movements:order_return"}));
  EXPECT_EQ(AllowedScopes("order", "payment"), (std::vector<std::string>{"charges:write", "charges:refund"}));
  EXPECT_EQ(AllowedScopes("order", "cart"), std::vector<std::string>{"carts:empty"});
  EXPECT_TRUE(AllowedScopes("sales", "payment").empty());  // payment answers only order
  EXPECT_TRUE(AllowedScopes("cart", "inventory").empty());
  EXPECT_TRUE(AllowedScopes("reporting", "customer").empty());
  EXPECT_TRUE(AllowedScopes("inventory", "inventory").empty());

  Principal sales;
  sales.role = Role::kService;
  sales.subject = "sales";
  sales.scopes = {"movements:sale"};
  EXPECT_NO_THROW(RequireService(sales, "sales", scope::kSaleMovements, "selling"));
  EXPECT_EQ(CodeOf([&] { RequireService(sales, "order", scope::kCentreReservations, "reserving"); }), "auth.forbidden");
  sales.scopes.clear();
  EXPECT_EQ(CodeOf([&] { RequireService(sales, "sales", scope::kSaleMovements, "selling"); }),
            "auth.insufficient_scope");
  Principal admin;
  admin.role = Role::kAdmin;
  admin.subject = "sales";  // a person named like a service is still a person
  EXPECT_EQ(CodeOf([&] { RequireService(admin, "sales", scope::kSaleMovements, "selling"); }), "auth.forbidden");
}

config::Source SourceOf(std::map<std::string, std::string> env) {
  return config::Source("", [env](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  });
}

std::string Problems(const config::Source& source) {
  try {
    source.ThrowIfErrors();
  } catch (const config::ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(Settings, TheOldSharedSecretAloneIsAClearConfigurationError) {
  auto source = SourceOf({{"COMPTOIR_AUTH_JWT_SECRET", std::string(40, 's')}});
  (void)LoadJwtSettings(source);
  std::string problems = Problems(source);
  EXPECT_NE(problems.find("auth.jwt_secret"), std::string::npos) << problems;
  EXPECT_NE(problems.find("COMPTOIR_AUTH_JWT_PUBLIC_KEY"), std::string::npos) << problems;

  auto nothing = SourceOf({});
  (void)LoadJwtSettings(nothing);
  EXPECT_NE(Problems(nothing).find("auth.jwt_public_key"), std::string::npos);
  auto customer = SourceOf({{"COMPTOIR_AUTH_JWT_SECRET", std::string(40, 's')}});
  (void)LoadSigningJwtSettings(customer);
  EXPECT_NE(Problems(customer).find("auth.signing_key"), std::string::npos);
}

TEST(Settings, VerifiersReadThePublicKeyAndNeverTheSigningKey) {
  auto pair = GenerateEd25519KeyPair();
  std::string one_line = pair.public_pem;
  for (auto at = one_line.find('\n'); at != std::string::npos; at = one_line.find('\n', at))
    one_line.replace(at, 1, "\\n");
  auto source = SourceOf({{"COMPTOIR_AUTH_JWT_PUBLIC_KEY", one_line}, {"COMPTOIR_AUTH_SIGNING_KEY", pair.private_pem}});
  JwtSettings s = LoadJwtSettings(source);
  EXPECT_EQ(Problems(source), "");
  EXPECT_TRUE(s.public_key);
  EXPECT_FALSE(s.signing_key);  // even with the private key in its environment, a verifier cannot sign
  EXPECT_EQ(s.service_ttl.count(), 300);

  auto bad =
      SourceOf({{"COMPTOIR_AUTH_JWT_PUBLIC_KEY", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"}});
  (void)LoadJwtSettings(bad);
  EXPECT_NE(Problems(bad).find("auth.jwt_public_key"), std::string::npos);
}

TEST(Settings, TheSignerDerivesItsPublicKeyAndRefusesAMismatchedOne) {
  auto pair = GenerateEd25519KeyPair();
  auto source = SourceOf({{"COMPTOIR_AUTH_SIGNING_KEY", pair.private_pem}});
  JwtSettings s = LoadSigningJwtSettings(source);
  EXPECT_EQ(Problems(source), "");
  ASSERT_TRUE(s.signing_key);
  EXPECT_TRUE(s.public_key.Equals(PublicKey::FromPem(pair.public_pem)));
  auto mismatch = SourceOf({{"COMPTOIR_AUTH_SIGNING_KEY", pair.private_pem},
                            {"COMPTOIR_AUTH_JWT_PUBLIC_KEY", GenerateEd25519KeyPair().public_pem}});
  (void)LoadSigningJwtSettings(mismatch);
  EXPECT_NE(Problems(mismatch).find("does not match"), std::string::npos);
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
