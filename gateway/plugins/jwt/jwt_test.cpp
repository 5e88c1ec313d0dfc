// RequestContext is an aggregate built from (request, config) only; -Wextra flags the rest.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <ctime>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "comptoir/gateway/plugins/factories.hpp"
#include "comptoir/gateway/plugins/test_support.hpp"

namespace comptoir::gateway::plugins {
namespace {

namespace json = boost::json;

using Made = testing::MadePlugin;

Made Make(std::string_view config_json) {
  return testing::MakePlugin(CreateJwt, "jwt", config_json);
}

std::string B64Url(std::string_view in) {
  std::string out(4 * ((in.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  out.resize(static_cast<std::size_t>(n));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (auto& c : out) {
    if (c == '+')
      c = '-';
    else if (c == '/')
      c = '_';
  }
  return out;
}

/// Signs like any JWT library: base64url(header).base64url(claims).base64url(HMAC).
std::string Sign(const json::object& claims, std::string_view secret, std::string_view alg = "HS256") {
  json::object header{{"typ", "JWT"}, {"alg", alg}};
  std::string input = B64Url(json::serialize(header)) + "." + B64Url(json::serialize(claims));
  const EVP_MD* md = alg == "HS384" ? EVP_sha384() : alg == "HS512" ? EVP_sha512() : EVP_sha256();
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(md, secret.data(), static_cast<int>(secret.size()), reinterpret_cast<const unsigned char*>(input.data()),
       input.size(), mac, &len);
  return input + "." + B64Url(std::string_view(reinterpret_cast<char*>(mac), len));
}

Config MakeConfig() {
  Config c;
  c.consumers.push_back({"c-bob", "bob", "", {}});
  c.consumers.push_back({"c-anon", "anonymous", "", {}});
  c.jwt_secrets.push_back({"jwt-1", 0, "bob-iss", "s3cret", "HS256"});
  c.jwt_secrets.push_back({"jwt-2", 0, "bob-512", "other", "HS512"});
  c.jwt_secrets.push_back({"jwt-3", 0, "bob-b64", "c2VjcmV0IGJ5dGVz", "HS256"});  // "secret bytes"
  c.jwt_secrets.push_back({"jwt-4", 0, "bob-rsa", "", "RS256"});
  for (int i = 0; i < 4; ++i) c.jwt_by_key[c.jwt_secrets[static_cast<std::size_t>(i)].key] = i;
  c.consumer_by_name["c-bob"] = 0;
  c.consumer_by_name["bob"] = 0;
  c.consumer_by_name["c-anon"] = 1;
  c.consumer_by_name["anonymous"] = 1;
  return c;
}

struct Outcome {
  std::optional<http::Response> exit;
  http::Request request;
  const Consumer* consumer = nullptr;
  std::string credential_id;
  bool anonymous = false;
};

Outcome RunAccess(const Made& m, const Config& config, http::Request req) {
  Outcome o;
  RequestContext ctx{.request = req, .config = config};
  ctx.request_id = "rid";
  m.plugin->Access(ctx);
  o.exit = ctx.exit;
  o.consumer = ctx.consumer;
  o.credential_id = ctx.credential_id;
  o.anonymous = ctx.anonymous;
  o.request = req;
  return o;
}

http::Request WithBearer(std::string token) {
  http::Request req;
  req.headers.Set("Authorization", "Bearer " + token);
  return req;
}

long Now() {
  return static_cast<long>(std::time(nullptr));
}

TEST(Jwt, DefaultsAreKongs) {
  auto m = Make("{}");
  ASSERT_NE(m.plugin, nullptr);
  EXPECT_EQ(m.plugin->Priority(), 1450);
  EXPECT_EQ(m.plugin->Name(), "jwt");
  EXPECT_EQ(json::serialize(m.output),
            R"({"uri_param_names":["jwt"],"cookie_names":[],"header_names":["authorization"],"key_claim_name":"iss",)"
            R"("secret_is_base64":false,"claims_to_verify":null,"anonymous":null,"run_on_preflight":true,)"
            R"("maximum_expiration":0,"realm":null})");
}

TEST(Jwt, ValidBearerTokenAuthenticates) {
  auto m = Make("{}");
  Config config = MakeConfig();
  auto o = RunAccess(m, config, WithBearer(Sign({{"iss", "bob-iss"}, {"name", "x"}}, "s3cret")));
  EXPECT_FALSE(o.exit.has_value()) << o.exit->body;
  EXPECT_EQ(o.consumer, &config.consumers[0]);
  EXPECT_EQ(o.credential_id, "jwt-1");
  EXPECT_FALSE(o.anonymous);
  EXPECT_EQ(*o.request.headers.Get("X-Consumer-ID"), "c-bob");
  EXPECT_EQ(*o.request.headers.Get("X-Consumer-Username"), "bob");
  EXPECT_FALSE(o.request.headers.Has("X-Consumer-Custom-ID"));
  EXPECT_EQ(*o.request.headers.Get("X-Credential-Identifier"), "bob-iss");
}

TEST(Jwt, Hs512QueryAndCookieSources) {
  auto m = Make(R"({"cookie_names":["session"]})");
  Config config = MakeConfig();
  std::string t = Sign({{"iss", "bob-512"}}, "other", "HS512");
  http::Request q;
  q.query = "jwt=" + t;
  EXPECT_FALSE(RunAccess(m, config, q).exit.has_value());
  http::Request c;
  c.headers.Set("Cookie", "theme=dark; session=" + t);
  EXPECT_FALSE(RunAccess(m, config, c).exit.has_value());
  // Same token twice is one token; two different ones are refused.
  http::Request both = WithBearer(t);
  both.query = "jwt=" + t;
  EXPECT_FALSE(RunAccess(m, config, both).exit.has_value());
  both.query = "jwt=" + Sign({{"iss", "bob-iss"}}, "s3cret");
  auto o = RunAccess(m, config, both);
  ASSERT_TRUE(o.exit.has_value());
  EXPECT_EQ(o.exit->status, 401);
  EXPECT_EQ(o.exit->body, R"({"message":"Multiple tokens provided"})");
  EXPECT_EQ(*o.exit->headers.Get("WWW-Authenticate"), R"(Bearer error="invalid_token")");
}

TEST(Jwt, NoTokenIsUnauthorized) {
  auto m = Make(R"({"realm":"comptoir"})");
  Config config = MakeConfig();
  http::Request req;
  req.headers.Set("Authorization", "Basic Zm9vOmJhcg==");
  auto o = RunAccess(m, config, req);
  ASSERT_TRUE(o.exit.has_value());
  EXPECT_EQ(o.exit->status, 401);
  EXPECT_EQ(o.exit->body, R"({"message":"Unauthorized"})");
  EXPECT_EQ(*o.exit->headers.Get("WWW-Authenticate"), R"(Bearer realm="comptoir")");
}

TEST(Jwt, ErrorMessagesAreKongs) {
  auto m = Make("{}");
  Config config = MakeConfig();
  auto message = [&](const std::string& token) {
    auto o = RunAccess(m, config, WithBearer(token));
    EXPECT_TRUE(o.exit.has_value());
    if (!o.exit) return std::string();
    EXPECT_EQ(o.exit->status, 401);
    EXPECT_EQ(*o.exit->headers.Get("WWW-Authenticate"), R"(Bearer error="invalid_token")");
    return std::string(json::parse(o.exit->body).at("message").as_string());
  };
  EXPECT_EQ(message("not-a-jwt"), "Bad token; invalid JSON");
  EXPECT_EQ(message(B64Url(R"({"alg":"none"})") + "." + B64Url("{}") + ".x"), "Bad token; invalid alg");
  EXPECT_EQ(message(B64Url(R"({"alg":"HS256"})") + "." + B64Url("42") + ".x"), "Bad token; invalid claims");
  EXPECT_EQ(message(B64Url(R"({"alg":"HS256"})") + "." + B64Url("{}") + ".a.b"), "Bad token; invalid signature");
  EXPECT_EQ(message(Sign({{"sub", "x"}}, "s3cret")), "No mandatory 'iss' in claims");
  EXPECT_EQ(message(Sign({{"iss", ""}}, "s3cret")), "Invalid 'iss' in claims");
  EXPECT_EQ(message(Sign({{"iss", "nobody"}}, "s3cret")), "No credentials found for given 'iss'");
  EXPECT_EQ(message(Sign({{"iss", "bob-iss"}}, "s3cret", "HS384")), "Invalid algorithm");
  EXPECT_EQ(message(Sign({{"iss", "bob-iss"}}, "wrong")), "Invalid signature");
  EXPECT_EQ(message(B64Url(R"({"alg":"RS256"})") + "." + B64Url(R"({"iss":"bob-rsa"})") + ".AAAA"),
            "Invalid key/secret");
}

TEST(Jwt, TamperedClaimsFailSignature) {
  auto m = Make("{}");
  Config config = MakeConfig();
  std::string t = Sign({{"iss", "bob-iss"}, {"role", "user"}}, "s3cret");
  auto d1 = t.find('.'), d2 = t.find('.', d1 + 1);
  std::string forged = t.substr(0, d1) + "." + B64Url(R"({"iss":"bob-iss","role":"admin"})") + t.substr(d2);
  auto o = RunAccess(m, config, WithBearer(forged));
  ASSERT_TRUE(o.exit.has_value());
  EXPECT_EQ(o.exit->body, R"({"message":"Invalid signature"})");
}

TEST(Jwt, ClaimsToVerify) {
  auto m = Make(R"({"claims_to_verify":["exp","nbf"]})");
  Config config = MakeConfig();
  auto body = [&](json::object claims) {
    claims["iss"] = "bob-iss";
    auto o = RunAccess(m, config, WithBearer(Sign(claims, "s3cret")));
    return o.exit ? o.exit->body : std::string("ok");
  };
  EXPECT_EQ(body({{"exp", Now() - 10}, {"nbf", Now() - 100}}), R"({"exp":"token expired"})");
  EXPECT_EQ(body({{"exp", Now() + 100}, {"nbf", Now() + 50}}), R"({"nbf":"token not valid yet"})");
  EXPECT_EQ(body({{"exp", Now() - 1}, {"nbf", Now() + 50}}), R"({"exp":"token expired","nbf":"token not valid yet"})");
  EXPECT_EQ(body({{"exp", "soon"}, {"nbf", Now() - 1}}), R"({"exp":"must be a number"})");
  EXPECT_EQ(body({{"exp", Now() + 100}, {"nbf", Now() - 1}}), "ok");
  EXPECT_EQ(body({{"exp", static_cast<double>(Now()) + 100.5}, {"nbf", Now()}}), "ok");
}

TEST(Jwt, ExpNotCheckedByDefault) {
  auto m = Make("{}");
  Config config = MakeConfig();
  auto o = RunAccess(m, config, WithBearer(Sign({{"iss", "bob-iss"}, {"exp", 1}}, "s3cret")));
  EXPECT_FALSE(o.exit.has_value());
}

TEST(Jwt, MaximumExpiration) {
  auto m = Make(R"({"claims_to_verify":["exp"],"maximum_expiration":60})");
  ASSERT_NE(m.plugin, nullptr);
  Config config = MakeConfig();
  auto o = RunAccess(m, config, WithBearer(Sign({{"iss", "bob-iss"}, {"exp", Now() + 3600}}, "s3cret")));
  ASSERT_TRUE(o.exit.has_value());
  EXPECT_EQ(o.exit->body, R"({"exp":"exceeds maximum allowed expiration"})");
  EXPECT_FALSE(RunAccess(m, config, WithBearer(Sign({{"iss", "bob-iss"}, {"exp", Now() + 30}}, "s3cret"))).exit);
}

TEST(Jwt, Base64SecretAndCustomKeyClaim) {
  auto m = Make(R"({"secret_is_base64":true,"key_claim_name":"kid"})");
  Config config = MakeConfig();
  auto o = RunAccess(m, config, WithBearer(Sign({{"kid", "bob-b64"}}, "secret bytes")));
  EXPECT_FALSE(o.exit.has_value()) << o.exit->body;
}

TEST(Jwt, AnonymousFallbackAndPreflight) {
  auto m = Make(R"({"anonymous":"anonymous","run_on_preflight":false})");
  Config config = MakeConfig();
  auto o = RunAccess(m, config, WithBearer(Sign({{"iss", "bob-iss"}}, "bad")));
  EXPECT_FALSE(o.exit.has_value());
  EXPECT_TRUE(o.anonymous);
  EXPECT_EQ(o.consumer, &config.consumers[1]);
  EXPECT_EQ(*o.request.headers.Get("X-Anonymous-Consumer"), "true");
  EXPECT_FALSE(o.request.headers.Has("X-Credential-Identifier"));

  auto strict = Make(R"({"run_on_preflight":false})");
  http::Request options;
  options.method = http::Method::kOptions;
  EXPECT_FALSE(RunAccess(strict, config, options).exit.has_value());
}

TEST(Jwt, RejectsBadConfigWithFieldPaths) {
  auto m = Make(R"({"claims_to_verify":["exp","iat"],"maximum_expiration":-1,"uri_param_names":"jwt","x":true})");
  EXPECT_EQ(m.plugin, nullptr);
  ASSERT_EQ(m.issues.size(), 4u);
  EXPECT_EQ(m.issues[0].field, "config.uri_param_names");
  EXPECT_EQ(m.issues[1].field, "config.claims_to_verify[2]");
  EXPECT_EQ(m.issues[1].message, "expected one of: exp, nbf");
  EXPECT_EQ(m.issues[2].field, "config.maximum_expiration");
  EXPECT_EQ(m.issues[3].field, "config.x");

  auto needs_exp = Make(R"({"maximum_expiration":60})");
  EXPECT_EQ(needs_exp.plugin, nullptr);
  ASSERT_EQ(needs_exp.issues.size(), 1u);
  EXPECT_EQ(needs_exp.issues[0].field, "config.claims_to_verify");
}

}  // namespace
}  // namespace comptoir::gateway::plugins
