#pragma once
// Kong's rate-limiting plugin (kong/plugins/rate-limiting): fixed, calendar-aligned UTC windows
// (second ... year), counters keyed ratelimit:<route>:<service>:<identifier>:<period_start>:<period>,
// policies `local` (in-process, shared by every worker) and `redis` (shared by gateway processes).
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "comptoir/gateway/plugin.hpp"

namespace comptoir::gateway::plugins {

/// The six windows, shortest first (Kong's ORDERED_PERIODS).
enum class RatePeriod { kSecond, kMinute, kHour, kDay, kMonth, kYear };
inline constexpr int kRatePeriods = 6;

/// Start of the window containing `now_ms` (ms since the epoch, UTC), as Kong's
/// kong.tools.timestamp.get_timestamps computes it: second, minute, hour, day, first of the month,
/// first of January.
std::int64_t RatePeriodStart(RatePeriod period, std::int64_t now_ms);
/// Kong's EXPIRATION table in seconds: 1, 60, 3600, 86400, 2592000, 31536000.
std::int64_t RatePeriodSeconds(RatePeriod period);
/// "second", "minute", ...
std::string_view RatePeriodName(RatePeriod period);

struct RateLimitingConfig {
  std::array<std::optional<double>, kRatePeriods> limits;
  std::string limit_by = "consumer";  ///< consumer | credential | ip | service | header | path
  std::string header_name;
  std::string path;
  std::string policy = "local";  ///< local | redis
  bool fault_tolerant = true;
  bool hide_client_headers = false;
  int error_code = 429;
  std::string error_message = "API rate limit exceeded";
  std::string redis_host;
  int redis_port = 6379;
  std::string redis_password;
  int redis_database = 0;
  std::int64_t redis_timeout_ms = 2000;
};

/// Counts of the configured windows before this request: what Kong's `usage` returns.
using RateUsage = std::array<double, kRatePeriods>;

/// One instance per configured plugin; thread-safe.
class RateLimiting final : public Plugin {
 public:
  RateLimiting(RateLimitingConfig config, std::shared_ptr<redis::Client> redis);

  [[nodiscard]] int Priority() const override { return 910; }
  [[nodiscard]] std::string_view Name() const override { return "rate-limiting"; }
  void Access(RequestContext& ctx) const override;
  [[nodiscard]] bool HasAsyncAccess() const override { return redis_ != nullptr; }
  boost::asio::awaitable<void> AccessAsync(RequestContext& ctx) const override;

  /// Replaces the time source (ms since the epoch, UTC); for tests, before the first request.
  void SetClock(std::function<std::int64_t()> now_ms) { now_ms_ = std::move(now_ms); }
  [[nodiscard]] const RateLimitingConfig& config() const noexcept { return config_; }

  /// The identifier Kong limits by for this request (falls back to the client IP).
  [[nodiscard]] std::string Identifier(const RequestContext& ctx) const;
  /// Counter key of one window: ratelimit:<route_id>:<service_id>:<identifier>:<period_start>:<period>,
  /// route and service being the plugin's own scope (Kong's conf.route_id / conf.service_id).
  [[nodiscard]] std::string Key(const RequestContext& ctx, const std::string& identifier, RatePeriod period,
                                std::int64_t now_ms) const;

 private:
  struct Scope {
    std::string route_id;
    std::string service_id;
  };
  const Scope& ScopeOf(const RequestContext& ctx) const;
  /// Headers, 429 exit: Kong's access phase after `get_usage`.
  void Decide(RequestContext& ctx, const RateUsage& usage, std::int64_t now_ms) const;
  void Fail(RequestContext& ctx, const std::exception& error) const;

  RateLimitingConfig config_;
  std::shared_ptr<redis::Client> redis_;
  std::function<std::int64_t()> now_ms_;
  mutable std::once_flag scope_once_;
  mutable Scope scope_;
};

/// Lua script run by the redis policy: for every window key, reads the count; when none would go
/// over its limit, increments them all (INCRBY 1 + EXPIREAT end of window). Returns the counts
/// read (before the increment). KEYS = window keys; ARGV = limits..., then expire-at seconds...
extern const char* const kRateLimitingScript;

}  // namespace comptoir::gateway::plugins
