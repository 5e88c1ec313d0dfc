#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "comptoir/auth/auth.hpp"

namespace comptoir::testing {

/// The keys of a test deployment (ADR 0008): a fresh Ed25519 pair, its signing settings (issuer "comptoir"), and
/// the tokens tests need — each role, expired ones, service tokens of any client for any audience (also ones the
/// policy would refuse: receivers must refuse them), and forged ones signed with another key.
class TestAuth {
 public:
  TestAuth();

  [[nodiscard]] const std::string& PublicKeyPem() const noexcept { return public_pem_; }
  [[nodiscard]] const std::string& SigningKeyPem() const noexcept { return signing_pem_; }
  /// The settings customer signs with (signing key and its public key).
  [[nodiscard]] const auth::JwtSettings& Jwt() const noexcept { return jwt_; }
  /// The environment of a service that verifies tokens (COMPTOIR_AUTH_JWT_PUBLIC_KEY).
  [[nodiscard]] std::vector<std::pair<std::string, std::string>> VerifierEnv() const;

  /// A person's token as customer signs it; `issued_at` in the past (e.g. now - 2 h) makes an expired one.
  [[nodiscard]] std::string Token(auth::Role role, const std::string& subject,
                                  std::optional<std::int64_t> location_id = std::nullopt,
                                  std::int64_t issued_at = auth::NowSeconds()) const;
  /// A service token as customer signs it, with any client, audience and scopes.
  [[nodiscard]] std::string ServiceToken(const std::string& client, const std::string& audience,
                                         const std::vector<std::string>& scopes,
                                         std::int64_t issued_at = auth::NowSeconds()) const;
  /// Tokens with the right claims signed with another Ed25519 key (what an attacker can make).
  [[nodiscard]] std::string ForgedToken(auth::Role role, const std::string& subject,
                                        std::optional<std::int64_t> location_id = std::nullopt) const;
  [[nodiscard]] std::string ForgedServiceToken(const std::string& client, const std::string& audience,
                                               const std::vector<std::string>& scopes) const;
  /// The algorithm-confusion attack: claims of `role` signed HS256 with the public key's PEM text as the HMAC
  /// secret (a verifier that lets the token choose its algorithm accepts it).
  [[nodiscard]] std::string HmacWithPublicKey(auth::Role role, const std::string& subject,
                                              std::optional<std::int64_t> location_id = std::nullopt) const;

 private:
  std::string public_pem_;
  std::string signing_pem_;
  auth::JwtSettings jwt_;
  auth::JwtSettings foreign_;
};

}  // namespace comptoir::testing
