// Deterministic ids, hashes and random secrets for the declarative loader.
#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <boost/json.hpp>

#include "detail.hpp"

namespace comptoir::gateway::config_detail {
namespace json = boost::json;
namespace {

constexpr char kHex[] = "0123456789abcdef";

std::string Hex(const unsigned char* data, std::size_t n) {
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out += kHex[data[i] >> 4];
    out += kHex[data[i] & 0xF];
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string Digest(const EVP_MD* md, std::string_view a, std::string_view b = {}) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int len = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr || EVP_DigestInit_ex(ctx, md, nullptr) != 1 || EVP_DigestUpdate(ctx, a.data(), a.size()) != 1 ||
      EVP_DigestUpdate(ctx, b.data(), b.size()) != 1 || EVP_DigestFinal_ex(ctx, out.data(), &len) != 1) {
    EVP_MD_CTX_free(ctx);
    throw std::runtime_error("OpenSSL digest failed");
  }
  EVP_MD_CTX_free(ctx);
  return std::string(reinterpret_cast<const char*>(out.data()), len);
}

void WriteCanonical(const json::value& v, std::string& out) {
  if (const auto* obj = v.if_object()) {
    std::vector<const json::key_value_pair*> items;
    items.reserve(obj->size());
    for (const auto& kv : *obj) items.push_back(&kv);
    std::sort(items.begin(), items.end(), [](auto* a, auto* b) { return a->key() < b->key(); });
    out += '{';
    bool first = true;
    for (const auto* kv : items) {
      if (!first) out += ',';
      first = false;
      out += json::serialize(json::string(kv->key()));
      out += ':';
      WriteCanonical(kv->value(), out);
    }
    out += '}';
  } else if (const auto* arr = v.if_array()) {
    out += '[';
    for (std::size_t i = 0; i < arr->size(); ++i) {
      if (i > 0) out += ',';
      WriteCanonical((*arr)[i], out);
    }
    out += ']';
  } else {
    out += json::serialize(v);
  }
}

}  // namespace

bool IsValidUuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return false;
    } else if (HexValue(text[i]) < 0) {
      return false;
    }
  }
  return true;
}

std::string UuidV5(std::string_view ns, std::string_view name) {
  std::string ns_bytes;
  for (char c : ns) {
    if (c == '-') continue;
    ns_bytes += c;
  }
  std::string raw;
  for (std::size_t i = 0; i + 1 < ns_bytes.size(); i += 2) {
    raw += static_cast<char>(HexValue(ns_bytes[i]) * 16 + HexValue(ns_bytes[i + 1]));
  }
  std::string hash = Digest(EVP_sha1(), raw, name);
  auto* b = reinterpret_cast<unsigned char*>(hash.data());
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x50);
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);
  std::string hex = Hex(b, 16);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" +
         hex.substr(20, 12);
}

std::string Md5Hex(std::string_view data) {
  std::string d = Digest(EVP_md5(), data);
  return Hex(reinterpret_cast<const unsigned char*>(d.data()), d.size());
}

std::string RandomHex(std::size_t bytes) {
  std::string buf(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(buf.data()), static_cast<int>(bytes)) != 1) {
    throw std::runtime_error("OpenSSL RAND_bytes failed");
  }
  return Hex(reinterpret_cast<const unsigned char*>(buf.data()), bytes);
}

std::string CanonicalJson(const json::value& v) {
  std::string out;
  WriteCanonical(v, out);
  return out;
}

}  // namespace comptoir::gateway::config_detail
