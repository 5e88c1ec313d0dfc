#include "rate_limiting.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <unordered_map>

#include <fmt/format.h>

#include "comptoir/gateway/plugins/factories.hpp"
#include "comptoir/log.hpp"
#include "comptoir/redis/redis.hpp"

namespace comptoir::gateway::plugins {
namespace {

constexpr std::array<std::string_view, kRatePeriods> kPeriodNames{"second", "minute", "hour", "day", "month", "year"};
constexpr std::array<std::string_view, kRatePeriods> kLimitHeaders{
    "X-RateLimit-Limit-Second", "X-RateLimit-Limit-Minute", "X-RateLimit-Limit-Hour",
    "X-RateLimit-Limit-Day",    "X-RateLimit-Limit-Month",  "X-RateLimit-Limit-Year"};
constexpr std::array<std::string_view, kRatePeriods> kRemainingHeaders{
    "X-RateLimit-Remaining-Second", "X-RateLimit-Remaining-Minute", "X-RateLimit-Remaining-Hour",
    "X-RateLimit-Remaining-Day",    "X-RateLimit-Remaining-Month",  "X-RateLimit-Remaining-Year"};
constexpr std::array<std::int64_t, kRatePeriods> kExpiration{1, 60, 3600, 86400, 2592000, 31536000};
// Kong's null_uuid, used in keys when the plugin is not scoped to a route or service.
constexpr std::string_view kEmptyUuid = "00000000-0000-0000-0000-000000000000";

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// Lua's tostring of a number, as nginx puts it in a header: integers without a decimal point.
std::string Num(double v) {
  if (v == std::floor(v) && std::fabs(v) < 1e15) return fmt::format("{:.0f}", v);
  return fmt::format("{}", v);
}

/// End of the window starting at `start_ms` (start of the next one).
std::int64_t PeriodEnd(RatePeriod period, std::int64_t start_ms) {
  using namespace std::chrono;
  if (period == RatePeriod::kMonth || period == RatePeriod::kYear) {
    year_month_day ymd{floor<days>(sys_time<milliseconds>(milliseconds(start_ms)))};
    year_month_day next = period == RatePeriod::kMonth ? ymd + months(1) : ymd + years(1);
    return duration_cast<milliseconds>(sys_days(next).time_since_epoch()).count();
  }
  return start_ms + kExpiration[static_cast<int>(period)] * 1000;
}

/// Counters of the local policy: one table for the whole process (Kong's shared dict), so that
/// every worker and every instance of the plugin with the same scope share them, across reloads.
/// All windows of one identifier live in the same shard, so a check-and-increment takes one lock.
class LocalCounters {
 public:
  static LocalCounters& Instance() {
    static LocalCounters counters;
    return counters;
  }

  /// Reads the counts of `keys`; when none has reached its limit, increments them all.
  RateUsage CheckAndIncrement(std::string_view group, const std::array<std::string, kRatePeriods>& keys,
                              const std::array<std::optional<double>, kRatePeriods>& limits,
                              const std::array<std::int64_t, kRatePeriods>& expires_ms, std::int64_t now_ms) {
    Shard& shard = shards_[std::hash<std::string_view>{}(group) % kShards];
    RateUsage usage{};
    std::lock_guard lock(shard.mutex);
    Sweep(shard, now_ms);
    std::array<Entry*, kRatePeriods> entries{};
    bool stop = false;
    for (int p = 0; p < kRatePeriods; ++p) {
      if (!limits[p]) continue;
      auto it = shard.map.find(keys[p]);
      if (it != shard.map.end() && it->second.expires_ms > now_ms) {
        entries[p] = &it->second;
        usage[p] = it->second.count;
      }
      if (*limits[p] - usage[p] <= 0) stop = true;
    }
    if (stop) return usage;
    for (int p = 0; p < kRatePeriods; ++p) {
      if (!limits[p]) continue;
      if (entries[p] == nullptr) {
        entries[p] = &shard.map.insert_or_assign(keys[p], Entry{0, expires_ms[p]}).first->second;
      }
      entries[p]->count += 1;
    }
    return usage;
  }

