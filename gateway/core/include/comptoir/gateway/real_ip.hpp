#pragma once
// The client's address as Kong (nginx's realip module) sees it: the connection's address, unless
// the connection comes from a trusted proxy (kong.conf `trusted_ips`), in which case the address
// that proxy put in `real_ip_header` (X-Real-IP by default; X-Forwarded-For with
// `real_ip_recursive` walks back past the trusted proxies). `limit_by: ip`, ip-restriction and
// hash_on ip all use it; X-Forwarded-Proto/Host/Port/Path/Prefix are passed on only from a trusted
// proxy.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "comptoir/http/message.hpp"

namespace comptoir::gateway {

/// An IPv4 or IPv6 network ("10.0.0.0/8", "::1", "0.0.0.0/0").
struct IpNetwork {
  std::array<std::uint8_t, 16> bytes{};  ///< IPv4 as ::ffff:a.b.c.d
  int prefix = 128;                      ///< in bits of the 128
  /// Parses an address or a CIDR; nullopt when it is neither.
  static std::optional<IpNetwork> Parse(std::string_view text);
  [[nodiscard]] bool Contains(const std::array<std::uint8_t, 16>& address) const;
};

/// An address as 16 bytes (IPv4 mapped); nullopt when `text` is not an address.
std::optional<std::array<std::uint8_t, 16>> ParseIp(std::string_view text);

/// Kong's `trusted_ips`, `real_ip_header`, `real_ip_recursive` (defaults: none, X-Real-IP, off).
struct RealIpSettings {
  std::vector<IpNetwork> trusted_ips;
  std::string real_ip_header = "X-Real-IP";
  bool real_ip_recursive = false;

  /// Parses a comma-separated list of addresses and networks ("" and "NONE": none,
  /// "0.0.0.0/0,::/0": every address). False with `error` set on a bad entry.
  bool SetTrustedIps(std::string_view list, std::string& error);
  /// Whether the connection's address is a trusted proxy's.
  [[nodiscard]] bool Trusted(std::string_view address) const;
  /// The client's address for a request that came from `connection_address` with `headers`.
  [[nodiscard]] std::string ClientIp(std::string_view connection_address, const http::Headers& headers) const;
};

}  // namespace comptoir::gateway
