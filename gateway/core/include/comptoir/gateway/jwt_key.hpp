#pragma once
// The public key of a jwt credential (`jwt_secrets.rsa_public_key`, a PEM despite its name: Kong
// takes RSA, EC and Ed25519/Ed448 keys there), parsed once when the configuration is loaded and
// used to verify JWS signatures with OpenSSL 3 (EVP).
#include <memory>
#include <string>
#include <string_view>

namespace comptoir::gateway {

/// True for the asymmetric JWS algorithms Kong's jwt plugin knows: RS256/384/512, PS256/384/512,
/// ES256/384/512, EdDSA.
bool IsAsymmetricJwtAlgorithm(std::string_view algorithm);

/// A parsed public key. Immutable and thread-safe once made (verification uses its own contexts).
class JwtPublicKey {
 public:
  /// Parses a PEM (SubjectPublicKeyInfo `BEGIN PUBLIC KEY`, or PKCS#1 `BEGIN RSA PUBLIC KEY`) or a
  /// DER public key. nullptr with `error` set when it is not one.
  static std::shared_ptr<const JwtPublicKey> Parse(std::string_view text, std::string& error);

  /// Empty when the key can verify `algorithm` (RSA for RS*/PS*, the JWA curve for ES256 P-256,
  /// ES384 P-384, ES512 P-521, Ed25519/Ed448 for EdDSA); otherwise what is wrong.
  [[nodiscard]] std::string CheckAlgorithm(std::string_view algorithm) const;

  /// Verifies `signature` (as carried by the JWS: raw r||s for ECDSA) over `signing_input`.
  /// False for any mismatch, malformed signature, or an algorithm the key does not fit.
  [[nodiscard]] bool Verify(std::string_view algorithm, std::string_view signing_input,
                            std::string_view signature) const;

  /// "RSA 2048 bits", "EC P-256", "ED25519": for messages.
  [[nodiscard]] std::string Description() const;

  ~JwtPublicKey();
  JwtPublicKey(const JwtPublicKey&) = delete;
  JwtPublicKey& operator=(const JwtPublicKey&) = delete;

 private:
  struct Key;
  explicit JwtPublicKey(std::unique_ptr<Key> key);
  std::unique_ptr<Key> key_;
};

}  // namespace comptoir::gateway
