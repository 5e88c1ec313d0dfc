// The jwt plugin with asymmetric credentials (jwt_secrets.rsa_public_key): RS*, PS*, ES*, EdDSA,
// with keys generated here, and Kong's messages for everything that goes wrong.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <openssl/encoder.h>
#include <openssl/hmac.h>

#include <map>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "comptoir/gateway/jwt_key.hpp"
#include "comptoir/gateway/plugins/factories.hpp"
#include "comptoir/gateway/plugins/test_keys.hpp"
#include "comptoir/gateway/plugins/test_support.hpp"

namespace comptoir::gateway::plugins {
namespace {

namespace json = boost::json;
namespace k = gateway::testing;

struct KeyCase {
  std::string alg;
  std::string type;
  std::string curve;
};

const std::vector<KeyCase>& Cases() {
  static const std::vector<KeyCase> cases = {
      {"RS256", "RSA", ""},     {"RS384", "RSA", ""},     {"RS512", "RSA", ""},     {"PS256", "RSA", ""},
      {"PS384", "RSA", ""},     {"PS512", "RSA", ""},     {"ES256", "EC", "P-256"}, {"ES384", "EC", "P-384"},
      {"ES512", "EC", "P-521"}, {"EdDSA", "ED25519", ""},
  };
  return cases;
}

/// One key pair per key kind, made once (RSA generation is the slow part).
EVP_PKEY* KeyFor(const KeyCase& c) {
  static std::map<std::string, k::Pkey> keys;
  auto& slot = keys[c.type + c.curve];
  if (!slot) slot = k::GenerateKey(c.type, c.curve);
  return slot.get();
}

std::shared_ptr<const JwtPublicKey> Parsed(const std::string& pem) {
  std::string error;
  auto key = JwtPublicKey::Parse(pem, error);
  EXPECT_NE(key, nullptr) << error;
  return key;
}

/// A config with one consumer and one credential per algorithm, key "iss-<alg>".
Config MakeConfig() {
  Config c;
  c.consumers.push_back({"c-svc", "svc", "", {}});
  c.consumer_by_name["svc"] = 0;
  for (const auto& kc : Cases()) {
    JwtSecret s{"jwt-" + kc.alg, 0, "iss-" + kc.alg, "unused-secret", kc.alg};
    s.rsa_public_key = k::PublicPem(KeyFor(kc));
    s.public_key = Parsed(s.rsa_public_key);
    c.jwt_by_key[s.key] = static_cast<int>(c.jwt_secrets.size());
    c.jwt_secrets.push_back(std::move(s));
  }
  return c;
}

std::optional<http::Response> Verify(const testing::MadePlugin& m, const Config& config, const std::string& token) {
  http::Request req;
  req.headers.Set("Authorization", "Bearer " + token);
  RequestContext ctx{.request = req, .config = config};
  m.plugin->Access(ctx);
  return ctx.exit;
}

std::string Message(const std::optional<http::Response>& exit) {
  if (!exit) return "ok";
  EXPECT_EQ(exit->status, 401);
  return std::string(json::parse(exit->body).at("message").as_string());
}

TEST(JwtAsymmetric, EveryAlgorithmVerifiesItsOwnSignatures) {
  auto m = testing::MakePlugin(CreateJwt, "jwt", "{}");
  const Config config = MakeConfig();
  for (const auto& kc : Cases()) {
    SCOPED_TRACE(kc.alg);
    const std::string token = k::SignJwt(kc.alg, KeyFor(kc), {{"iss", "iss-" + kc.alg}, {"sub", "order"}});
    http::Request req;
    req.headers.Set("Authorization", "Bearer " + token);
    RequestContext ctx{.request = req, .config = config};
    m.plugin->Access(ctx);
    EXPECT_FALSE(ctx.exit.has_value()) << ctx.exit->body;
    EXPECT_EQ(ctx.credential_id, "jwt-" + kc.alg);
    EXPECT_EQ(*req.headers.Get("X-Consumer-Username"), "svc");
  }
}

TEST(JwtAsymmetric, ForgedOrForeignSignaturesAreInvalid) {
  auto m = testing::MakePlugin(CreateJwt, "jwt", "{}");
  const Config config = MakeConfig();
  for (const auto& kc : Cases()) {
    SCOPED_TRACE(kc.alg);
    const std::string iss = "iss-" + kc.alg;
    // Claims changed after signing (a shopper making themselves admin).
    std::string token = k::SignJwt(kc.alg, KeyFor(kc), {{"iss", iss}, {"role", "customer"}});
    const auto d1 = token.find('.');
    const auto d2 = token.find('.', d1 + 1);
    const std::string forged = token.substr(0, d1) + "." +
                               k::B64Url(json::serialize(json::object{{"iss", iss}, {"role", "admin"}})) +
                               token.substr(d2);
    EXPECT_EQ(Message(Verify(m, config, forged)), "Invalid signature");
    // Signed by another key of the same kind (someone else's key pair).
    auto other = k::GenerateKey(kc.type, kc.curve);
    EXPECT_EQ(Message(Verify(m, config, k::SignJwt(kc.alg, other.get(), {{"iss", iss}}))), "Invalid signature");
    // A signature of the wrong size (ECDSA's r||s is fixed) or empty.
    EXPECT_EQ(Message(Verify(m, config, token.substr(0, d2) + "." + k::B64Url("short"))), "Invalid signature");
    EXPECT_EQ(Message(Verify(m, config, token.substr(0, d2) + ".")), "Invalid signature");
  }
}

TEST(JwtAsymmetric, AlgorithmConfusionIsRefused) {
  auto m = testing::MakePlugin(CreateJwt, "jwt", "{}");
  const Config config = MakeConfig();
  const KeyCase& ed = Cases().back();
  // The classic attack: an HS256 token whose HMAC key is the (public) PEM.
  const std::string pem = k::PublicPem(KeyFor(ed));
  const json::object header{{"alg", "HS256"}, {"typ", "JWT"}};
  const std::string input = k::B64Url(json::serialize(header)) + "." + k::B64Url(R"({"iss":"iss-EdDSA"})");
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), pem.data(), static_cast<int>(pem.size()), reinterpret_cast<const unsigned char*>(input.data()),
       input.size(), mac, &len);
  const std::string hs = input + "." + k::B64Url(std::string_view(reinterpret_cast<char*>(mac), len));
  EXPECT_EQ(Message(Verify(m, config, hs)), "Invalid algorithm");
  // A token of one asymmetric algorithm against a credential of another.
  const KeyCase& rs = Cases().front();
  EXPECT_EQ(Message(Verify(m, config, k::SignJwt("RS256", KeyFor(rs), {{"iss", "iss-PS256"}}))), "Invalid algorithm");
  EXPECT_EQ(Message(Verify(m, config, k::SignJwt("EdDSA", KeyFor(ed), {{"iss", "iss-RS256"}}))), "Invalid algorithm");
}

