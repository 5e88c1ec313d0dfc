#pragma once
// Shared by the gateway's tests: key pairs generated in the test (OpenSSL 3 EVP keygen), their
// PEM public keys, and JWS tokens signed the way any JWT library signs them. Test code only.
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include <boost/json.hpp>

namespace comptoir::gateway::testing {

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

/// "RSA" (2048 bits), "RSA-PSS", "EC" with a curve ("P-256", "P-384", "P-521"), "ED25519", "ED448".
inline Pkey GenerateKey(std::string_view type, std::string_view curve = {}) {
  EVP_PKEY* k = nullptr;
  if (type == "RSA" || type == "RSA-PSS") {
    k = EVP_PKEY_Q_keygen(nullptr, nullptr, std::string(type).c_str(), static_cast<std::size_t>(2048));
  } else if (type == "EC") {
    k = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", std::string(curve).c_str());
  } else {
    k = EVP_PKEY_Q_keygen(nullptr, nullptr, std::string(type).c_str());
  }
  if (k == nullptr) throw std::runtime_error("key generation failed for " + std::string(type));
  return Pkey(k);
}

inline std::string BioText(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  return out;
}

/// The SubjectPublicKeyInfo PEM (-----BEGIN PUBLIC KEY-----), what a jwt_secrets credential holds.
inline std::string PublicPem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, key);
  return BioText(bio);
}

/// The private key as PKCS#8 PEM (to check that the loader refuses it).
inline std::string PrivatePem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  return BioText(bio);
}

inline std::string B64Url(std::string_view in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  out.resize(static_cast<std::size_t>(n));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (auto& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

/// Signs `input` for the JWS algorithm `alg` (RS*, PS*, ES*, EdDSA) with `key`; ECDSA signatures
/// come out as JWS wants them (r || s, fixed size), not DER.
inline std::string SignInput(std::string_view alg, EVP_PKEY* key, std::string_view input) {
  const EVP_MD* md = nullptr;
  if (alg.size() == 5 && alg != "EdDSA") {
    const std::string_view bits = alg.substr(2);
    md = bits == "256" ? EVP_sha256() : bits == "384" ? EVP_sha384() : EVP_sha512();
  }
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  if (EVP_DigestSignInit(ctx, &pctx, md, nullptr, key) != 1) throw std::runtime_error("sign init");
  if (alg.substr(0, 2) == "PS") {
    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
  }
  std::size_t len = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(input.data());
  EVP_DigestSign(ctx, nullptr, &len, data, input.size());
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len, data, input.size()) != 1) {
    throw std::runtime_error("sign");
  }
  sig.resize(len);
  EVP_MD_CTX_free(ctx);
  if (alg.substr(0, 2) != "ES") return sig;
  const std::size_t n = alg == "ES256" ? 32 : alg == "ES384" ? 48 : 66;
  const auto* p = reinterpret_cast<const unsigned char*>(sig.data());
  ECDSA_SIG* es = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size()));
  std::string raw(2 * n, '\0');
  BN_bn2binpad(ECDSA_SIG_get0_r(es), reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(n));
  BN_bn2binpad(ECDSA_SIG_get0_s(es), reinterpret_cast<unsigned char*>(raw.data() + n), static_cast<int>(n));
  ECDSA_SIG_free(es);
  return raw;
}

/// A compact JWS: base64url(header).base64url(claims).base64url(signature).
inline std::string SignJwt(std::string_view alg, EVP_PKEY* key, const boost::json::object& claims) {
  const boost::json::object header{{"typ", "JWT"}, {"alg", alg}};
  const std::string input = B64Url(boost::json::serialize(header)) + "." + B64Url(boost::json::serialize(claims));
  return input + "." + B64Url(SignInput(alg, key, input));
}

}  // namespace comptoir::gateway::testing
