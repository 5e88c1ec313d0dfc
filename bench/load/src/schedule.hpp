#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

/// The timing of k6's executors as pure functions (no I/O): when the i-th iteration of an arrival-rate
/// executor is due, and how many VUs a ramping-vus executor wants at a given moment.
namespace comptoir::load {

using Seconds = std::chrono::duration<double>;

/// One stage: over `duration`, the value (rate or VUs) goes linearly from where it was to `target`.
struct Stage {
  Seconds duration{0};
  double target = 0;
};

/// k6 executors supported (https://grafana.com/docs/k6/latest/using-k6/scenarios/executors/).
enum class ExecutorType { kConstantArrivalRate, kRampingArrivalRate, kRampingVus, kConstantVus };

std::string_view ExecutorName(ExecutorType type) noexcept;
std::optional<ExecutorType> ParseExecutor(std::string_view name) noexcept;

/// The settings of one executor, k6's names in comments.
struct ExecutorConfig {
  ExecutorType type = ExecutorType::kConstantArrivalRate;
  double rate = 1;                 ///< `rate` iterations per `time_unit` (constant-arrival-rate)
  double start_rate = 0;           ///< `startRate` (ramping-arrival-rate)
  Seconds time_unit{1};            ///< `timeUnit`
  Seconds duration{10};            ///< `duration` (constant-*); the stages' sum for ramping-*
  std::vector<Stage> stages;       ///< `stages` (ramping-*)
  int pre_allocated_vus = 10;      ///< `preAllocatedVUs` (arrival-rate)
  int max_vus = 100;               ///< `maxVUs` (arrival-rate)
  int vus = 10;                    ///< `vus` (constant-vus)
  int start_vus = 0;               ///< `startVUs` (ramping-vus)
  Seconds graceful_stop{30};       ///< `gracefulStop`: how long iterations under way may finish
  Seconds graceful_ramp_down{30};  ///< `gracefulRampDown` (ramping-vus)
};

/// Total scheduled length: `duration`, or the sum of the stages for ramping executors.
Seconds ScheduledDuration(const ExecutorConfig& config);

/// Multiplies every duration by `factor` (rates and VU counts are kept): the scaled-down profiles.
ExecutorConfig Scaled(ExecutorConfig config, double factor);

/// Iterations per second at `t` for an arrival-rate executor (stages interpolated linearly).
double RateAt(const ExecutorConfig& config, Seconds t);

/// Start offset of iteration `i` (0-based) of an arrival-rate executor: the time at which the
/// integral of the rate reaches `i` (k6 spaces starts so, fractionally). nullopt once past the end.
std::optional<Seconds> ArrivalOffset(const ExecutorConfig& config, std::uint64_t i);

/// VUs wanted at `t` by a ramping-vus (or constant-vus) executor: linear between stages, rounded
/// down, as k6 does; 0 after the end.
int VusAt(const ExecutorConfig& config, Seconds t);
/// The largest number of VUs the executor ever wants (what it allocates).
int MaxVus(const ExecutorConfig& config);

/// Parses "30s", "1m", "1m30s", "250ms", "2h", "1.5s"; nullopt when malformed.
std::optional<Seconds> ParseDuration(std::string_view text);
/// "30s" / "1m30s" / "250ms" back again.
std::string FormatDuration(Seconds d);
/// Parses "30s:15,5m:15,30s:0" into stages.
std::optional<std::vector<Stage>> ParseStages(std::string_view text);

}  // namespace comptoir::load