TEST(JwtAsymmetric, MissingOrUndecodableKeyIsInvalidKeySecret) {
  Config config = MakeConfig();
  const KeyCase& ed = Cases().back();
  const std::string token = k::SignJwt("EdDSA", KeyFor(ed), {{"iss", "iss-EdDSA"}});
  // Kong decodes rsa_public_key with secret_is_base64 too; a PEM never decodes.
  auto b64 = testing::MakePlugin(CreateJwt, "jwt", R"({"secret_is_base64":true})");
  EXPECT_EQ(Message(Verify(b64, config, token)), "Invalid key/secret");
  // A credential without a parsed key (the loader never builds one, a hand-made config may).
  auto m = testing::MakePlugin(CreateJwt, "jwt", "{}");
  config.jwt_secrets[static_cast<std::size_t>(config.jwt_by_key.at("iss-EdDSA"))].public_key.reset();
  EXPECT_EQ(Message(Verify(m, config, token)), "Invalid key/secret");
}

TEST(JwtAsymmetric, ClaimsAreCheckedAfterTheSignature) {
  auto m = testing::MakePlugin(CreateJwt, "jwt", R"({"claims_to_verify":["exp"]})");
  const Config config = MakeConfig();
  const KeyCase& ed = Cases().back();
  auto exit = Verify(m, config, k::SignJwt("EdDSA", KeyFor(ed), {{"iss", "iss-EdDSA"}, {"exp", 1}}));
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(exit->body, R"({"exp":"token expired"})");
}

