// The value syntaxes of Kong's typedefs (hosts, ports, names, regex paths) and the deterministic
// ids of declarative entities.
#include <algorithm>
#include <cctype>

#include "loader.hpp"

namespace comptoir::gateway::config_detail {

// Kong's namespace for declarative ids (declarative_config.lua `uuid_generators._entities`):
// id = v5(v5(ns, "<entity>"), "<endpoint key>"), so a named entity gets the id Kong gives it.
constexpr std::string_view kEntitiesNamespace = "fd02801f-0957-4a15-a55a-c8d9606f30b5";

const std::initializer_list<std::string_view> kKongProtocols = {"grpc", "grpcs",           "http", "https", "tcp",
                                                                "tls",  "tls_passthrough", "udp",  "ws",    "wss"};

std::string GenerateId(std::string_view collection, std::string_view key) {
  static const std::unordered_map<std::string, std::string> namespaces = [] {
    std::unordered_map<std::string, std::string> m;
    for (const char* c :
         {"services", "routes", "upstreams", "targets", "consumers", "plugins", "keyauth_credentials", "jwt_secrets"}) {
      m[c] = UuidV5(kEntitiesNamespace, c);
    }
    return m;
  }();
  auto it = namespaces.find(std::string(collection));
  std::string ns = it != namespaces.end() ? it->second : UuidV5(kEntitiesNamespace, collection);
  return UuidV5(ns, key);
}

std::string Join(std::initializer_list<std::string_view> items) {
  std::string out;
  for (auto i : items) out += (out.empty() ? "" : ", ") + std::string(i);
  return out;
}

bool Contains(std::initializer_list<std::string_view> set, std::string_view v) {
  return std::find(set.begin(), set.end(), v) != set.end();
}

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool IsIpv4(std::string_view s) {
  int parts = 0;
  std::size_t i = 0;
  while (i <= s.size()) {
    std::size_t j = i;
    int value = 0;
    while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j])) != 0) {
      value = value * 10 + (s[j] - '0');
      if (value > 255) return false;
      ++j;
    }
    if (j == i || j - i > 3) return false;
    ++parts;
    if (j == s.size()) break;
    if (s[j] != '.') return false;
    i = j + 1;
  }
  return parts == 4;
}

bool IsIpv6(std::string_view s) {
  if (s.find(':') == std::string_view::npos) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0 || c == ':' || c == '.'; });
}

bool IsHostname(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  std::size_t label = 0;
  for (char c : s) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '-' && c != '_') return false;
    if (++label > 63) return false;
  }
  return label > 0 || s.back() == '.';
}

// A host as Kong's typedefs.host accepts it: hostname, IPv4 or IPv6 (bracketed or not).
bool IsHost(std::string_view s) {
  if (s.size() > 2 && s.front() == '[' && s.back() == ']') return IsIpv6(s.substr(1, s.size() - 2));
  return IsIpv4(s) || IsIpv6(s) || IsHostname(s);
}

bool ParsePort(std::string_view s, int& port) {
  if (s.empty() || s.size() > 5) return false;
  port = 0;
  for (char c : s) {
    if (std::isdigit(static_cast<unsigned char>(c)) == 0) return false;
    port = port * 10 + (c - '0');
  }
  return port >= 0 && port <= 65535;
}

// "host", "host:port", "[v6]", "[v6]:port", bare v6. Returns false when malformed.
bool SplitHostPort(std::string_view s, std::string& host, std::optional<int>& port) {
  port.reset();
  if (s.empty()) return false;
  if (s.front() == '[') {
    auto close = s.find(']');
    if (close == std::string_view::npos) return false;
    host = std::string(s.substr(0, close + 1));
    auto rest = s.substr(close + 1);
    if (rest.empty()) return true;
    if (rest.front() != ':') return false;
    int p = 0;
    if (!ParsePort(rest.substr(1), p)) return false;
    port = p;
    return true;
  }
  if (std::count(s.begin(), s.end(), ':') > 1) {  // bare IPv6
    host = "[" + std::string(s) + "]";
    return true;
  }
  auto colon = s.find(':');
  host = std::string(s.substr(0, colon));
  if (colon == std::string_view::npos) return true;
  int p = 0;
  if (!ParsePort(s.substr(colon + 1), p)) return false;
  port = p;
  return true;
}

// Kong's typedefs.utf8_name: alphanumerics (any UTF-8 letter), '.', '-', '_', '~'.
bool IsUtf8Name(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u >= 0x80 || std::isalnum(u) != 0 || c == '.' || c == '-' || c == '_' || c == '~';
  });
}

// Regex-looking paths of format 1.1/2.1 files get the `~` prefix, as Kong's route_path migration.
bool LooksLikeRegex(std::string_view path) {
  return !std::all_of(path.begin(), path.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-' || c == '_' || c == '~' ||
           c == '/' || c == '%';
  });
}

// PCRE named groups `(?<name>` / `(?P<name>` are not ECMAScript: compile them as plain groups.
std::string ToEcmaRegex(const std::string& pcre) {
  std::string out;
  for (std::size_t i = 0; i < pcre.size(); ++i) {
    if (pcre[i] == '\\' && i + 1 < pcre.size()) {
      out += pcre[i];
      out += pcre[++i];
      continue;
    }
    if (pcre.compare(i, 3, "(?<") == 0 && i + 3 < pcre.size() && pcre[i + 3] != '=' && pcre[i + 3] != '!') {
      auto close = pcre.find('>', i);
      if (close != std::string::npos) {
        out += '(';
        i = close;
        continue;
      }
    }
    if (pcre.compare(i, 4, "(?P<") == 0) {
      auto close = pcre.find('>', i);
      if (close != std::string::npos) {
        out += '(';
        i = close;
        continue;
      }
    }
    out += pcre[i];
  }
  return out;
}

}  // namespace comptoir::gateway::config_detail