 private:
  struct Entry {
    double count = 0;
    std::int64_t expires_ms = 0;
  };
  struct alignas(64) Shard {
    std::mutex mutex;
    std::unordered_map<std::string, Entry> map;
    std::int64_t next_sweep_ms = 0;
  };
  static constexpr std::size_t kShards = 64;
  // Beyond this many live windows in a shard, some are dropped (Kong's shared dict evicts too).
  static constexpr std::size_t kMaxPerShard = 1 << 16;

  static void Sweep(Shard& shard, std::int64_t now_ms) {
    if (now_ms < shard.next_sweep_ms && shard.map.size() < kMaxPerShard) return;
    shard.next_sweep_ms = now_ms + 1000;
    std::erase_if(shard.map, [&](const auto& kv) { return kv.second.expires_ms <= now_ms; });
    for (auto it = shard.map.begin(); shard.map.size() >= kMaxPerShard && it != shard.map.end();) {
      it = shard.map.erase(it);
    }
  }

  std::array<Shard, kShards> shards_;
};

}  // namespace

const char* const kRateLimitingScript = R"lua(
local n = #KEYS
local usage = {}
local stop = false
for i = 1, n do
  local v = tonumber(redis.call('GET', KEYS[i]) or '0')
  usage[i] = v
  if tonumber(ARGV[i]) - v <= 0 then stop = true end
end
if not stop then
  for i = 1, n do
    redis.call('INCRBY', KEYS[i], 1)
    redis.call('EXPIREAT', KEYS[i], ARGV[n + i])
  end
end
return usage
)lua";

std::int64_t RatePeriodStart(RatePeriod period, std::int64_t now_ms) {
  using namespace std::chrono;
  const std::int64_t second = now_ms - ((now_ms % 1000) + 1000) % 1000;
  switch (period) {
    case RatePeriod::kSecond:
      return second;
    case RatePeriod::kMinute:
      return second - ((second / 1000) % 60 + 60) % 60 * 1000;
    case RatePeriod::kHour:
      return second - ((second / 1000) % 3600 + 3600) % 3600 * 1000;
    default:
      break;
  }
  const sys_days day = floor<days>(sys_time<milliseconds>(milliseconds(now_ms)));
  year_month_day ymd{day};
  sys_days start = day;
  if (period == RatePeriod::kMonth) start = sys_days(ymd.year() / ymd.month() / 1);
  if (period == RatePeriod::kYear) start = sys_days(ymd.year() / January / 1);
  return duration_cast<milliseconds>(start.time_since_epoch()).count();
}

std::int64_t RatePeriodSeconds(RatePeriod period) {
  return kExpiration[static_cast<int>(period)];
}
std::string_view RatePeriodName(RatePeriod period) {
  return kPeriodNames[static_cast<int>(period)];
}

RateLimiting::RateLimiting(RateLimitingConfig config, std::shared_ptr<redis::Client> redis)
    : config_(std::move(config)), redis_(std::move(redis)), now_ms_(NowMs) {}

const RateLimiting::Scope& RateLimiting::ScopeOf(const RequestContext& ctx) const {
  // The factory does not see the plugin entity; the instance finds itself once in the configuration
  // it belongs to (Kong keys counters by the plugin's own route_id / service_id, not the request's).
  std::call_once(scope_once_, [&] {
    scope_.route_id = kEmptyUuid;
    scope_.service_id = kEmptyUuid;
    for (const auto& instance : ctx.config.plugins) {
      if (instance.plugin.get() != this) continue;
      if (instance.route >= 0 && static_cast<std::size_t>(instance.route) < ctx.config.routes.size()) {
        scope_.route_id = ctx.config.routes[static_cast<std::size_t>(instance.route)].id;
      }
      if (instance.service >= 0 && static_cast<std::size_t>(instance.service) < ctx.config.services.size()) {
        scope_.service_id = ctx.config.services[static_cast<std::size_t>(instance.service)].id;
      }
      break;
    }
  });
  return scope_;
}

