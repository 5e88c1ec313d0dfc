// JWS verification with OpenSSL 3 EVP (RFC 7518 §3.3–3.5, RFC 8037): one parse at load, one
// EVP_DigestVerify per token.
#include "comptoir/gateway/jwt_key.hpp"

#include <openssl/bn.h>
#include <openssl/decoder.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace comptoir::gateway {
namespace {

struct AlgorithmSpec {
  std::string_view name;
  enum class Family { kRsa, kRsaPss, kEcdsa, kEdDsa } family;
  const EVP_MD* (*digest)();
  int curve_nid = NID_undef;   ///< ECDSA: the JWA curve
  std::size_t coordinate = 0;  ///< ECDSA: bytes of r and of s in the JWS signature
};

const AlgorithmSpec* FindSpec(std::string_view algorithm) {
  using F = AlgorithmSpec::Family;
  static const std::array<AlgorithmSpec, 10> kSpecs = {{
      {"RS256", F::kRsa, EVP_sha256},
      {"RS384", F::kRsa, EVP_sha384},
      {"RS512", F::kRsa, EVP_sha512},
      {"PS256", F::kRsaPss, EVP_sha256},
      {"PS384", F::kRsaPss, EVP_sha384},
      {"PS512", F::kRsaPss, EVP_sha512},
      {"ES256", F::kEcdsa, EVP_sha256, NID_X9_62_prime256v1, 32},
      {"ES384", F::kEcdsa, EVP_sha384, NID_secp384r1, 48},
      {"ES512", F::kEcdsa, EVP_sha512, NID_secp521r1, 66},
      {"EdDSA", F::kEdDsa, nullptr},
  }};
  for (const auto& s : kSpecs) {
    if (s.name == algorithm) return &s;
  }
  return nullptr;
}

std::string OpenSslError() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown error";
  std::array<char, 256> buf{};
  ERR_error_string_n(code, buf.data(), buf.size());
  return buf.data();
}

int CurveNid(EVP_PKEY* key) {
  std::array<char, 80> name{};
  std::size_t len = 0;
  if (EVP_PKEY_get_group_name(key, name.data(), name.size(), &len) != 1) return NID_undef;
  int nid = OBJ_txt2nid(name.data());
  if (nid == NID_undef) nid = EC_curve_nist2nid(name.data());
  return nid;
}

/// The JWS form of an ECDSA signature (r || s, each `n` bytes) as the DER that OpenSSL verifies.
std::optional<std::vector<unsigned char>> EcdsaRawToDer(std::string_view raw, std::size_t n) {
  if (raw.size() != 2 * n) return std::nullopt;
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  BIGNUM* r = BN_bin2bn(bytes, static_cast<int>(n), nullptr);
  BIGNUM* s = BN_bin2bn(bytes + n, static_cast<int>(n), nullptr);
  ECDSA_SIG* sig = ECDSA_SIG_new();
  if (r == nullptr || s == nullptr || sig == nullptr || ECDSA_SIG_set0(sig, r, s) != 1) {
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(sig);
    return std::nullopt;
  }
  std::optional<std::vector<unsigned char>> der;
  const int size = i2d_ECDSA_SIG(sig, nullptr);
  if (size > 0) {
    der.emplace(static_cast<std::size_t>(size));
    unsigned char* out = der->data();
    if (i2d_ECDSA_SIG(sig, &out) != size) der.reset();
  }
  ECDSA_SIG_free(sig);
  return der;
}

}  // namespace

struct JwtPublicKey::Key {
  EVP_PKEY* pkey = nullptr;
  ~Key() { EVP_PKEY_free(pkey); }
};

bool IsAsymmetricJwtAlgorithm(std::string_view algorithm) {
  return FindSpec(algorithm) != nullptr;
}

JwtPublicKey::JwtPublicKey(std::unique_ptr<Key> key) : key_(std::move(key)) {}
JwtPublicKey::~JwtPublicKey() = default;

