// What the Admin API may show of a configuration: everything but its secrets.
#include <algorithm>
#include <cctype>

#include <boost/json.hpp>

#include "comptoir/gateway/config_loader.hpp"

namespace comptoir::gateway {
namespace json = boost::json;
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Fields that hold a secret wherever they are (plugin configs: redis.password, ...).
bool IsSecretField(std::string_view name) {
  static constexpr std::string_view kNames[] = {"password", "redis_password", "secret", "client_secret",
                                                "token",    "api_key",        "apikey", "private_key"};
  const std::string lower = Lower(name);
  return std::find(std::begin(kNames), std::end(kNames), lower) != std::end(kNames);
}

// A header whose value is a credential (request-transformer adding a key, a probe's Authorization).
bool IsCredentialHeader(std::string_view name) {
  const std::string lower = Lower(name);
  for (std::string_view part : {"auth", "key", "token", "secret", "password", "cookie"}) {
    if (lower.find(part) != std::string::npos) return true;
  }
  return false;
}

void Walk(json::value& v);

void RedactCredentials(json::value& list, std::string_view field) {
  auto* arr = list.if_array();
  if (arr == nullptr) return;
  for (auto& entry : *arr) {
    if (auto* o = entry.if_object(); o != nullptr && o->contains(field)) (*o)[field] = kRedacted;
  }
}

void Walk(json::value& v) {
  if (auto* arr = v.if_array()) {
    for (auto& e : *arr) Walk(e);
    return;
  }
  auto* obj = v.if_object();
  if (obj == nullptr) return;
  for (auto& [key, value] : *obj) {
    if (IsSecretField(key) && (value.is_string() || value.is_number())) {
      value = kRedacted;
      continue;
    }
    if (key == "keyauth_credentials") RedactCredentials(value, "key");
    if (key == "jwt_secrets") RedactCredentials(value, "secret");
    if (key == "headers") {
      // ["Name:value", ...] (transformers) or {"Name": ["value", ...]} (health-check probes).
      if (auto* list = value.if_array()) {
        for (auto& h : *list) {
          if (!h.is_string()) continue;
          const std::string text(h.get_string());
          const auto colon = text.find(':');
          if (colon != std::string::npos && IsCredentialHeader(text.substr(0, colon))) {
            h = text.substr(0, colon + 1) + std::string(kRedacted);
          }
        }
      } else if (auto* map = value.if_object()) {
        for (auto& [name, values] : *map) {
          if (IsCredentialHeader(name)) values = json::array{kRedacted};
        }
      }
    }
    Walk(value);
  }
}

}  // namespace

json::value Redacted(json::value document) {
  Walk(document);
  return document;
}

}  // namespace comptoir::gateway
