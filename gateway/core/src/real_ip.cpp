// nginx's realip module (ngx_http_realip_module) as Kong configures it.
#include "comptoir/gateway/real_ip.hpp"

#include <arpa/inet.h>

#include <cctype>
#include <cstring>

namespace comptoir::gateway {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<std::array<std::uint8_t, 16>> ParseIp(std::string_view text) {
  text = Trim(text);
  if (text.size() > 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  const std::string s(text);
  std::array<std::uint8_t, 16> out{};
  in_addr v4{};
  if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
    out[10] = 0xff;
    out[11] = 0xff;
    std::memcpy(out.data() + 12, &v4, 4);
    return out;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, s.c_str(), &v6) == 1) {
    std::memcpy(out.data(), &v6, 16);
    return out;
  }
  return std::nullopt;
}

std::optional<IpNetwork> IpNetwork::Parse(std::string_view text) {
  text = Trim(text);
  const auto slash = text.find('/');
  const std::string_view address = text.substr(0, slash);
  auto bytes = ParseIp(address);
  if (!bytes) return std::nullopt;
  const bool v4 = address.find(':') == std::string_view::npos;
  IpNetwork n;
  n.bytes = *bytes;
  n.prefix = 128;
  if (slash != std::string_view::npos) {
    const std::string_view bits = text.substr(slash + 1);
    if (bits.empty() || bits.size() > 3) return std::nullopt;
    int value = 0;
    for (char c : bits) {
      if (c < '0' || c > '9') return std::nullopt;
      value = value * 10 + (c - '0');
    }
    if (value > (v4 ? 32 : 128)) return std::nullopt;
    n.prefix = v4 ? 96 + value : value;
  }
  return n;
}

bool IpNetwork::Contains(const std::array<std::uint8_t, 16>& address) const {
  int bits = prefix;
  for (std::size_t i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
    const std::uint8_t mask = bits >= 8 ? 0xff : static_cast<std::uint8_t>(0xff << (8 - bits));
    if ((address[i] & mask) != (bytes[i] & mask)) return false;
  }
  return true;
}

bool RealIpSettings::SetTrustedIps(std::string_view list, std::string& error) {
  trusted_ips.clear();
  list = Trim(list);
  if (list.empty() || list == "NONE") return true;
  while (!list.empty()) {
    const auto comma = list.find(',');
    const std::string_view item = Trim(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    if (item.empty()) continue;
    auto n = IpNetwork::Parse(item);
    if (!n) {
      error = "trusted_ips: '" + std::string(item) + "' is not an IP address or a CIDR";
      return false;
    }
    trusted_ips.push_back(*n);
  }
  return true;
}

bool RealIpSettings::Trusted(std::string_view address) const {
  if (trusted_ips.empty()) return false;
  auto bytes = ParseIp(address);
  if (!bytes) return false;
  for (const auto& n : trusted_ips) {
    if (n.Contains(*bytes)) return true;
  }
  return false;
}

std::string RealIpSettings::ClientIp(std::string_view connection_address, const http::Headers& headers) const {
  if (!Trusted(connection_address)) return std::string(connection_address);
  auto value = headers.Get(real_ip_header);
  if (!value) return std::string(connection_address);
  std::string_view v = *value;
  if (!http::IEquals(real_ip_header, "X-Forwarded-For")) {
    return ParseIp(v) ? std::string(Trim(v)) : std::string(connection_address);
  }
  // X-Forwarded-For: the last address, or (recursive) the last one that is not a trusted proxy's.
  std::string_view chosen;
  while (!v.empty()) {
    const auto comma = v.rfind(',');
    const std::string_view item = Trim(comma == std::string_view::npos ? v : v.substr(comma + 1));
    v = comma == std::string_view::npos ? std::string_view{} : v.substr(0, comma);
    if (!ParseIp(item)) return std::string(connection_address);  // nginx then keeps the connection's
    chosen = item;
    if (!real_ip_recursive || !Trusted(item)) break;
  }
  return chosen.empty() ? std::string(connection_address) : std::string(chosen);
}

}  // namespace comptoir::gateway
