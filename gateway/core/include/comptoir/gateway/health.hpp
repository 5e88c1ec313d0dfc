#pragma once
// Read-only view of upstream target health, for the Admin API and the prometheus plugin.
#include <string>
#include <vector>

namespace comptoir::gateway {

/// Kong's target health states (Admin API spelling).
enum class TargetHealth { kHealthy, kUnhealthy, kDnsError, kHealthchecksOff };

std::string_view HealthName(TargetHealth health);  ///< "HEALTHY", "UNHEALTHY", "DNS_ERROR", "HEALTHCHECKS_OFF"

struct TargetStatus {
  std::string upstream;
  std::string target;  ///< "host:port"
  int weight = 100;
  TargetHealth health = TargetHealth::kHealthchecksOff;
  int active_connections = 0;
};

class HealthView {
 public:
  virtual ~HealthView() = default;
  /// Every target of every upstream, in configuration order.
  [[nodiscard]] virtual std::vector<TargetStatus> Snapshot() const = 0;
};

}  // namespace comptoir::gateway
