#include "comptoir/gateway/balancer.hpp"

#include <algorithm>
#include <bitset>
#include <chrono>
#include <map>
#include <mutex>
#include <unordered_map>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "comptoir/http/client.hpp"
#include "comptoir/http/runtime.hpp"
#include "comptoir/http/server.hpp"
#include "comptoir/log.hpp"
#include "ring.hpp"

namespace comptoir::gateway {
namespace asio = boost::asio;

namespace {

constexpr std::size_t kMaxStatus = 1000;
using StatusSet = std::bitset<kMaxStatus>;

StatusSet ToSet(const std::vector<int>& statuses) {
  StatusSet set;
  for (int s : statuses) {
    if (s >= 0 && static_cast<std::size_t>(s) < kMaxStatus) set.set(static_cast<std::size_t>(s));
  }
  return set;
}

bool InSet(const StatusSet& set, int status) {
  return status >= 0 && static_cast<std::size_t>(status) < kMaxStatus && set.test(static_cast<std::size_t>(status));
}

// What a probe or a proxied attempt says about a target (lua-resty-healthcheck's report_*).
enum class Event { kSuccess, kHttpFailure, kTcpFailure, kTimeout };

// Counters packed in one word, one byte each (as lua-resty-healthcheck does), so that the hot path
// of End() is one relaxed load: successes | http_failures << 8 | tcp_failures << 16 | timeouts << 24.
constexpr std::uint32_t kSuccessMask = 0xffu;
int Shift(Event e) {
  switch (e) {
    case Event::kSuccess:
      return 0;
    case Event::kHttpFailure:
      return 8;
    case Event::kTcpFailure:
      return 16;
    case Event::kTimeout:
      return 24;
  }
  return 0;
}
std::string_view EventName(Event e) {
  switch (e) {
    case Event::kSuccess:
      return "successes";
    case Event::kHttpFailure:
      return "http_failures";
    case Event::kTcpFailure:
      return "tcp_failures";
    case Event::kTimeout:
      return "timeouts";
  }
  return "";
}

std::chrono::milliseconds Millis(double seconds) {
  auto ms = static_cast<long long>(seconds * 1000.0);
  return std::chrono::milliseconds(std::max<long long>(ms, 1));
}

}  // namespace

/// Health-check settings of an upstream with the status lists as bit sets. One object per distinct
/// settings (interned by Balancers and kept until it is destroyed), so a TargetState may point at it
/// with a plain atomic pointer.
struct CheckSettings {
  Healthchecks hc;
  StatusSet active_healthy, active_unhealthy, passive_healthy, passive_unhealthy;
  bool enabled = false;  ///< active or passive checks configured (else HEALTHCHECKS_OFF)
  bool active = false;
};

/// Per target: in-flight attempts, health and health counters. Shared by every worker; survives
/// reloads while the upstream keeps the target.
struct TargetState {
  TargetState(std::string u, std::string t) : upstream(std::move(u)), target(std::move(t)) {}
  const std::string upstream;
  const std::string target;
  std::atomic<int> active{0};
  std::atomic<bool> healthy{true};
  std::atomic<std::uint32_t> counters{0};             ///< written under `mutex`
  std::atomic<const CheckSettings*> checks{nullptr};  ///< the upstream's current settings
  std::mutex mutex;                                   ///< serialises counter and health changes
};

namespace {

void LogChange(const TargetState& s, bool healthy, std::string_view check, std::string_view reason) {
  log::Info("upstream target health changed", {{"upstream", s.upstream},
                                               {"target", s.target},
                                               {"from", healthy ? "UNHEALTHY" : "HEALTHY"},
                                               {"to", healthy ? "HEALTHY" : "UNHEALTHY"},
                                               {"check", check},
                                               {"reason", reason}});
}

// Kong's health state machine (lua-resty-healthcheck incr_counter) with the documented rule that a
// healthy status always clears the failure counters (see README: "Counters").
void Report(TargetState& s, Event e, const CheckSettings& cs, bool active) {
  int limit = 0;
  if (active) {
    const auto& a = cs.hc.active;
    limit = e == Event::kSuccess       ? a.healthy.successes
            : e == Event::kHttpFailure ? a.unhealthy.http_failures
            : e == Event::kTcpFailure  ? a.unhealthy.tcp_failures
                                       : a.unhealthy.timeouts;
  } else {
    const auto& p = cs.hc.passive;
    limit = e == Event::kSuccess       ? p.healthy.successes
            : e == Event::kHttpFailure ? p.unhealthy.http_failures
            : e == Event::kTcpFailure  ? p.unhealthy.tcp_failures
                                       : p.unhealthy.timeouts;
  }
  if (e == Event::kSuccess) {
    const bool healthy = s.healthy.load(std::memory_order_relaxed);
    if (healthy && s.counters.load(std::memory_order_relaxed) == 0) return;  // the common case
    if (!healthy && limit <= 0) return;
  } else if (limit <= 0) {
    return;  // this kind of failure is not counted (Kong: a 0 threshold disables it)
  }

  bool changed = false;
  bool now_healthy = false;
  {
    std::lock_guard lock(s.mutex);
    std::uint32_t c = s.counters.load(std::memory_order_relaxed);
    const bool healthy = s.healthy.load(std::memory_order_relaxed);
    if (e == Event::kSuccess) {
      if (healthy) {
        c = 0;
      } else {
        const std::uint32_t n = std::min<std::uint32_t>((c & kSuccessMask) + 1, 255);
        c = n;  // a success clears the failure counters
        if (n >= static_cast<std::uint32_t>(limit)) {
          s.healthy.store(true, std::memory_order_relaxed);
          c = 0;
          changed = true;
          now_healthy = true;
        }
      }
    } else {
      c &= ~kSuccessMask;  // a failure clears the success counter
      if (healthy) {
        const int shift = Shift(e);
        const std::uint32_t n = std::min<std::uint32_t>(((c >> shift) & 0xffu) + 1, 255);
        c = (c & ~(0xffu << shift)) | (n << shift);
        if (n >= static_cast<std::uint32_t>(limit)) {
          s.healthy.store(false, std::memory_order_relaxed);
          c = 0;
          changed = true;
          now_healthy = false;
        }
      }
    }
    s.counters.store(c, std::memory_order_relaxed);
  }
  if (changed) LogChange(s, now_healthy, active ? "active" : "passive", EventName(e));
}

// ---------------------------------------------------------------------------------------------
// Active health checker: one coroutine per target, on one runtime worker per upstream.

struct Checker {
  struct Probe {
    std::string host;
    std::uint16_t port = 0;
    std::shared_ptr<TargetState> state;
    std::unique_ptr<asio::steady_timer> timer;
  };