std::string RateLimiting::Identifier(const RequestContext& ctx) const {
  const auto& by = config_.limit_by;
  if (by == "consumer") {
    if (ctx.consumer != nullptr && !ctx.consumer->id.empty()) return ctx.consumer->id;
    if (!ctx.credential_id.empty()) return ctx.credential_id;
  } else if (by == "credential") {
    if (!ctx.credential_id.empty()) return ctx.credential_id;
  } else if (by == "service") {
    if (ctx.service != nullptr && !ctx.service->id.empty()) return ctx.service->id;
  } else if (by == "header") {
    if (auto v = ctx.request.headers.Get(config_.header_name); v && !v->empty()) return std::string(*v);
  } else if (by == "path") {
    if (ctx.request.path == config_.path) return ctx.request.path;
  }
  return ctx.client_ip;
}

std::string RateLimiting::Key(const RequestContext& ctx, const std::string& identifier, RatePeriod period,
                              std::int64_t now_ms) const {
  const Scope& scope = ScopeOf(ctx);
  return fmt::format("ratelimit:{}:{}:{}:{}:{}", scope.route_id, scope.service_id, identifier,
                     RatePeriodStart(period, now_ms), RatePeriodName(period));
}

void RateLimiting::Decide(RequestContext& ctx, const RateUsage& usage, std::int64_t now_ms) const {
  int stop = -1;
  std::array<double, kRatePeriods> remaining{};
  for (int p = 0; p < kRatePeriods; ++p) {
    if (!config_.limits[p]) continue;
    remaining[p] = *config_.limits[p] - usage[p];
    if (remaining[p] <= 0) stop = p;
  }

  std::optional<std::int64_t> reset;
  if (!config_.hide_client_headers) {
    int best = -1;
    double best_remaining = 0;
    for (int p = 0; p < kRatePeriods; ++p) {
      if (!config_.limits[p]) continue;
      double current = remaining[p];
      // This request counts in every window unless it is refused (then only the exhausted one shows it).
      if (stop == -1 || stop == p) current -= 1;
      current = std::max(0.0, current);
      if (best == -1 || current < best_remaining || (current == best_remaining && kExpiration[p] > kExpiration[best])) {
        best = p;
        best_remaining = current;
        const auto period = static_cast<RatePeriod>(p);
        const std::int64_t elapsed = (now_ms - RatePeriodStart(period, now_ms)) / 1000;
        reset = std::max<std::int64_t>(1, kExpiration[p] - elapsed);
      }
      ctx.response_headers.Set(kLimitHeaders[p], Num(*config_.limits[p]));
      ctx.response_headers.Set(kRemainingHeaders[p], Num(current));
    }
    ctx.response_headers.Set("RateLimit-Limit", Num(*config_.limits[best]));
    ctx.response_headers.Set("RateLimit-Remaining", Num(best_remaining));
    ctx.response_headers.Set("RateLimit-Reset", std::to_string(*reset));
  }

  if (stop != -1) {
    if (reset) ctx.response_headers.Set("Retry-After", std::to_string(*reset));
    ctx.exit = KongError(config_.error_code, config_.error_message, ctx.request_id);
  }
}

void RateLimiting::Fail(RequestContext& ctx, const std::exception& error) const {
  if (config_.fault_tolerant) {
    // Kong: "failed to get usage" logged, the request goes through without rate-limit headers.
    log::Warn("rate-limiting: failed to get usage, request let through (fault_tolerant)",
              {{"error", error.what()},
               {"request_id", ctx.request_id},
               {"trace_id", ctx.TraceId()},
               {"span_id", ctx.SpanId()}});
    return;
  }
  log::Error("rate-limiting: failed to get usage", {{"error", error.what()},
                                                    {"request_id", ctx.request_id},
                                                    {"trace_id", ctx.TraceId()},
                                                    {"span_id", ctx.SpanId()}});
  ctx.exit = KongError(500, "An unexpected error occurred", ctx.request_id);
}

