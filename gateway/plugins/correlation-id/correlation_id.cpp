// Kong's correlation-id plugin (kong/plugins/correlation-id): gives every request an id in a
// header (default Kong-Request-ID) sent upstream, and optionally echoes it to the client.
#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <random>
#include <thread>

#include "comptoir/gateway/plugins/factories.hpp"
#include "comptoir/http/server.hpp"

namespace comptoir::gateway::plugins {
namespace {

enum class Generator { kUuid, kUuidCounter, kTracker };

/// A random (version 4) UUID, lower-case (libs/http's generator: per-thread, no lock).
std::string RandomUuid() { return http::NewUuid(); }

/// Kong's uuid#counter: one UUID per worker plus a per-worker counter. A worker here is an event
/// loop thread, so the pair is thread-local: unique across threads without a shared atomic.
std::string UuidCounter() {
  thread_local const std::string worker_uuid = RandomUuid();
  thread_local std::uint64_t counter = 0;
  return worker_uuid + "#" + std::to_string(++counter);
}

/// Kong's tracker is "<server_addr>-<server_port>-<pid>-<connection>-<connection_requests>-<now>";
/// the proxy does not expose connection serials to plugins, so the thread and a process-wide
/// sequence number stand in for them (still unique per request).
std::string Tracker(const RequestContext& ctx) {
  static std::atomic<std::uint64_t> sequence{0};
  static const int pid = static_cast<int>(::getpid());
  auto now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::string host(ctx.request.headers.Get("Host").value_or("0.0.0.0"));
  char buf[64];
  std::snprintf(buf, sizeof buf, "-%d-%zu-%llu-%0.3f", pid, std::hash<std::thread::id>{}(std::this_thread::get_id()),
                static_cast<unsigned long long>(sequence.fetch_add(1, std::memory_order_relaxed) + 1), now);
  return host + buf;
}

class CorrelationId final : public Plugin {
 public:
  CorrelationId(std::string header_name, Generator generator, bool echo_downstream)
      : header_name_(std::move(header_name)), generator_(generator), echo_downstream_(echo_downstream) {}

  [[nodiscard]] int Priority() const override { return 100001; }
  [[nodiscard]] std::string_view Name() const override { return "correlation-id"; }

  // A global instance runs here, before routing, so even a 404 carries the id; Access repeats it
  // for route/service instances and is a no-op when the header is already set.
  void Rewrite(RequestContext& ctx) const override { Assign(ctx); }
  void Access(RequestContext& ctx) const override { Assign(ctx); }

 private:
  void Assign(RequestContext& ctx) const {
    auto existing = ctx.request.headers.Get(header_name_);
    std::string id = existing ? std::string(*existing) : std::string();
    if (id.empty()) {
      id = Generate(ctx);
      ctx.request.headers.Set(header_name_, id);
    }
    // Kong's header_filter sets the header on whatever answer goes back (the upstream's or the
    // gateway's own): the proxy applies ctx.response_headers to both, replacing a same-named one.
    if (echo_downstream_) ctx.response_headers.Set(header_name_, id);
    ctx.request_id = std::move(id);
  }

  std::string Generate(const RequestContext& ctx) const {
    switch (generator_) {
      case Generator::kUuid:
        return RandomUuid();
      case Generator::kUuidCounter:
        return UuidCounter();
      case Generator::kTracker:
        return Tracker(ctx);
    }
    return RandomUuid();
  }

  std::string header_name_;
  Generator generator_;
  bool echo_downstream_;
};

}  // namespace

std::shared_ptr<Plugin> CreateCorrelationId(SchemaReader& config, const PluginEnv& /*env*/) {
  std::string header_name = config.String("header_name", "Kong-Request-ID");
  if (header_name.empty()) config.Fail("header_name", "length must be at least 1");
  std::string generator = config.String("generator", "uuid#counter", {"uuid", "uuid#counter", "tracker"});
  bool echo = config.Bool("echo_downstream", false);
  config.RejectUnknown();
  if (!config.ok()) return nullptr;
  Generator g = generator == "uuid"      ? Generator::kUuid
                : generator == "tracker" ? Generator::kTracker
                                         : Generator::kUuidCounter;
  return std::make_shared<CorrelationId>(std::move(header_name), g, echo);
}

}  // namespace comptoir::gateway::plugins