  Checker(asio::io_context& ctx, http::Client& c) : context(ctx), client(c) {}
  std::string upstream;
  std::string host_header;
  std::shared_ptr<const CheckSettings> settings;
  asio::io_context& context;
  http::Client& client;
  std::atomic<bool> cancelled{false};
  std::vector<Probe> probes;  ///< timers only touched on `context`
};

using http::IsTimeout;

asio::awaitable<boost::system::error_code> ConnectTo(asio::ip::tcp::resolver& resolver, asio::ip::tcp::socket& socket,
                                                     const std::string& host, std::uint16_t port) {
  constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
  auto [rec, results] = co_await resolver.async_resolve(host, std::to_string(port), kTuple);
  if (rec) co_return rec;
  auto [cec, endpoint] = co_await asio::async_connect(socket, results, kTuple);
  co_return cec;
}

// active.type tcp (and https/grpc/grpcs, which this gateway probes as plain TCP connects).
asio::awaitable<Event> TcpProbe(std::string host, std::uint16_t port, std::chrono::milliseconds timeout) {
  using namespace asio::experimental::awaitable_operators;
  auto executor = co_await asio::this_coro::executor;
  asio::ip::tcp::resolver resolver(executor);
  asio::ip::tcp::socket socket(executor);
  asio::steady_timer timer(executor, timeout);
  auto result =
      co_await (ConnectTo(resolver, socket, host, port) || timer.async_wait(asio::as_tuple(asio::use_awaitable)));
  if (result.index() == 1) co_return Event::kTimeout;
  const auto ec = std::get<0>(result);
  if (!ec) co_return Event::kSuccess;
  co_return IsTimeout(ec) ? Event::kTimeout : Event::kTcpFailure;
}

asio::awaitable<void> ProbeOnce(std::shared_ptr<Checker> checker, std::size_t index) {
  auto& probe = checker->probes[index];
  const auto& active = checker->settings->hc.active;
  const auto timeout = Millis(active.timeout);
  Event event = Event::kSuccess;
  int status = 0;
  if (active.type == "http") {
    http::Request request;
    request.method = http::Method::kGet;
    request.method_name = "GET";
    request.target = active.http_path.empty() ? "/" : active.http_path;
    request.path = request.target;
    for (const auto& [name, value] : active.headers) request.headers.Add(name, value);
    if (!request.headers.Has("Host")) {
      request.headers.Set("Host", checker->host_header.empty() ? probe.host : checker->host_header);
    }
    auto result = co_await checker->client.Send(probe.host, probe.port, request, timeout);
    if (result.error) {
      event = IsTimeout(result.error) ? Event::kTimeout : Event::kTcpFailure;
    } else {
      status = result.response.status;
      if (InSet(checker->settings->active_healthy, status)) {
        event = Event::kSuccess;
      } else if (InSet(checker->settings->active_unhealthy, status)) {
        event = Event::kHttpFailure;
      } else {
        co_return;  // neither list: ignored, as Kong does
      }
    }
  } else {
    event = co_await TcpProbe(probe.host, probe.port, timeout);
  }
  if (checker->cancelled.load(std::memory_order_acquire)) co_return;
  log::Debug("active health check", {{"upstream", checker->upstream},
                                     {"target", probe.state->target},
                                     {"result", EventName(event)},
                                     {"status", status}});
  Report(*probe.state, event, *checker->settings, /*active=*/true);
}

// Healthy targets are probed every healthy.interval, unhealthy ones every unhealthy.interval (0: not
// probed in that state). The loop wakes every `tick` (the smaller non-zero interval) so that a target
// whose state changed is probed at the cadence of its new state.
asio::awaitable<void> ProbeLoop(std::shared_ptr<Checker> checker, std::size_t index) {
  const auto& active = checker->settings->hc.active;
  double tick = 0;
  for (double i : {active.healthy.interval, active.unhealthy.interval}) {
    if (i > 0 && (tick == 0 || i < tick)) tick = i;
  }
  if (tick <= 0) co_return;
  auto& probe = checker->probes[index];
  auto last = std::chrono::steady_clock::now();  // Kong: the first probe comes one interval after start
  while (!checker->cancelled.load(std::memory_order_acquire)) {
    probe.timer->expires_after(Millis(tick));
    co_await probe.timer->async_wait(asio::as_tuple(asio::use_awaitable));
    if (checker->cancelled.load(std::memory_order_acquire)) break;
    const double interval =
        probe.state->healthy.load(std::memory_order_relaxed) ? active.healthy.interval : active.unhealthy.interval;
    if (interval <= 0) continue;
    const auto now = std::chrono::steady_clock::now();
    if (now - last < Millis(interval) - std::chrono::milliseconds(1)) continue;
    last = now;
    co_await ProbeOnce(checker, index);
  }
}

void LogEscaped(const std::string& upstream, std::exception_ptr error) {
  if (!error) return;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    log::Error("health checker stopped on an exception", {{"upstream", upstream}, {"error", e.what()}});
  } catch (...) {
    log::Error("health checker stopped on an exception", {{"upstream", upstream}, {"error", "unknown"}});
  }
}

void StartChecker(const std::shared_ptr<Checker>& checker) {
  for (std::size_t i = 0; i < checker->probes.size(); ++i) {
    asio::co_spawn(checker->context, ProbeLoop(checker, i),
                   [upstream = checker->upstream](std::exception_ptr e) { LogEscaped(upstream, e); });
  }
}

void CancelChecker(const std::shared_ptr<Checker>& checker) {
  checker->cancelled.store(true, std::memory_order_release);
  // Timers belong to the checker's worker: cancel them there.
  asio::post(checker->context, [checker] {
    for (auto& p : checker->probes) p.timer->cancel();
  });
}

// ---------------------------------------------------------------------------------------------
// Configuration snapshot.

enum class Algorithm { kRoundRobin, kLeastConnections, kConsistentHashing };

struct TargetSlot {
  std::string id;
  std::string target;
  std::string host;
  std::uint16_t port = 0;
  int weight = 100;
  std::shared_ptr<TargetState> state;
};

// Per-worker selection state (smooth weighted round-robin weights, tie-break cursor). Only touched
// with the same worker's cache mutex held.
struct alignas(64) WorkerSelection {
  std::vector<std::int64_t> current;
  std::uint64_t cursor = 0;
};

struct UpstreamRuntime {
  std::string name;
  Algorithm algorithm = Algorithm::kRoundRobin;
  std::string hash_on, hash_fallback, hash_on_header, hash_fallback_header, hash_on_cookie, hash_on_cookie_path,
      hash_on_query_arg, hash_fallback_query_arg, host_header;
  double threshold = 0;
  std::shared_ptr<const CheckSettings> settings;
  std::vector<TargetSlot> targets;
  balancer::Ring ring;
  std::vector<WorkerSelection> workers;
};

struct UpstreamSet {
  std::vector<std::shared_ptr<UpstreamRuntime>> ordered;
  std::unordered_map<std::string, UpstreamRuntime*> by_name;
  [[nodiscard]] UpstreamRuntime* Find(const std::string& name) const {
    auto it = by_name.find(name);
    return it == by_name.end() ? nullptr : it->second;
  }
};

struct alignas(64) WorkerCache {
  std::mutex mutex;  // uncontended: only the worker itself (and non-worker threads, mapped to 0)
  std::shared_ptr<UpstreamSet> set;
  std::uint64_t generation = ~0ULL;
};

std::string SettingsKey(const Healthchecks& h) {
  std::string k;
  auto add = [&k](const auto& v) {
    if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::string>) {
      k += v;
    } else {
      k += std::to_string(v);
    }
    k += '|';
  };
  auto add_list = [&k](const std::vector<int>& v) {
    for (int s : v) k += std::to_string(s) + ',';
    k += '|';
  };
  add(h.active.type), add(h.active.timeout), add(h.active.concurrency), add(h.active.http_path);
  for (const auto& [n, v] : h.active.headers) k += n + ':' + v + '\n';
  k += '|';
  add(h.active.healthy.interval), add_list(h.active.healthy.http_statuses), add(h.active.healthy.successes);
  add(h.active.unhealthy.interval), add_list(h.active.unhealthy.http_statuses), add(h.active.unhealthy.tcp_failures),
      add(h.active.unhealthy.timeouts), add(h.active.unhealthy.http_failures);
  add(h.passive.type), add_list(h.passive.healthy.http_statuses), add(h.passive.healthy.successes);
  add_list(h.passive.unhealthy.http_statuses), add(h.passive.unhealthy.tcp_failures), add(h.passive.unhealthy.timeouts),
      add(h.passive.unhealthy.http_failures), add(h.threshold);
  return k;
}