void RateLimiting::Access(RequestContext& ctx) const {
  if (redis_ != nullptr) return;  // AccessAsync
  const std::int64_t now = now_ms_();
  const std::string identifier = Identifier(ctx);
  const Scope& scope = ScopeOf(ctx);
  std::array<std::string, kRatePeriods> keys;
  std::array<std::int64_t, kRatePeriods> expires{};
  for (int p = 0; p < kRatePeriods; ++p) {
    if (!config_.limits[p]) continue;
    const auto period = static_cast<RatePeriod>(p);
    keys[p] = Key(ctx, identifier, period, now);
    expires[p] = PeriodEnd(period, RatePeriodStart(period, now));
  }
  const std::string group = scope.route_id + ':' + scope.service_id + ':' + identifier;
  const RateUsage usage = LocalCounters::Instance().CheckAndIncrement(group, keys, config_.limits, expires, now);
  Decide(ctx, usage, now);
}

boost::asio::awaitable<void> RateLimiting::AccessAsync(RequestContext& ctx) const {
  const std::int64_t now = now_ms_();
  const std::string identifier = Identifier(ctx);
  std::vector<std::string> keys;
  std::vector<std::string> args;
  std::vector<std::string> expire_at;
  std::vector<int> periods;
  for (int p = 0; p < kRatePeriods; ++p) {
    if (!config_.limits[p]) continue;
    const auto period = static_cast<RatePeriod>(p);
    const std::int64_t start = RatePeriodStart(period, now);
    periods.push_back(p);
    keys.push_back(Key(ctx, identifier, period, now));
    args.push_back(fmt::format("{}", *config_.limits[p]));
    expire_at.push_back(std::to_string(PeriodEnd(period, start) / 1000 + 1));
  }
  args.insert(args.end(), expire_at.begin(), expire_at.end());

  RateUsage usage{};
  try {
    // One round trip per request: read, check and increment every window atomically, so that
    // gateways sharing the Redis never accept more than the limit between them.
    redis::Reply reply = (co_await redis_->Eval(kRateLimitingScript, std::move(keys), std::move(args))).ThrowIfError();
    const auto& items = reply.Array();
    if (items.size() != periods.size()) throw std::runtime_error("unexpected reply from the rate-limiting script");
    for (std::size_t i = 0; i < periods.size(); ++i) usage[periods[i]] = static_cast<double>(items[i].Integer());
  } catch (const std::exception& e) {
    Fail(ctx, e);
    co_return;
  }
  Decide(ctx, usage, now);
}

