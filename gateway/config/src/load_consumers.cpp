// Consumers and their credentials (keyauth_credentials, jwt_secrets) of a declarative file.
#include <algorithm>
#include <cctype>
#include <climits>

#include "comptoir/gateway/jwt_key.hpp"
#include "loader.hpp"

namespace comptoir::gateway::config_detail {

void Loader::LoadConsumer(int i) {
  const Raw& raw = consumers_[static_cast<std::size_t>(i)];
  SchemaReader r(raw.value, issues_, "consumers", raw.display, "");
  Consumer c;
  if (auto u = r.OptString("username")) {
    c.username = *u;
    UniqueName(r, "consumers", "username", c.username, consumer_usernames_);
  }
  if (auto cid = r.OptString("custom_id")) {
    c.custom_id = *cid;
    UniqueName(r, "consumers", "custom_id", c.custom_id, consumer_custom_ids_);
  }
  if (c.username.empty() && c.custom_id.empty()) {
    r.Fail("", "at least one of these fields must be non-empty: 'custom_id', 'username'");
  }
  c.id = ReadId(r, "consumers",
                !c.username.empty()    ? c.username
                : !c.custom_id.empty() ? "custom_id:" + c.custom_id
                                       : PositionalKey(raw),
                consumer_ids_);
  c.tags = r.StringArray("tags", {});
  for (const char* nested : {"plugins", "keyauth_credentials", "jwt_secrets"}) {
    r.Keep(nested);
  }
  Meta(r);
  r.RejectUnknown();
  consumers_index_.Add(c.id, c.username, i);
  config_->consumers.push_back(std::move(c));
}

void Loader::LoadKeyAuth(int i) {
  const Raw& raw = keyauths_[static_cast<std::size_t>(i)];
  SchemaReader r(raw.value, issues_, "keyauth_credentials", raw.display, "");
  KeyAuthCredential cred;
  cred.consumer = Parent(r, raw, "consumer", "consumers", consumers_index_);
  if (raw.parent_kind.empty() && r.Raw("consumer") == nullptr) r.Fail("consumer", "required field missing");
  auto key = r.OptString("key");
  if (key && key->empty()) r.Fail("key", "length must be at least 1");
  if (key && !key->empty()) {
    if (!keyauth_keys_.insert(*key).second) {
      r.Fail("key", "uniqueness violation: another key-auth credential already uses this key");
    }
  }
  std::string consumer_id =
      cred.consumer >= 0 ? consumers_index_.ids[static_cast<std::size_t>(cred.consumer)] : std::string();
  cred.id = ReadId(r, "keyauth_credentials", key ? *key : "#" + consumer_id + ":" + std::to_string(raw.position),
                   keyauth_ids_);
  cred.key = key ? *key : RandomHex(16);  // Kong generates a random key when none is given
  if (r.Raw("ttl") != nullptr) r.Fail("ttl", "not supported by this gateway");
  r.Keep("ttl");
  r.StringArray("tags", {});
  Meta(r);
  r.RejectUnknown();
  config_->keyauth_credentials.push_back(std::move(cred));
}

void Loader::LoadJwt(int i) {
  const Raw& raw = jwts_[static_cast<std::size_t>(i)];
  SchemaReader r(raw.value, issues_, "jwt_secrets", raw.display, "");
  JwtSecret s;
  s.consumer = Parent(r, raw, "consumer", "consumers", consumers_index_);
  if (raw.parent_kind.empty() && r.Raw("consumer") == nullptr) r.Fail("consumer", "required field missing");
  auto key = r.OptString("key");
  if (key && !jwt_keys_.insert(*key).second) {
    r.Fail("key", "uniqueness violation: another jwt secret already uses this key");
  }
  std::string consumer_id =
      s.consumer >= 0 ? consumers_index_.ids[static_cast<std::size_t>(s.consumer)] : std::string();
  s.id = ReadId(r, "jwt_secrets", key ? *key : "#" + consumer_id + ":" + std::to_string(raw.position), jwt_ids_);
  s.key = key ? *key : RandomHex(16);
  auto secret = r.OptString("secret");
  s.secret = secret ? *secret : RandomHex(16);
  s.algorithm = r.String("algorithm", "HS256");
  const bool asymmetric = IsAsymmetricJwtAlgorithm(s.algorithm);
  if (!asymmetric && !Contains({"HS256", "HS384", "HS512"}, s.algorithm)) {
    r.Fail("algorithm",
           "expected one of: HS256, HS384, HS512, RS256, RS384, RS512, ES256, ES384, ES512, PS256, "
           "PS384, PS512, EdDSA");
  }
  // Kong's jwt_secrets entity check: the asymmetric algorithms need a key that OpenSSL reads
  // ("invalid key" otherwise). The key is parsed once here, not per token.
  auto pem = r.OptString("rsa_public_key");
  if (pem) s.rsa_public_key = *pem;
  if (asymmetric) {
    if (!pem || pem->empty()) {
      r.Fail("rsa_public_key", "required field missing");
    } else {
      std::string error;
      s.public_key = JwtPublicKey::Parse(*pem, error);
      if (!s.public_key) {
        r.Fail("rsa_public_key", "invalid key: " + error);
      } else if (auto mismatch = s.public_key->CheckAlgorithm(s.algorithm); !mismatch.empty()) {
        r.Fail("rsa_public_key", "invalid key: " + mismatch);
      }
    }
  }
  r.StringArray("tags", {});
  Meta(r);
  r.RejectUnknown();
  config_->jwt_secrets.push_back(std::move(s));
}

}  // namespace comptoir::gateway::config_detail