bool IsTried(const std::string& target, const std::vector<std::string>& tried) {
  return std::find(tried.begin(), tried.end(), target) != tried.end();
}

std::optional<std::string> CookieValue(const http::Headers& headers, std::string_view name) {
  for (const auto& [h, value] : headers) {
    if (!http::IEquals(h, "Cookie")) continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      auto semi = rest.find(';');
      auto pair = rest.substr(0, semi);
      rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
      while (!pair.empty() && (pair.front() == ' ' || pair.front() == '\t')) pair.remove_prefix(1);
      auto eq = pair.find('=');
      if (eq == std::string_view::npos) continue;
      auto key = pair.substr(0, eq);
      while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.remove_suffix(1);
      if (key != name) continue;
      auto v = pair.substr(eq + 1);
      while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
      if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
      return std::string(v);
    }
  }
  return std::nullopt;
}

// Kong's get_value_to_hash: hash_on, then hash_fallback; "" when neither yields a value.
std::string HashValue(const UpstreamRuntime& up, const RequestContext& ctx, std::string& set_cookie) {
  for (int round = 0; round < 2; ++round) {
    const std::string& kind = round == 0 ? up.hash_on : up.hash_fallback;
    const std::string& header = round == 0 ? up.hash_on_header : up.hash_fallback_header;
    const std::string& query_arg = round == 0 ? up.hash_on_query_arg : up.hash_fallback_query_arg;
    if (kind == "none" || kind.empty()) return {};
    if (kind == "consumer") {
      if (ctx.consumer != nullptr) {
        if (!ctx.consumer->id.empty()) return ctx.consumer->id;
        if (!ctx.consumer->username.empty()) return ctx.consumer->username;
        if (!ctx.consumer->custom_id.empty()) return ctx.consumer->custom_id;
      }
      if (!ctx.credential_id.empty()) return ctx.credential_id;
    } else if (kind == "ip") {
      if (!ctx.client_ip.empty()) return ctx.client_ip;
    } else if (kind == "header") {
      std::optional<std::string> joined;
      for (const auto& [name, value] : ctx.request.headers) {
        if (!http::IEquals(name, header)) continue;
        if (joined) {
          *joined += ", ";
          *joined += value;
        } else {
          joined = value;
        }
      }
      if (joined) return *joined;
    } else if (kind == "cookie") {
      if (auto value = CookieValue(ctx.request.headers, up.hash_on_cookie)) return *value;
      // No cookie yet: make one, hash on it, and have the proxy hand it to the client.
      std::string value = http::NewUuid();
      set_cookie = up.hash_on_cookie + "=" + value +
                   "; Path=" + (up.hash_on_cookie_path.empty() ? std::string("/") : up.hash_on_cookie_path) +
                   "; Same-Site=Lax; HttpOnly";
      return value;
    } else if (kind == "path") {
      return ctx.request.path;
    } else if (kind == "query_arg") {
      std::vector<std::string> values;
      bool found = false;
      for (auto& [name, value] : ctx.request.QueryParams()) {
        if (name == query_arg) {
          found = true;
          values.push_back(value);
        }
      }
      if (found) {
        std::sort(values.begin(), values.end());
        std::string joined;
        for (std::size_t i = 0; i < values.size(); ++i) {
          if (i) joined += ',';
          joined += values[i];
        }
        return joined;
      }
    }
  }
  return {};
}

}  // namespace

