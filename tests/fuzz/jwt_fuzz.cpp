// JWT decoding (ADR 0130), in the gateway's jwt plugin and in libs/auth's verifier. The first byte chooses
// where the rest goes: as a raw token (Authorization header, `jwt` query parameter, cookie, libs/auth), or
// as a header and claims (split at the first NUL) that the target signs with the right secret, so that the
// claim checks behind the signature (exp, nbf, maximum_expiration, iss, role) see generated values too.
// Either way the answer is an authenticated consumer or a 401 — never a crash, never an exception.
// RequestContext is an aggregate built from (request, config) only; -Wextra flags the rest.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "comptoir/auth/auth.hpp"
#include "comptoir/error.hpp"
#include "gateway_support.hpp"

namespace gw = comptoir::gateway;
namespace http = comptoir::http;
namespace auth = comptoir::auth;
using comptoir::fuzz::Check;

namespace {

constexpr std::string_view kHsSecret = "fuzz-hs256-secret-of-forty-bytes-length!";

constexpr std::string_view kConfig = R"(_format_version: "3.0"
services:
  - name: api
    url: http://127.0.0.1:9
    routes:
      - name: api
        paths: [/]
        plugins:
          - name: jwt
            config:
              claims_to_verify: [exp, nbf]
              maximum_expiration: 3600
              cookie_names: [jwt]
consumers:
  - username: hs
    jwt_secrets:
      - key: hs-issuer
        algorithm: HS256
        secret: fuzz-hs256-secret-of-forty-bytes-length!
  - username: hs512
    jwt_secrets:
      - key: hs512-issuer
        algorithm: HS512
        secret: fuzz-hs256-secret-of-forty-bytes-length!
  - username: ed
    jwt_secrets:
      - key: ed-issuer
        algorithm: EdDSA
        rsa_public_key: |
          -----BEGIN PUBLIC KEY-----
          MCowBQYDK2VwAyEAn3eFLcXeNQe55L8E22lnk/15bKfE1Yuk1eRDzbT7Wxo=
          -----END PUBLIC KEY-----
)";

struct Loaded {
  std::shared_ptr<const gw::Config> config;
  const gw::PluginInstance* jwt = nullptr;
};

const Loaded& Load() {
  static const Loaded loaded = [] {
    Loaded l;
    l.config = comptoir::fuzz::MustLoad(kConfig);
    for (const auto& p : l.config->plugins) {
      if (p.name == "jwt") l.jwt = &p;
    }
    Check(l.jwt != nullptr && l.jwt->plugin != nullptr);
    return l;
  }();
  return loaded;
}

std::string B64Url(std::string_view in) {
  return auth::Base64UrlEncode(in);
}

std::string SignHmac(std::string_view header, std::string_view claims, std::string_view secret, const EVP_MD* md) {
  std::string input = B64Url(header) + "." + B64Url(claims);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(md, secret.data(), static_cast<int>(secret.size()), reinterpret_cast<const unsigned char*>(input.data()),
       input.size(), mac, &len);
  return input + "." + B64Url(std::string_view(reinterpret_cast<char*>(mac), len));
}

void GatewayAccess(const Loaded& l, http::Request& request) {
  const gw::Config& config = *l.config;
  gw::RequestContext ctx{request, config};
  ctx.route = &config.routes[0];
  ctx.route_index = 0;
  ctx.service = &config.services[0];
  ctx.service_index = 0;
  ctx.request_id = "fuzz";
  try {
    l.jwt->plugin->Access(ctx);
  } catch (...) {
    std::abort();  // a plugin answers; it never throws at the proxy
  }
  if (ctx.exit) {
    Check(ctx.exit->status == 401 || ctx.exit->status == 403);
  } else {
    Check(ctx.consumer != nullptr);
  }
}

// libs/auth verifies EdDSA only (ADR 0008): one key pair for the run; mode 5 signs with its private key.
const auth::JwtSettings& AuthSettings() {
  static const auth::JwtSettings settings = [] {
    auth::JwtSettings s;
    s.issuer = "comptoir";
    s.signing_key = auth::SigningKey::FromPem(auth::GenerateEd25519KeyPair().private_pem);
    s.public_key = s.signing_key.Public();
    return s;
  }();
  return settings;
}

std::string SignEd25519(std::string_view header, std::string_view claims) {
  std::string input = B64Url(header) + "." + B64Url(claims);
  return input + "." + B64Url(AuthSettings().signing_key.Sign(input));
}

void LibAuth(std::string_view token) {
  auth::JwtSettings settings = AuthSettings();
  settings.signing_key = auth::SigningKey();  // a verifier, as every service but customer
  try {
    auto who = auth::VerifyToken(settings, token, 1'700'000'000, "sales");
    Check(who.expires_at > 1'700'000'000 - 60);
  } catch (const comptoir::ApiError& e) {
    Check(e.status() == 401);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const Loaded& l = Load();
  const int mode = data[0] % 6;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string token(rest);
  if (mode == 3 || mode == 5) {  // header NUL claims, signed here
    auto nul = rest.find('\0');
    std::string_view header = nul == std::string_view::npos ? R"({"alg":"HS256","typ":"JWT"})" : rest.substr(0, nul);
    std::string_view claims = nul == std::string_view::npos ? rest : rest.substr(nul + 1);
    const EVP_MD* md = header.find("HS512") != std::string_view::npos ? EVP_sha512() : EVP_sha256();
    token = mode == 5 ? SignEd25519(nul == std::string_view::npos ? R"({"alg":"EdDSA","typ":"JWT"})" : header, claims)
                      : SignHmac(header, claims, kHsSecret, md);
  }
  if (mode >= 4) {
    LibAuth(token);
    return 0;
  }
  http::Request request;
  request.method = http::Method::kGet;
  request.method_name = "GET";
  request.path = "/";
  if (mode == 0 || mode == 3) request.headers.Add("Authorization", "Bearer " + token);
  if (mode == 1) request.query = "jwt=" + http::PercentEncode(token);
  if (mode == 2) request.headers.Add("Cookie", "a=b; jwt=" + token);
  GatewayAccess(l, request);
  return 0;
}
