// Kong's ip-restriction plugin (kong/plugins/ip-restriction): allow and deny lists of addresses
// and CIDR ranges, IPv4 and IPv6; a listed deny always wins.
#include <arpa/inet.h>

#include <array>
#include <cstring>

#include "comptoir/gateway/plugins/factories.hpp"

namespace comptoir::gateway::plugins {
namespace {

/// An address as 16 bytes; IPv4 uses the first 4.
struct Address {
  bool v6 = false;
  std::array<unsigned char, 16> bytes{};
};

std::optional<Address> ParseAddress(std::string_view text) {
  // Tolerate "[::1]" and zone ids ("fe80::1%eth0"): the proxy may hand either.
  if (text.size() > 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  if (auto pct = text.find('%'); pct != std::string_view::npos) text = text.substr(0, pct);
  std::string s(text);
  Address a;
  if (inet_pton(AF_INET, s.c_str(), a.bytes.data()) == 1) return a;
  if (inet_pton(AF_INET6, s.c_str(), a.bytes.data()) == 1) {
    a.v6 = true;
    // An IPv4-mapped IPv6 client (dual-stack listener) is matched as IPv4, as nginx reports it.
    static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    if (std::memcmp(a.bytes.data(), kMapped, 12) == 0) {
      Address v4;
      std::memcpy(v4.bytes.data(), a.bytes.data() + 12, 4);
      return v4;
    }
    return a;
  }
  return std::nullopt;
}

struct Range {
  Address base;
  int prefix = 0;

  [[nodiscard]] bool Contains(const Address& a) const {
    if (a.v6 != base.v6) return false;
    int full = prefix / 8;
    if (std::memcmp(a.bytes.data(), base.bytes.data(), static_cast<std::size_t>(full)) != 0) return false;
    int rem = prefix % 8;
    if (rem == 0) return true;
    auto mask = static_cast<unsigned char>(0xFF << (8 - rem));
    return (a.bytes[static_cast<std::size_t>(full)] & mask) == (base.bytes[static_cast<std::size_t>(full)] & mask);
  }
};

/// typedefs.ip_or_cidr: "1.2.3.4", "10.0.0.0/8", "::1", "2001:db8::/32".
std::optional<Range> ParseRange(std::string_view text) {
  Range r;
  auto slash = text.find('/');
  auto addr = ParseAddress(text.substr(0, slash));
  if (!addr) return std::nullopt;
  // A mapped IPv4 written as IPv6 with an IPv6 prefix would be ambiguous; keep the written form.
  if (slash != std::string_view::npos && text.substr(0, slash).find(':') != std::string_view::npos && !addr->v6) {
    return std::nullopt;
  }
  r.base = *addr;
  int max = addr->v6 ? 128 : 32;
  r.prefix = max;
  if (slash != std::string_view::npos) {
    std::string_view bits = text.substr(slash + 1);
    if (bits.empty() || bits.size() > 3) return std::nullopt;
    int n = 0;
    for (char c : bits) {
      if (c < '0' || c > '9') return std::nullopt;
      n = n * 10 + (c - '0');
    }
    if (n > max) return std::nullopt;
    r.prefix = n;
  }
  return r;
}

class IpRestriction final : public Plugin {
 public:
  IpRestriction(std::vector<Range> allow, std::vector<Range> deny, int status, std::optional<std::string> message)
      : allow_(std::move(allow)), deny_(std::move(deny)), status_(status), message_(std::move(message)) {}

  [[nodiscard]] int Priority() const override { return 990; }
  [[nodiscard]] std::string_view Name() const override { return "ip-restriction"; }

  void Access(RequestContext& ctx) const override {
    auto client = ParseAddress(ctx.client_ip);
    if (!client) {
      ctx.exit = KongError(403, "Cannot identify the client IP address, unix domain sockets are not supported.",
                           ctx.request_id);
      return;
    }
    auto refuse = [&] {
      ctx.exit = KongError(status_, message_ ? *message_ : "IP address not allowed: " + ctx.client_ip, ctx.request_id);
    };
    if (!deny_.empty() && Matches(deny_, *client)) return refuse();
    if (!allow_.empty() && !Matches(allow_, *client)) return refuse();
  }

 private:
  static bool Matches(const std::vector<Range>& ranges, const Address& a) {
    for (const auto& r : ranges) {
      if (r.Contains(a)) return true;
    }
    return false;
  }

  std::vector<Range> allow_;
  std::vector<Range> deny_;
  int status_;
  std::optional<std::string> message_;
};

std::vector<Range> ReadRanges(SchemaReader& config, std::string_view key, bool& given) {
  given = config.Raw(key) != nullptr;
  auto entries = config.StringArray(key, {});
  if (!given) config.output()[key] = nullptr;  // no default in Kong
  std::vector<Range> out;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (auto r = ParseRange(entries[i])) {
      out.push_back(*r);
    } else {
      config.Fail(std::string(key) + "[" + std::to_string(i + 1) + "]",
                  "invalid ip or cidr range: '" + entries[i] + "'");
    }
  }
  return out;
}

}  // namespace

std::shared_ptr<Plugin> CreateIpRestriction(SchemaReader& config, const PluginEnv& /*env*/) {
  bool allow_given = false;
  bool deny_given = false;
  auto allow = ReadRanges(config, "allow", allow_given);
  auto deny = ReadRanges(config, "deny", deny_given);
  auto status = config.OptInt("status", 100, 599);
  auto message = config.OptString("message");
  if (allow.empty() && deny.empty() && config.ok()) {
    config.Fail("allow", "at least one of these fields must be non-empty: 'config.allow', 'config.deny'");
  }
  config.RejectUnknown();
  if (!config.ok()) return nullptr;
  return std::make_shared<IpRestriction>(std::move(allow), std::move(deny), status ? static_cast<int>(*status) : 403,
                                         std::move(message));
}

}  // namespace comptoir::gateway::plugins