// ---------------------------------------------------------------------------------------------

struct Balancers::Impl {
  Impl(http::Runtime& rt, http::Client& c) : runtime(rt), client(c), caches(std::max<std::size_t>(rt.size(), 1)) {}

  http::Runtime& runtime;
  http::Client& client;

  // The current configuration: published under `set_mutex`, cached per worker (see Refresh).
  std::mutex set_mutex;
  std::shared_ptr<UpstreamSet> set;
  std::atomic<std::uint64_t> generation{0};
  std::vector<WorkerCache> caches;

  // Apply/Stop only.
  std::mutex apply_mutex;
  std::map<std::string, std::shared_ptr<const CheckSettings>> interned;
  std::unordered_map<std::string, std::shared_ptr<Checker>> checkers;
  std::size_t next_worker = 0;
  bool stopped = false;

  std::shared_ptr<UpstreamSet> Current() {
    std::lock_guard lock(set_mutex);
    return set;
  }

  void Refresh(WorkerCache& cache) {
    const auto gen = generation.load(std::memory_order_acquire);
    if (cache.generation == gen) return;
    std::lock_guard lock(set_mutex);
    cache.set = set;
    cache.generation = generation.load(std::memory_order_relaxed);
  }

  std::shared_ptr<const CheckSettings> Intern(const Healthchecks& hc) {
    auto key = SettingsKey(hc);
    auto it = interned.find(key);
    if (it != interned.end()) return it->second;
    auto s = std::make_shared<CheckSettings>();
    s->hc = hc;
    s->active_healthy = ToSet(hc.active.healthy.http_statuses);
    s->active_unhealthy = ToSet(hc.active.unhealthy.http_statuses);
    s->passive_healthy = ToSet(hc.passive.healthy.http_statuses);
    s->passive_unhealthy = ToSet(hc.passive.unhealthy.http_statuses);
    s->active = hc.ActiveEnabled();
    s->enabled = hc.ActiveEnabled() || hc.PassiveEnabled();
    interned.emplace(std::move(key), s);
    return s;
  }
};

