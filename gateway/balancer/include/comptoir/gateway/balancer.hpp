#pragma once
// Load balancing over Kong upstreams and their targets, with active and passive health checks.
// Shared by every worker: all state is thread-safe (atomics, or a mutex off the hot path).
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "comptoir/gateway/health.hpp"
#include "comptoir/gateway/model.hpp"
#include "comptoir/gateway/plugin.hpp"

namespace comptoir::http {
class Runtime;
class Client;
}  // namespace comptoir::http

namespace comptoir::gateway {

struct TargetState;  // health counters, active connections; defined in the implementation

/// A chosen target for one attempt.
struct Pick {
  std::string host;
  std::uint16_t port = 0;
  std::string target;  ///< "host:port" as configured
  std::shared_ptr<TargetState> state;
  /// Set when hash_on=cookie and the client had no cookie: the proxy adds this Set-Cookie.
  std::string set_cookie;
};

/// How one proxied attempt ended, for passive health checks and least-connections.
struct Outcome {
  /// kAbandoned: the attempt says nothing of the target (a pooled connection the target had closed
  /// while idle, a client that went away, an upload cut at the body limit): least-connections'
  /// count only, no passive health report.
  enum class Kind { kResponse, kTcpFailure, kTimeout, kAbandoned } kind = Kind::kResponse;
  int status = 0;  ///< when kind == kResponse
};

/// Every upstream of the current configuration. Health state and counters of a target survive a
/// configuration reload when the same upstream still has the same target.
class Balancers : public HealthView {
 public:
  /// `probe_client` sends the active health-check requests (on the runtime's workers).
  Balancers(http::Runtime& runtime, http::Client& probe_client);
  ~Balancers() override;

  /// Switches to a new configuration (starts and stops active checkers as needed).
  void Apply(const std::shared_ptr<const Config>& config);
  /// Picks a target of `upstream` for this request, skipping unhealthy targets, targets with
  /// weight 0 and those in `tried` (retries). nullopt: no target left (Kong answers 503
  /// "failure to get a peer from the ring-balancer").
  std::optional<Pick> Select(const std::string& upstream, const RequestContext& ctx,
                             const std::vector<std::string>& tried);
  /// Must bracket every attempt on a picked target (least-connections counts in-flight requests).
  void Begin(const Pick& pick);
  void End(const Pick& pick, const Outcome& outcome);
  /// Admin API `POST /upstreams/{u}/targets/{t}/healthy|unhealthy`; false if unknown.
  bool SetHealth(const std::string& upstream, const std::string& target, bool healthy);
  /// Stops active checkers (at shutdown).
  void Stop();

  std::vector<TargetStatus> Snapshot() const override;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace comptoir::gateway
