#pragma once
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

// OpenSSL's EVP_PKEY, kept out of this header.
struct evp_pkey_st;

/// Ed25519 keys (OpenSSL 3 EVP, PEM text) and the small primitives around secrets: digests, constant-time
/// comparison, random tokens. Tokens are signed by the customer service only (ADR 0008).
namespace comptoir::auth {

/// An Ed25519 public key: verifies token signatures. Cheap to copy (shared, immutable); safe to use from
/// several threads at once.
class PublicKey {
 public:
  PublicKey() = default;
  /// Parses a PEM "PUBLIC KEY" (SubjectPublicKeyInfo). Throws std::invalid_argument when the text is not
  /// PEM or the key is not Ed25519.
  static PublicKey FromPem(std::string_view pem);

  /// True when `signature` is this key's Ed25519 signature of `data`.
  [[nodiscard]] bool Verify(std::string_view data, std::string_view signature) const noexcept;
  /// The key as PEM text.
  [[nodiscard]] std::string Pem() const;
  [[nodiscard]] bool Equals(const PublicKey& other) const noexcept;
  explicit operator bool() const noexcept { return key_ != nullptr; }

 private:
  friend class SigningKey;
  std::shared_ptr<evp_pkey_st> key_;
};

/// An Ed25519 private key: signs tokens. Only the customer service holds one.
class SigningKey {
 public:
  SigningKey() = default;
  /// Parses a PEM "PRIVATE KEY" (PKCS#8). Throws std::invalid_argument when the text is not PEM or the key
  /// is not Ed25519.
  static SigningKey FromPem(std::string_view pem);

  /// The 64-byte Ed25519 signature of `data`.
  [[nodiscard]] std::string Sign(std::string_view data) const;
  /// The matching public key.
  [[nodiscard]] PublicKey Public() const;
  explicit operator bool() const noexcept { return key_ != nullptr; }

 private:
  std::shared_ptr<evp_pkey_st> key_;
};

/// A fresh Ed25519 key pair as PEM texts (tests, scripts use `openssl genpkey -algorithm ed25519`).
struct KeyPairPem {
  std::string private_pem;
  std::string public_pem;
};
KeyPairPem GenerateEd25519KeyPair();

/// Lower-case hex SHA-256 of `data` (digests of service client secrets).
std::string Sha256Hex(std::string_view data);

/// Equality that takes the same time for every pair of inputs of the same length.
bool ConstantTimeEquals(std::string_view a, std::string_view b) noexcept;

/// `bytes` random bytes from OpenSSL's CSPRNG, base64url without padding.
std::string RandomToken(std::size_t bytes = 32);

}  // namespace comptoir::auth
