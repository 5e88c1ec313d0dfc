#include "comptoir/auth/keys.hpp"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include <array>
#include <stdexcept>

#include "comptoir/auth/auth.hpp"

namespace comptoir::auth {
namespace {

using PkeyPtr = std::shared_ptr<evp_pkey_st>;

PkeyPtr Own(EVP_PKEY* key) {
  return PkeyPtr(key, [](EVP_PKEY* k) { EVP_PKEY_free(k); });
}

struct BioDeleter {
  void operator()(BIO* b) const noexcept { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

BioPtr ReadBio(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) throw std::runtime_error("out of memory");
  return bio;
}

std::string BioText(BIO* bio) {
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(size));
}

void RequireEd25519(EVP_PKEY* key, std::string_view what) {
  if (EVP_PKEY_get_id(key) != EVP_PKEY_ED25519) {
    throw std::invalid_argument(std::string(what) +
                                " is not an Ed25519 key (generate one with `openssl genpkey -algorithm ed25519`)");
  }
}

// The Ed25519 key of a PEM text: public (SubjectPublicKeyInfo) or private (PKCS#8).
PkeyPtr ReadEd25519(std::string_view pem, bool private_key) {
  auto bio = ReadBio(pem);
  EVP_PKEY* key = private_key ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)
                              : PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
  if (key == nullptr) {
    throw std::invalid_argument(private_key ? "not a PEM private key (-----BEGIN PRIVATE KEY-----)"
                                            : "not a PEM public key (-----BEGIN PUBLIC KEY-----)");
  }
  PkeyPtr owned = Own(key);
  RequireEd25519(key, private_key ? "the signing key" : "the public key");
  return owned;
}

}  // namespace

PublicKey PublicKey::FromPem(std::string_view pem) {
  PublicKey out;
  out.key_ = ReadEd25519(pem, false);
  return out;
}

bool PublicKey::Verify(std::string_view data, std::string_view signature) const noexcept {
  if (!key_ || signature.size() != 64) return false;
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) != 1) return false;
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                          reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
}

std::string PublicKey::Pem() const {
  if (!key_) return {};
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key_.get()) != 1) throw std::runtime_error("cannot write the public key");
  return BioText(bio.get());
}

bool PublicKey::Equals(const PublicKey& other) const noexcept {
  if (!key_ || !other.key_) return key_ == other.key_;
  return EVP_PKEY_eq(key_.get(), other.key_.get()) == 1;
}

SigningKey SigningKey::FromPem(std::string_view pem) {
  SigningKey out;
  out.key_ = ReadEd25519(pem, true);
  return out;
}

std::string SigningKey::Sign(std::string_view data) const {
  if (!key_) throw std::logic_error("no signing key");
  MdCtxPtr ctx(EVP_MD_CTX_new());
  std::array<unsigned char, 64> signature{};
  std::size_t length = signature.size();
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), signature.data(), &length, reinterpret_cast<const unsigned char*>(data.data()),
                     data.size()) != 1) {
    throw std::runtime_error("Ed25519 signing failed");
  }
  return std::string(reinterpret_cast<const char*>(signature.data()), length);
}

PublicKey SigningKey::Public() const {
  if (!key_) return {};
  std::array<unsigned char, 32> raw{};
  std::size_t length = raw.size();
  if (EVP_PKEY_get_raw_public_key(key_.get(), raw.data(), &length) != 1) {
    throw std::runtime_error("cannot derive the public key");
  }
  EVP_PKEY* pub = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, raw.data(), length);
  if (pub == nullptr) throw std::runtime_error("cannot derive the public key");
  PublicKey out;
  out.key_ = Own(pub);
  return out;
}

KeyPairPem GenerateEd25519KeyPair() {
  EVP_PKEY* raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (raw == nullptr) throw std::runtime_error("Ed25519 key generation failed");
  PkeyPtr key = Own(raw);
  BioPtr priv(BIO_new(BIO_s_mem()));
  BioPtr pub(BIO_new(BIO_s_mem()));
  if (!priv || !pub || PEM_write_bio_PrivateKey(priv.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1 ||
      PEM_write_bio_PUBKEY(pub.get(), key.get()) != 1) {
    throw std::runtime_error("cannot write the generated key pair");
  }
  return KeyPairPem{BioText(priv.get()), BioText(pub.get())};
}

std::string Sha256Hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string RandomToken(std::size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(raw.size())) != 1) {
    throw std::runtime_error("the random generator failed");
  }
  return Base64UrlEncode(raw);
}

}  // namespace comptoir::auth