Balancers::Balancers(http::Runtime& runtime, http::Client& probe_client)
    : impl_(std::make_unique<Impl>(runtime, probe_client)) {}

Balancers::~Balancers() {
  Stop();
}

void Balancers::Apply(const std::shared_ptr<const Config>& config) {
  std::lock_guard apply(impl_->apply_mutex);
  auto old = impl_->Current();
  auto set = std::make_shared<UpstreamSet>();
  std::unordered_map<std::string, std::shared_ptr<Checker>> checkers;

  for (const auto& up : config ? config->upstreams : std::vector<Upstream>{}) {
    if (set->by_name.contains(up.name)) continue;  // the loader refuses duplicates; first one wins
    auto rt = std::make_shared<UpstreamRuntime>();
    rt->name = up.name;
    rt->hash_on = up.hash_on.empty() ? "none" : up.hash_on;
    rt->hash_fallback = up.hash_fallback.empty() ? "none" : up.hash_fallback;
    rt->hash_on_header = up.hash_on_header;
    rt->hash_fallback_header = up.hash_fallback_header;
    rt->hash_on_cookie = up.hash_on_cookie;
    rt->hash_on_cookie_path = up.hash_on_cookie_path;
    rt->hash_on_query_arg = up.hash_on_query_arg;
    rt->hash_fallback_query_arg = up.hash_fallback_query_arg;
    rt->host_header = up.host_header;
    rt->threshold = up.healthchecks.threshold;
    // Kong: hash_on other than "none" means consistent-hashing whatever `algorithm` says.
    if (rt->hash_on != "none" || up.algorithm == "consistent-hashing") {
      rt->algorithm = Algorithm::kConsistentHashing;
    } else if (up.algorithm == "least-connections") {
      rt->algorithm = Algorithm::kLeastConnections;
    } else {
      rt->algorithm = Algorithm::kRoundRobin;
    }
    rt->settings = impl_->Intern(up.healthchecks);

    const UpstreamRuntime* previous = old ? old->Find(up.name) : nullptr;
    for (const auto& t : up.targets) {
      std::string name = t.target.empty() ? t.host + ":" + std::to_string(t.port) : t.target;
      auto same = std::find_if(rt->targets.begin(), rt->targets.end(),
                               [&name](const TargetSlot& s) { return s.target == name; });
      if (same != rt->targets.end()) {  // the same target twice: the later entry's weight counts
        same->weight = t.weight;
        continue;
      }
      TargetSlot slot;
      slot.id = t.id;
      slot.target = name;
      slot.host = t.host;
      slot.port = t.port;
      slot.weight = t.weight;
      if (previous != nullptr) {
        for (const auto& p : previous->targets) {
          if (p.target == name) slot.state = p.state;
        }
      }
      if (!slot.state) slot.state = std::make_shared<TargetState>(up.name, name);
      rt->targets.push_back(std::move(slot));
    }
    for (auto& slot : rt->targets) {
      slot.state->checks.store(rt->settings.get(), std::memory_order_release);
      // With health checks off nothing could ever bring a target back: put it back in rotation.
      if (!rt->settings->enabled && !slot.state->healthy.load()) {
        std::lock_guard lock(slot.state->mutex);
        slot.state->healthy.store(true);
        slot.state->counters.store(0);
        LogChange(*slot.state, true, "config", "healthchecks off");
      }
    }
    if (rt->algorithm == Algorithm::kConsistentHashing) {
      std::vector<balancer::RingMember> members;
      for (std::size_t i = 0; i < rt->targets.size(); ++i) {
        members.push_back({rt->targets[i].target, rt->targets[i].weight, i});
      }
      rt->ring = balancer::Ring(std::move(members), up.slots);
    }
    rt->workers.resize(impl_->caches.size());
    for (auto& w : rt->workers) w.current.assign(rt->targets.size(), 0);

    if (rt->settings->active && !impl_->stopped && !rt->targets.empty()) {
      std::shared_ptr<Checker> reuse;
      if (auto it = impl_->checkers.find(up.name); it != impl_->checkers.end()) {
        const auto& c = it->second;
        bool same =
            c->settings == rt->settings && c->host_header == rt->host_header && c->probes.size() == rt->targets.size();
        for (std::size_t i = 0; same && i < c->probes.size(); ++i) {
          same = c->probes[i].state == rt->targets[i].state && c->probes[i].host == rt->targets[i].host &&
                 c->probes[i].port == rt->targets[i].port;
        }
        if (same) reuse = c;
      }
      if (!reuse) {
        auto& context = impl_->runtime.Context(impl_->next_worker++ % impl_->runtime.size());
        reuse = std::make_shared<Checker>(context, impl_->client);
        reuse->upstream = up.name;
        reuse->host_header = rt->host_header;
        reuse->settings = rt->settings;
        if (rt->settings->hc.active.type != "http") {
          log::Warn("active health checks of this type are probed as TCP connects",
                    {{"upstream", up.name}, {"type", rt->settings->hc.active.type}});
        }
        for (const auto& slot : rt->targets) {
          Checker::Probe probe;
          probe.host = slot.host;
          probe.port = slot.port;
          probe.state = slot.state;
          probe.timer = std::make_unique<asio::steady_timer>(context);
          reuse->probes.push_back(std::move(probe));
        }
        StartChecker(reuse);
      }
      checkers.emplace(up.name, reuse);
    }

    set->by_name.emplace(up.name, rt.get());
    set->ordered.push_back(std::move(rt));
  }

  for (auto& [name, checker] : impl_->checkers) {
    auto it = checkers.find(name);
    if (it == checkers.end() || it->second != checker) CancelChecker(checker);
  }
  impl_->checkers = std::move(checkers);

  std::lock_guard lock(impl_->set_mutex);
  impl_->set = std::move(set);
  impl_->generation.fetch_add(1, std::memory_order_release);
}

