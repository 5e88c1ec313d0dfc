// Kong's jwt plugin (kong/plugins/jwt/handler.lua and jwt_parser.lua): a signed JWT whose `iss`
// (key_claim_name) names a jwt_secrets credential identifies the consumer. HS256/384/512 with the
// credential's `secret`; RS256/384/512, PS256/384/512, ES256/384/512 and EdDSA with its
// `rsa_public_key`, parsed once at load (JwtPublicKey).
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <ctime>

#include <boost/json.hpp>

#include "comptoir/gateway/jwt_key.hpp"
#include "comptoir/gateway/plugins/factories.hpp"

namespace comptoir::gateway::plugins {
namespace {

namespace json = boost::json;

/// Kong's base64_decode in jwt_parser.lua: pad to a multiple of 4, map the URL alphabet to the
/// standard one, then decode strictly (ngx.decode_base64 returns nil on any bad input).
std::optional<std::string> Base64UrlDecode(std::string_view input) {
  std::string s(input);
  if (auto rem = s.size() % 4; rem > 0) s.append(4 - rem, '=');
  for (auto& c : s) {
    if (c == '-')
      c = '+';
    else if (c == '_')
      c = '/';
  }
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  out.reserve(s.size() / 4 * 3);
  for (std::size_t i = 0; i < s.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int j = 0; j < 4; ++j) {
      char c = s[i + j];
      if (c == '=') {
        // Padding only at the very end, at most two.
        if (i + 4 != s.size() || j < 2) return std::nullopt;
        ++pad;
        v[j] = 0;
        continue;
      }
      if (pad > 0) return std::nullopt;
      v[j] = value(c);
      if (v[j] < 0) return std::nullopt;
    }
    std::uint32_t n = (static_cast<std::uint32_t>(v[0]) << 18) | (static_cast<std::uint32_t>(v[1]) << 12) |
                      (static_cast<std::uint32_t>(v[2]) << 6) | static_cast<std::uint32_t>(v[3]);
    out.push_back(static_cast<char>((n >> 16) & 0xFF));
    if (pad < 2) out.push_back(static_cast<char>((n >> 8) & 0xFF));
    if (pad < 1) out.push_back(static_cast<char>(n & 0xFF));
  }
  return out;
}

const EVP_MD* HmacDigest(std::string_view alg) {
  if (alg == "HS256") return EVP_sha256();
  if (alg == "HS384") return EVP_sha384();
  if (alg == "HS512") return EVP_sha512();
  return nullptr;
}

/// The algorithms Kong's parser knows (alg_verify keys); anything else is "invalid alg".
bool KnownAlgorithm(std::string_view alg) {
  static constexpr std::array<std::string_view, 13> kKnown = {"HS256", "HS384", "HS512", "RS256", "RS384",
                                                              "RS512", "ES256", "ES384", "ES512", "PS256",
                                                              "PS384", "PS512", "EdDSA"};
  return std::find(kKnown.begin(), kKnown.end(), alg) != kKnown.end();
}

struct DecodedToken {
  std::string_view header_64;
  std::string_view claims_64;
  json::object header;
  json::object claims;
  std::string signature;
};

/// jwt_parser.decode_token: the same checks, in the same order, with the same messages.
std::optional<DecodedToken> DecodeToken(std::string_view token, std::string& error) {
  // tokenize(token, ".", 3): the third part keeps any further dots.
  auto d1 = token.find('.');
  auto d2 = d1 == std::string_view::npos ? d1 : token.find('.', d1 + 1);
  if (d2 == std::string_view::npos) {
    error = "invalid JSON";
    return std::nullopt;
  }
  DecodedToken t;
  t.header_64 = token.substr(0, d1);
  t.claims_64 = token.substr(d1 + 1, d2 - d1 - 1);
  auto header_raw = Base64UrlDecode(t.header_64);
  auto claims_raw = Base64UrlDecode(t.claims_64);
  if (!header_raw || !claims_raw) {
    error = "invalid JSON";
    return std::nullopt;
  }
  boost::system::error_code ec1, ec2;
  json::value header = json::parse(*header_raw, ec1);
  json::value claims = json::parse(*claims_raw, ec2);
  if (ec1 || ec2 || !header.is_object()) {
    error = "invalid JSON";
    return std::nullopt;
  }
  const auto* alg = header.get_object().if_contains("alg");
  if (alg == nullptr || !alg->is_string() || !KnownAlgorithm(alg->get_string())) {
    error = "invalid alg";
    return std::nullopt;
  }
  if (!claims.is_object()) {
    error = "invalid claims";
    return std::nullopt;
  }
  auto signature = Base64UrlDecode(token.substr(d2 + 1));
  if (!signature) {
    error = "invalid signature";
    return std::nullopt;
  }
  t.header = std::move(header.get_object());
  t.claims = std::move(claims.get_object());
  t.signature = std::move(*signature);
  return t;
}

std::string SigningInput(const DecodedToken& t) {
  std::string input;
  input.reserve(t.header_64.size() + 1 + t.claims_64.size());
  input.append(t.header_64).append(".").append(t.claims_64);
  return input;
}

bool VerifyHmac(const DecodedToken& t, const EVP_MD* md, std::string_view secret) {
  const std::string input = SigningInput(t);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  if (HMAC(md, secret.data(), static_cast<int>(secret.size()), reinterpret_cast<const unsigned char*>(input.data()),
           input.size(), mac, &mac_len) == nullptr) {
    return false;
  }
  return t.signature.size() == mac_len && CRYPTO_memcmp(t.signature.data(), mac, mac_len) == 0;
}

/// Lua's tostring for a claim used as a lookup key.
std::string ClaimKey(const json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  return json::serialize(v);
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/// ngx.re.gmatch(value, "\s*[Bb]earer\s+(.+)"): the first match anywhere, up to the line end.
std::optional<std::string> BearerToken(std::string_view value) {
  for (std::size_t pos = 0; pos + 6 <= value.size(); ++pos) {
    if ((value[pos] != 'B' && value[pos] != 'b') || value.substr(pos + 1, 5) != "earer") continue;
    std::size_t i = pos + 6;
    std::size_t ws = i;
    while (ws < value.size() && IsSpace(value[ws])) ++ws;
    if (ws == i) continue;
    // `\s+` backtracks one character when nothing else is left for `.+`.
    std::size_t start = ws < value.size() && value[ws] != '\n' ? ws : (ws - i >= 2 ? ws - 1 : std::string_view::npos);
    if (start == std::string_view::npos || value[start] == '\n') continue;
    std::size_t end = value.find('\n', start);
    return std::string(value.substr(start, end == std::string_view::npos ? end : end - start));
  }
  return std::nullopt;
}

/// nginx's $cookie_<name>: the first cookie of that name.
std::optional<std::string> Cookie(const http::Headers& headers, std::string_view name) {
  for (const auto& [k, v] : headers) {
    if (!http::IEquals(k, "Cookie")) continue;
    std::string_view rest = v;
    while (!rest.empty()) {
      auto semi = rest.find(';');
      std::string_view pair = rest.substr(0, semi);
      rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
      while (!pair.empty() && (pair.front() == ' ' || pair.front() == '\t')) pair.remove_prefix(1);
      auto eq = pair.find('=');
      if (eq == std::string_view::npos) continue;
      if (pair.substr(0, eq) == name) return std::string(pair.substr(eq + 1));
    }
  }
  return std::nullopt;
}

struct Failure {
  int status = 401;
  std::string message;
  std::optional<json::object> errors;  ///< claim failures: sent as the body instead of {"message"}
  std::string www_authenticate;
};

class Jwt final : public Plugin {
 public:
  struct Options {
    std::vector<std::string> uri_param_names;
    std::vector<std::string> cookie_names;
    std::vector<std::string> header_names;
    std::string key_claim_name;
    bool secret_is_base64 = false;
    std::vector<std::string> claims_to_verify;
    double maximum_expiration = 0;
    std::optional<std::string> anonymous;
    bool run_on_preflight = true;
    std::optional<std::string> realm;
  };

  explicit Jwt(Options o)
      : o_(std::move(o)),
        www_authenticate_(o_.realm ? "Bearer realm=\"" + *o_.realm + "\"" : std::string("Bearer")),
        www_authenticate_error_(www_authenticate_ + " error=\"invalid_token\"") {}

  [[nodiscard]] int Priority() const override { return 1450; }
  [[nodiscard]] std::string_view Name() const override { return "jwt"; }

  void Access(RequestContext& ctx) const override {
    if (!o_.run_on_preflight && ctx.request.method == http::Method::kOptions) return;
    if (o_.anonymous) {
      if (!ctx.credential_id.empty()) return;
      Failure ignored;
      if (Authenticate(ctx, ignored)) return;
      auto it = ctx.config.consumer_by_name.find(*o_.anonymous);
      if (it == ctx.config.consumer_by_name.end()) {
        ctx.exit =
            KongError(500, "anonymous consumer " + *o_.anonymous + " is configured but doesn't exist", ctx.request_id);
        return;
      }
      SetConsumer(ctx, it->second, nullptr);
      return;
    }
    Failure f;
    if (Authenticate(ctx, f)) return;
    // kong.response.exit (not .error): the body is {"message": ...} or the claim errors, no request_id.
    json::object body;
    if (f.errors)
      body = std::move(*f.errors);
    else
      body["message"] = f.message;
    ctx.exit = http::Response::Json(f.status, json::serialize(body));
    if (!f.www_authenticate.empty()) ctx.exit->headers.Set("WWW-Authenticate", f.www_authenticate);
  }

 private:
  void SetConsumer(RequestContext& ctx, int consumer_index, const JwtSecret* secret) const {
    const Consumer* consumer = &ctx.config.consumers[static_cast<std::size_t>(consumer_index)];
    auto& h = ctx.request.headers;
    ctx.consumer = consumer;
    ctx.consumer_index = consumer_index;
    ctx.credential_id = secret == nullptr ? std::string() : (secret->id.empty() ? secret->key : secret->id);
    ctx.anonymous = secret == nullptr;
    auto set_or_clear = [&h](std::string_view name, const std::string* value) {
      if (value != nullptr && !value->empty())
        h.Set(name, *value);
      else
        h.Remove(name);
    };
    set_or_clear("X-Consumer-ID", &consumer->id);
    set_or_clear("X-Consumer-Custom-ID", &consumer->custom_id);
    set_or_clear("X-Consumer-Username", &consumer->username);
    // jwt identifies the credential by its key (Kong's jwt handler), key-auth by its id.
    set_or_clear("X-Credential-Identifier", secret != nullptr ? &secret->key : nullptr);
    if (secret != nullptr)
      h.Remove("X-Anonymous-Consumer");
    else
      h.Set("X-Anonymous-Consumer", "true");
  }

  /// retrieve_tokens: query, then cookies, then headers; distinct non-empty values.
  std::vector<std::string> Tokens(const http::Request& req) const {
    std::vector<std::string> tokens;
    auto add = [&tokens](std::string t) {
      if (!t.empty() && std::find(tokens.begin(), tokens.end(), t) == tokens.end()) tokens.push_back(std::move(t));
    };
    if (!o_.uri_param_names.empty() && !req.query.empty()) {
      for (auto& [k, v] : req.QueryParams()) {
        if (std::find(o_.uri_param_names.begin(), o_.uri_param_names.end(), k) != o_.uri_param_names.end()) add(v);
      }
    }
    for (const auto& name : o_.cookie_names) {
      if (auto c = Cookie(req.headers, name)) add(*c);
    }
    for (const auto& name : o_.header_names) {
      if (auto v = req.headers.Get(name)) {
        if (auto t = BearerToken(*v)) add(*t);
      }
    }
    return tokens;
  }

  bool Authenticate(RequestContext& ctx, Failure& f) const {
    auto fail = [&f](std::string message, const std::string& www) {
      f.status = 401;
      f.message = std::move(message);
      f.www_authenticate = www;
      return false;
    };
    auto tokens = Tokens(ctx.request);
    if (tokens.empty()) return fail("Unauthorized", www_authenticate_);
    if (tokens.size() > 1) return fail("Multiple tokens provided", www_authenticate_error_);

    std::string error;
    auto jwt = DecodeToken(tokens[0], error);
    if (!jwt) return fail("Bad token; " + error, www_authenticate_error_);

    const json::value* key_claim = jwt->claims.if_contains(o_.key_claim_name);
    if (key_claim == nullptr || key_claim->is_null()) key_claim = jwt->header.if_contains(o_.key_claim_name);
    // Lua: nil and false are both "not present".
    if (key_claim == nullptr || key_claim->is_null() || (key_claim->is_bool() && !key_claim->get_bool())) {
      return fail("No mandatory '" + o_.key_claim_name + "' in claims", www_authenticate_error_);
    }
    std::string key = ClaimKey(*key_claim);
    if (key.empty()) return fail("Invalid '" + o_.key_claim_name + "' in claims", www_authenticate_error_);

    auto it = ctx.config.jwt_by_key.find(key);
    if (it == ctx.config.jwt_by_key.end()) {
      return fail("No credentials found for given '" + o_.key_claim_name + "'", www_authenticate_error_);
    }
    const JwtSecret& secret = ctx.config.jwt_secrets[static_cast<std::size_t>(it->second)];
    const std::string algorithm = secret.algorithm.empty() ? "HS256" : secret.algorithm;
    if (jwt->header.at("alg").get_string() != algorithm) return fail("Invalid algorithm", www_authenticate_error_);

    // Kong: the HS* algorithms verify with `secret`, the others with `rsa_public_key`; with
    // secret_is_base64 either is base64-decoded first ("Invalid key/secret" when that fails, which
    // it does for any PEM: it has spaces and line breaks).
    if (const EVP_MD* md = HmacDigest(algorithm)) {
      std::optional<std::string> secret_value = secret.secret;
      if (o_.secret_is_base64) secret_value = Base64UrlDecode(secret.secret);
      if (!secret_value) return fail("Invalid key/secret", www_authenticate_error_);
      if (!VerifyHmac(*jwt, md, *secret_value)) return fail("Invalid signature", www_authenticate_error_);
    } else {
      std::shared_ptr<const JwtPublicKey> key = secret.public_key;
      if (o_.secret_is_base64) {
        auto decoded = Base64UrlDecode(secret.rsa_public_key);
        std::string ignored;
        key = decoded ? JwtPublicKey::Parse(*decoded, ignored) : nullptr;
      }
      if (key == nullptr) return fail("Invalid key/secret", www_authenticate_error_);
      if (!key->Verify(algorithm, SigningInput(*jwt), jwt->signature)) {
        return fail("Invalid signature", www_authenticate_error_);
      }
    }

    const double now = static_cast<double>(std::time(nullptr));
    json::object errors;
    for (const auto& claim : o_.claims_to_verify) {
      const json::value* v = jwt->claims.if_contains(claim);
      if (v == nullptr || !v->is_number()) {
        errors[claim] = "must be a number";
        continue;
      }
      double n = v->to_number<double>();
      if (claim == "exp" && n <= now) errors[claim] = "token expired";
      if (claim == "nbf" && n > now) errors[claim] = "token not valid yet";
    }
    if (!errors.empty()) {
      f.errors = std::move(errors);
      return fail({}, www_authenticate_error_);
    }
    if (o_.maximum_expiration > 0) {
      const json::value* exp = jwt->claims.if_contains("exp");
      if (exp == nullptr || !exp->is_number() || exp->to_number<double>() - now > o_.maximum_expiration) {
        f.errors = json::object{{"exp", "exceeds maximum allowed expiration"}};
        return fail({}, www_authenticate_error_);
      }
    }

    if (secret.consumer < 0 || static_cast<std::size_t>(secret.consumer) >= ctx.config.consumers.size()) {
      return fail("Could not find consumer for '" + o_.key_claim_name + "=" + key + "'", std::string());
    }
    SetConsumer(ctx, secret.consumer, &secret);
    return true;
  }

  Options o_;
  std::string www_authenticate_;
  std::string www_authenticate_error_;
};

/// Kong "set": no schema error for repeats, they are simply one element.
std::vector<std::string> Dedup(std::vector<std::string> v) {
  std::vector<std::string> out;
  for (auto& s : v) {
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

std::shared_ptr<Plugin> CreateJwt(SchemaReader& config, const PluginEnv& /*env*/) {
  Jwt::Options o;
  o.uri_param_names = Dedup(config.StringArray("uri_param_names", {"jwt"}));
  o.cookie_names = Dedup(config.StringArray("cookie_names", {}));
  o.header_names = Dedup(config.StringArray("header_names", {"authorization"}));
  o.key_claim_name = config.String("key_claim_name", "iss");
  o.secret_is_base64 = config.Bool("secret_is_base64", false);
  const bool claims_given = config.Raw("claims_to_verify") != nullptr;
  o.claims_to_verify = Dedup(config.StringArray("claims_to_verify", {}, {"exp", "nbf"}));
  if (!claims_given) config.output()["claims_to_verify"] = nullptr;  // Kong has no default: null
  o.anonymous = config.OptString("anonymous");
  o.run_on_preflight = config.Bool("run_on_preflight", true);
  o.maximum_expiration = config.Number("maximum_expiration", 0, 0, 31536000);
  if (o.maximum_expiration == static_cast<double>(static_cast<std::int64_t>(o.maximum_expiration))) {
    config.output()["maximum_expiration"] = static_cast<std::int64_t>(o.maximum_expiration);  // 0, not 0E0
  }
  o.realm = config.OptString("realm");
  if (o.maximum_expiration > 0 &&
      std::find(o.claims_to_verify.begin(), o.claims_to_verify.end(), "exp") == o.claims_to_verify.end()) {
    config.Fail("claims_to_verify", "must contain 'exp' when maximum_expiration is set");
  }
  config.RejectUnknown();
  if (!config.ok()) return nullptr;
  if (o.anonymous && o.anonymous->empty()) o.anonymous.reset();
  return std::make_shared<Jwt>(std::move(o));
}

}  // namespace comptoir::gateway::plugins