TEST(JwtPublicKey, ParsesSpkiAndPkcs1AndRefusesTheRest) {
  auto rsa = k::GenerateKey("RSA");
  std::string error;
  auto spki = JwtPublicKey::Parse(k::PublicPem(rsa.get()), error);
  ASSERT_NE(spki, nullptr) << error;
  EXPECT_EQ(spki->Description(), "RSA 2048 bits");
  EXPECT_EQ(spki->CheckAlgorithm("RS256"), "");
  EXPECT_EQ(spki->CheckAlgorithm("PS512"), "");

  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, rsa.get());
  // PKCS#1 (-----BEGIN RSA PUBLIC KEY-----), as `openssl rsa -RSAPublicKey_out` writes it.
  OSSL_ENCODER_CTX* enc =
      OSSL_ENCODER_CTX_new_for_pkey(rsa.get(), EVP_PKEY_PUBLIC_KEY, "PEM", "type-specific", nullptr);
  unsigned char* data = nullptr;
  std::size_t len = 0;
  ASSERT_EQ(OSSL_ENCODER_to_data(enc, &data, &len), 1);
  const std::string pkcs1(reinterpret_cast<char*>(data), len);
  OPENSSL_free(data);
  OSSL_ENCODER_CTX_free(enc);
  BIO_free(bio);
  ASSERT_NE(pkcs1.find("BEGIN RSA PUBLIC KEY"), std::string::npos) << pkcs1;
  EXPECT_NE(JwtPublicKey::Parse(pkcs1, error), nullptr) << error;

  EXPECT_EQ(JwtPublicKey::Parse("not a key", error), nullptr);
  EXPECT_EQ(error, "not a PEM public key (expected -----BEGIN PUBLIC KEY-----)");
  std::string truncated = k::PublicPem(rsa.get());
  truncated.erase(truncated.size() / 2, 20);
  EXPECT_EQ(JwtPublicKey::Parse(truncated, error), nullptr);
  EXPECT_EQ(JwtPublicKey::Parse(k::PrivatePem(rsa.get()), error), nullptr);
  EXPECT_NE(error.find("private key"), std::string::npos) << error;
}

TEST(JwtPublicKey, KeyMustFitTheAlgorithm) {
  auto p384 = k::GenerateKey("EC", "P-384");
  auto ed = k::GenerateKey("ED25519");
  std::string error;
  auto ec_key = JwtPublicKey::Parse(k::PublicPem(p384.get()), error);
  auto ed_key = JwtPublicKey::Parse(k::PublicPem(ed.get()), error);
  ASSERT_NE(ec_key, nullptr);
  ASSERT_NE(ed_key, nullptr);
  EXPECT_EQ(ec_key->CheckAlgorithm("ES384"), "");
  EXPECT_EQ(ec_key->CheckAlgorithm("ES256"), "algorithm ES256 needs an EC P-256 key, the key is EC P-384");
  EXPECT_EQ(ed_key->CheckAlgorithm("EdDSA"), "");
  EXPECT_EQ(ed_key->CheckAlgorithm("RS256"), "algorithm RS256 needs an RSA key, the key is ED25519");
  EXPECT_EQ(ec_key->CheckAlgorithm("EdDSA"), "algorithm EdDSA needs an Ed25519 or Ed448 key, the key is EC P-384");
  // A valid ES384 signature is not accepted as ES256 (the curve decides, not the token).
  const std::string sig = k::SignInput("ES384", p384.get(), "a.b");
  EXPECT_TRUE(ec_key->Verify("ES384", "a.b", sig));
  EXPECT_FALSE(ec_key->Verify("ES256", "a.b", sig));
  EXPECT_FALSE(ec_key->Verify("ES384", "a.c", sig));
}

}  // namespace
}  // namespace comptoir::gateway::plugins