std::optional<Pick> Balancers::Select(const std::string& upstream, const RequestContext& ctx,
                                      const std::vector<std::string>& tried) {
  const std::size_t worker = http::Runtime::CurrentWorker() % impl_->caches.size();
  auto& cache = impl_->caches[worker];
  std::lock_guard lock(cache.mutex);
  impl_->Refresh(cache);
  UpstreamRuntime* up = cache.set ? cache.set->Find(upstream) : nullptr;
  if (up == nullptr || up->targets.empty()) return std::nullopt;
  const auto& targets = up->targets;

  // healthchecks.threshold: below that share of healthy weight, the whole upstream is down.
  if (up->threshold > 0) {
    double total = 0;
    double healthy = 0;
    for (const auto& t : targets) {
      total += t.weight;
      if (t.state->healthy.load(std::memory_order_relaxed)) healthy += t.weight;
    }
    if (total <= 0 || healthy * 100.0 < up->threshold * total) return std::nullopt;
  }

  auto usable = [&targets, &tried](std::size_t i) {
    const auto& t = targets[i];
    return t.weight > 0 && t.state->healthy.load(std::memory_order_relaxed) &&
           (tried.empty() || !IsTried(t.target, tried));
  };

  long best = -1;
  std::string set_cookie;
  auto& ws = up->workers[worker];
  switch (up->algorithm) {
    case Algorithm::kRoundRobin: {
      // nginx's smooth weighted round-robin over the usable targets.
      std::int64_t total = 0;
      for (std::size_t i = 0; i < targets.size(); ++i) {
        if (!usable(i)) continue;
        ws.current[i] += targets[i].weight;
        total += targets[i].weight;
        if (best < 0 || ws.current[i] > ws.current[static_cast<std::size_t>(best)]) best = static_cast<long>(i);
      }
      if (best >= 0) ws.current[static_cast<std::size_t>(best)] -= total;
      break;
    }
    case Algorithm::kLeastConnections: {
      // Lowest (in-flight + 1) / weight, as Kong's least_connections; ties go round-robin.
      const std::size_t n = targets.size();
      const std::size_t start = ws.cursor++ % n;
      std::int64_t best_conn = 0;
      std::int64_t best_weight = 1;
      for (std::size_t k = 0; k < n; ++k) {
        const std::size_t i = (start + k) % n;
        if (!usable(i)) continue;
        const std::int64_t conn = targets[i].state->active.load(std::memory_order_relaxed);
        const std::int64_t weight = targets[i].weight;
        if (best < 0 || (conn + 1) * best_weight < (best_conn + 1) * weight) {
          best = static_cast<long>(i);
          best_conn = conn;
          best_weight = weight;
        }
      }
      break;
    }
    case Algorithm::kConsistentHashing: {
      const std::string key = HashValue(*up, ctx, set_cookie);
      best = up->ring.Find(up->ring.Position(key), usable);
      break;
    }
  }
  if (best < 0) return std::nullopt;
  const auto& t = targets[static_cast<std::size_t>(best)];
  Pick pick;
  pick.host = t.host;
  pick.port = t.port;
  pick.target = t.target;
  pick.state = t.state;
  pick.set_cookie = std::move(set_cookie);
  return pick;
}