std::shared_ptr<Plugin> CreateRateLimiting(SchemaReader& config, const PluginEnv& env) {
  RateLimitingConfig c;
  bool any = false;
  for (int p = 0; p < kRatePeriods; ++p) {
    const auto name = kPeriodNames[p];
    c.limits[p] = config.OptNumber(name, -1e308, 1e308);
    if (c.limits[p]) {
      any = true;
      if (*c.limits[p] <= 0) config.Fail(name, "value must be greater than 0");
    }
  }
  if (!any) {
    config.Fail("second",
                "at least one of these fields must be non-empty: 'config.second', 'config.minute', "
                "'config.hour', 'config.day', 'config.month', 'config.year'");
  }
  // Kong's validate_periods_order: a longer window may not have a lower limit.
  for (int i = 0; i < kRatePeriods; ++i) {
    if (!c.limits[i] || *c.limits[i] <= 0) continue;
    for (int j = i + 1; j < kRatePeriods; ++j) {
      if (c.limits[j] && *c.limits[j] < *c.limits[i]) {
        config.Fail(kPeriodNames[j],
                    fmt::format("The limit for {}({:.1f}) cannot be lower than the limit for {}({:.1f})",
                                kPeriodNames[j], *c.limits[j], kPeriodNames[i], *c.limits[i]));
      }
    }
  }

  c.limit_by = config.String("limit_by", "consumer", {"consumer", "credential", "ip", "service", "header", "path"});
  c.header_name = config.OptString("header_name").value_or("");
  c.path = config.OptString("path").value_or("");
  if (c.limit_by == "header" && c.header_name.empty()) config.Fail("header_name", "required field missing");
  if (c.limit_by == "path") {
    if (c.path.empty())
      config.Fail("path", "required field missing");
    else if (c.path.front() != '/')
      config.Fail("path", "should start with: /");
  }
  // `cluster` needs a database: in DB-less mode Kong's schema only allows these two.
  c.policy = config.String("policy", "local", {"local", "redis"});
  c.fault_tolerant = config.Bool("fault_tolerant", true);
  c.hide_client_headers = config.Bool("hide_client_headers", false);
  c.error_code = static_cast<int>(config.Number("error_code", 429, 1, 999));
  c.error_message = config.String("error_message", "API rate limit exceeded");
  // Counters are always updated synchronously (sync_rate -1); other values are accepted and ignored.
  config.Number("sync_rate", -1, -1, 1e9);

  // Deprecated flat fields (Kong's shorthand_fields), mapped onto `redis`, not shown in the output.
  auto flat_host = config.OptString("redis_host");
  auto flat_port = config.OptInt("redis_port", 0, 65535);
  auto flat_password = config.OptString("redis_password");
  auto flat_username = config.OptString("redis_username");
  auto flat_timeout = config.OptInt("redis_timeout", 0, 2147483646);
  auto flat_database = config.OptInt("redis_database", 0, 2147483647);
  const auto* flat_ssl = config.Raw("redis_ssl");
  const auto* flat_ssl_verify = config.Raw("redis_ssl_verify");
  auto flat_server_name = config.OptString("redis_server_name");
  config.Keep("redis_ssl");
  config.Keep("redis_ssl_verify");
  for (auto key : {"redis_host", "redis_port", "redis_password", "redis_username", "redis_timeout", "redis_database",
                   "redis_ssl", "redis_ssl_verify", "redis_server_name"}) {
    config.output().erase(key);
  }
  {
    SchemaReader redis = config.Record("redis");
    c.redis_host = redis.OptString("host").value_or("");
    c.redis_port = static_cast<int>(redis.Int("port", 6379, 0, 65535));
    c.redis_timeout_ms = redis.Int("timeout", 2000, 0, 2147483646);
    auto username = redis.OptString("username");
    c.redis_password = redis.OptString("password").value_or("");
    c.redis_database = static_cast<int>(redis.Int("database", 0, 0, 2147483647));
    bool ssl = redis.Bool("ssl", false);
    redis.Bool("ssl_verify", false);
    redis.OptString("server_name");
    if (flat_host) c.redis_host = *flat_host, redis.output()["host"] = *flat_host;
    if (flat_port) c.redis_port = static_cast<int>(*flat_port), redis.output()["port"] = *flat_port;
    if (flat_password) c.redis_password = *flat_password, redis.output()["password"] = *flat_password;
    if (flat_username) username = flat_username, redis.output()["username"] = *flat_username;
    if (flat_timeout) c.redis_timeout_ms = *flat_timeout, redis.output()["timeout"] = *flat_timeout;
    if (flat_database) c.redis_database = static_cast<int>(*flat_database), redis.output()["database"] = *flat_database;
    if (flat_ssl != nullptr && flat_ssl->is_bool()) ssl = flat_ssl->get_bool(), redis.output()["ssl"] = ssl;
    if (flat_ssl_verify != nullptr && flat_ssl_verify->is_bool()) redis.output()["ssl_verify"] = *flat_ssl_verify;
    if (flat_server_name) redis.output()["server_name"] = *flat_server_name;
    if (c.policy == "redis") {
      if (c.redis_host.empty()) redis.Fail("host", "required field missing");
      if (username) redis.Fail("username", "Redis ACL users are not supported by this gateway");
      if (ssl) redis.Fail("ssl", "TLS to Redis is not supported by this gateway");
    }
    redis.RejectUnknown();
  }
  config.RejectUnknown();
  if (!config.ok()) return nullptr;

  std::shared_ptr<redis::Client> client;
  if (c.policy == "redis") {
    if (!env.redis) {
      config.Fail("policy", "the redis policy is not available in this process");
      return nullptr;
    }
    client = env.redis(c.redis_host, c.redis_port, c.redis_password, c.redis_database,
                       std::chrono::milliseconds(c.redis_timeout_ms));
  }
  return std::make_shared<RateLimiting>(std::move(c), std::move(client));
}

}  // namespace comptoir::gateway::plugins
