#include "comptoir/testing/tokens.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>

#include <boost/json.hpp>

namespace comptoir::testing {
namespace {

auth::JwtSettings SigningSettings(const auth::KeyPairPem& pair) {
  auth::JwtSettings s;
  s.issuer = "comptoir";
  s.signing_key = auth::SigningKey::FromPem(pair.private_pem);
  s.public_key = s.signing_key.Public();
  return s;
}

auth::Principal Person(auth::Role role, const std::string& subject, std::optional<std::int64_t> location_id) {
  auth::Principal who;
  who.subject = subject;
  who.role = role;
  who.location_id = location_id;
  return who;
}

}  // namespace

TestAuth::TestAuth() {
  auth::KeyPairPem pair = auth::GenerateEd25519KeyPair();
  public_pem_ = pair.public_pem;
  signing_pem_ = pair.private_pem;
  jwt_ = SigningSettings(pair);
  foreign_ = SigningSettings(auth::GenerateEd25519KeyPair());
}

std::vector<std::pair<std::string, std::string>> TestAuth::VerifierEnv() const {
  return {{"COMPTOIR_AUTH_JWT_PUBLIC_KEY", public_pem_}};
}

std::string TestAuth::Token(auth::Role role, const std::string& subject, std::optional<std::int64_t> location_id,
                            std::int64_t issued_at) const {
  return auth::IssueToken(jwt_, Person(role, subject, location_id), issued_at);
}

std::string TestAuth::ServiceToken(const std::string& client, const std::string& audience,
                                   const std::vector<std::string>& scopes, std::int64_t issued_at) const {
  return auth::IssueServiceToken(jwt_, client, audience, scopes, issued_at);
}

std::string TestAuth::ForgedToken(auth::Role role, const std::string& subject,
                                  std::optional<std::int64_t> location_id) const {
  return auth::IssueToken(foreign_, Person(role, subject, location_id), auth::NowSeconds());
}

std::string TestAuth::ForgedServiceToken(const std::string& client, const std::string& audience,
                                         const std::vector<std::string>& scopes) const {
  return auth::IssueServiceToken(foreign_, client, audience, scopes, auth::NowSeconds());
}

std::string TestAuth::HmacWithPublicKey(auth::Role role, const std::string& subject,
                                        std::optional<std::int64_t> location_id) const {
  std::int64_t now = auth::NowSeconds();
  boost::json::object claims{
      {"iss", "comptoir"}, {"sub", subject}, {"role", auth::RoleName(role)}, {"iat", now}, {"exp", now + 900}};
  if (location_id) claims["location_id"] = *location_id;
  std::string input = auth::Base64UrlEncode(R"({"alg":"HS256","typ":"JWT"})") + "." +
                      auth::Base64UrlEncode(boost::json::serialize(claims));
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), public_pem_.data(), static_cast<int>(public_pem_.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac.data(), &length);
  return input + "." + auth::Base64UrlEncode(std::string(reinterpret_cast<const char*>(mac.data()), length));
}

}  // namespace comptoir::testing