void Balancers::Begin(const Pick& pick) {
  if (pick.state) pick.state->active.fetch_add(1, std::memory_order_relaxed);
}

void Balancers::End(const Pick& pick, const Outcome& outcome) {
  if (!pick.state) return;
  auto& s = *pick.state;
  s.active.fetch_sub(1, std::memory_order_relaxed);
  const CheckSettings* cs = s.checks.load(std::memory_order_acquire);
  if (cs == nullptr) return;
  switch (outcome.kind) {
    case Outcome::Kind::kResponse:
      if (InSet(cs->passive_healthy, outcome.status)) {
        Report(s, Event::kSuccess, *cs, false);
      } else if (InSet(cs->passive_unhealthy, outcome.status)) {
        Report(s, Event::kHttpFailure, *cs, false);
      }
      break;
    case Outcome::Kind::kTcpFailure:
      Report(s, Event::kTcpFailure, *cs, false);
      break;
    case Outcome::Kind::kTimeout:
      Report(s, Event::kTimeout, *cs, false);
      break;
    case Outcome::Kind::kAbandoned:
      break;
  }
}

bool Balancers::SetHealth(const std::string& upstream, const std::string& target, bool healthy) {
  auto set = impl_->Current();
  const UpstreamRuntime* up = set ? set->Find(upstream) : nullptr;
  if (up == nullptr) return false;
  for (const auto& t : up->targets) {
    if (t.target != target && (t.id.empty() || t.id != target)) continue;
    bool changed = false;
    {
      std::lock_guard lock(t.state->mutex);
      changed = t.state->healthy.load() != healthy;
      t.state->healthy.store(healthy);
      t.state->counters.store(0);
    }
    if (changed) LogChange(*t.state, healthy, "manual", "admin api");
    return true;
  }
  return false;
}

void Balancers::Stop() {
  std::lock_guard apply(impl_->apply_mutex);
  impl_->stopped = true;
  for (auto& [name, checker] : impl_->checkers) CancelChecker(checker);
  impl_->checkers.clear();
}

std::vector<TargetStatus> Balancers::Snapshot() const {
  std::vector<TargetStatus> out;
  auto set = impl_->Current();
  if (!set) return out;
  for (const auto& up : set->ordered) {
    for (const auto& t : up->targets) {
      TargetStatus status;
      status.upstream = up->name;
      status.target = t.target;
      status.weight = t.weight;
      status.active_connections = t.state->active.load(std::memory_order_relaxed);
      status.health = !up->settings->enabled                             ? TargetHealth::kHealthchecksOff
                      : t.state->healthy.load(std::memory_order_relaxed) ? TargetHealth::kHealthy
                                                                         : TargetHealth::kUnhealthy;
      out.push_back(std::move(status));
    }
  }
  return out;
}

}  // namespace comptoir::gateway