std::shared_ptr<const JwtPublicKey> JwtPublicKey::Parse(std::string_view text, std::string& error) {
  // A private key would parse too (it holds the public one), but it has no business in the
  // gateway's configuration: refuse it rather than keep it in memory.
  if (text.find("PRIVATE KEY") != std::string_view::npos) {
    error = "a private key was given; the gateway needs only the public key (-----BEGIN PUBLIC KEY-----)";
    return nullptr;
  }
  auto key = std::make_unique<Key>();
  OSSL_DECODER_CTX* decoder =
      OSSL_DECODER_CTX_new_for_pkey(&key->pkey, nullptr, nullptr, nullptr, EVP_PKEY_PUBLIC_KEY, nullptr, nullptr);
  if (decoder == nullptr) {
    error = "cannot create a key decoder: " + OpenSslError();
    return nullptr;
  }
  const auto* data = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t length = text.size();
  const bool ok = OSSL_DECODER_from_data(decoder, &data, &length) == 1 && key->pkey != nullptr;
  OSSL_DECODER_CTX_free(decoder);
  if (!ok) {
    ERR_clear_error();
    error = "not a PEM public key (expected -----BEGIN PUBLIC KEY-----)";
    return nullptr;
  }
  return std::shared_ptr<const JwtPublicKey>(new JwtPublicKey(std::move(key)));
}

std::string JwtPublicKey::Description() const {
  EVP_PKEY* k = key_->pkey;
  if (EVP_PKEY_is_a(k, "RSA") || EVP_PKEY_is_a(k, "RSA-PSS")) {
    return std::string(EVP_PKEY_is_a(k, "RSA") ? "RSA " : "RSA-PSS ") + std::to_string(EVP_PKEY_get_bits(k)) + " bits";
  }
  if (EVP_PKEY_is_a(k, "EC")) {
    const int nid = CurveNid(k);
    const char* nist = nid == NID_undef ? nullptr : EC_curve_nid2nist(nid);
    return std::string("EC ") + (nist != nullptr ? nist : nid == NID_undef ? "unknown curve" : OBJ_nid2sn(nid));
  }
  const char* type = EVP_PKEY_get0_type_name(k);
  return type != nullptr ? type : "unknown key type";
}

std::string JwtPublicKey::CheckAlgorithm(std::string_view algorithm) const {
  const AlgorithmSpec* spec = FindSpec(algorithm);
  if (spec == nullptr) return "algorithm " + std::string(algorithm) + " does not use a public key";
  EVP_PKEY* k = key_->pkey;
  using F = AlgorithmSpec::Family;
  bool fits = false;
  std::string needed;
  switch (spec->family) {
    case F::kRsa:
      fits = EVP_PKEY_is_a(k, "RSA");
      needed = "an RSA key";
      break;
    case F::kRsaPss:
      fits = EVP_PKEY_is_a(k, "RSA") || EVP_PKEY_is_a(k, "RSA-PSS");
      needed = "an RSA key";
      break;
    case F::kEcdsa:
      fits = EVP_PKEY_is_a(k, "EC") && CurveNid(k) == spec->curve_nid;
      needed = std::string("an EC ") + EC_curve_nid2nist(spec->curve_nid) + " key";
      break;
    case F::kEdDsa:
      fits = EVP_PKEY_is_a(k, "ED25519") || EVP_PKEY_is_a(k, "ED448");
      needed = "an Ed25519 or Ed448 key";
      break;
  }
  if (fits) return {};
  return "algorithm " + std::string(algorithm) + " needs " + needed + ", the key is " + Description();
}

bool JwtPublicKey::Verify(std::string_view algorithm, std::string_view signing_input,
                          std::string_view signature) const {
  const AlgorithmSpec* spec = FindSpec(algorithm);
  if (spec == nullptr || !CheckAlgorithm(algorithm).empty()) return false;
  using F = AlgorithmSpec::Family;
  std::optional<std::vector<unsigned char>> der;
  const auto* sig = reinterpret_cast<const unsigned char*>(signature.data());
  std::size_t sig_len = signature.size();
  if (spec->family == F::kEcdsa) {
    der = EcdsaRawToDer(signature, spec->coordinate);
    if (!der) return false;
    sig = der->data();
    sig_len = der->size();
  }
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) return false;
  EVP_PKEY_CTX* pctx = nullptr;
  bool ok =
      EVP_DigestVerifyInit(ctx, &pctx, spec->digest != nullptr ? spec->digest() : nullptr, nullptr, key_->pkey) == 1;
  if (ok && spec->family == F::kRsaPss) {
    // RFC 7518 §3.5: MGF1 with the same hash, salt as long as the hash.
    ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1;
  }
  ok = ok && EVP_DigestVerify(ctx, sig, sig_len, reinterpret_cast<const unsigned char*>(signing_input.data()),
                              signing_input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) ERR_clear_error();
  return ok;
}

}  // namespace comptoir::gateway
