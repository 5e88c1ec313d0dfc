#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "comptoir/http/client.hpp"
#include "comptoir/http/message.hpp"
#include "recorder.hpp"
#include "schedule.hpp"
#include "threshold.hpp"

namespace comptoir::load {

/// Where the requests go, and how.
struct Target {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  std::string api_key = "pos-test-automation-dev-key-2025";  ///< the test-automation consumer of kong.yml
  std::chrono::milliseconds timeout{10000};
};

/// A product as the global setup found it in the catalogue.
struct ProductRef {
  std::int64_t id = 0;
  std::string sku;
  std::int64_t price_cents = 0;
};

/// What every VU may read, found once before the scenarios (read-only afterwards).
struct Shared {
  std::vector<ProductRef> products;       ///< active products (up to `catalogue_limit`)
  std::vector<std::string> search_terms;  ///< words of product names, for searches
  int shoppers = 0;  ///< generated shopper accounts shopper00001@example.com... (0: each VU registers one)
  /// Generated staff (bench/load/gen-data.sh): cashiers caisse<store>.<nn>@loadtest.comptoir.local per store and
  /// managers gerance.<nn>@loadtest.comptoir.local. 0: the demo's five cashiers and its one manager.
  int cashiers_per_store = 0;
  int managers = 0;
  std::string password = "comptoir-demo";
  std::string run_id;  ///< unique per run: e-mails of registered shoppers, idempotency keys
};

/// A VU's own state across iterations (sign-in once per VU, the shopper's cart...).
struct VuState {
  bool ready = false;  ///< setup done (and the token still fresh)
  std::string token;
  Clock::time_point token_expires{};
  int location_id = 0;
  std::int64_t register_session_id = 0;  ///< a cashier's open register session (sales require one)
  std::string cart_id;
  std::uint64_t iteration = 0;
};

/// One request of a scenario step. Every request is checked: the answer's status must be one of
/// `expect` (a check named "<name> status <expect>"), else the request counts as failed.
struct Call {
  http::Method method = http::Method::kGet;
  std::string path;
  std::string body;
  std::string name;  ///< request name in the results (e.g. "sales.create")
  std::string bearer;
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<int> expect{200};
};

/// The answer (status 0 when none came: timeout, refused, reset).
struct Reply {
  int status = 0;
  bool ok = false;  ///< status expected
  std::string body;
  http::Headers headers;
  std::string error;
};

class Part;

/// A virtual user: sends requests (recorded and checked), checks bodies, sleeps (think time).
class Vu {
 public:
  Vu(Part& part, int id);
  boost::asio::awaitable<Reply> Send(Call call);
  /// Records a named check; returns `ok`. `detail` says why when it fails (kept for the report).
  bool Check(std::string_view name, bool ok, std::string_view detail = {});
  boost::asio::awaitable<void> Sleep(Seconds seconds);

  [[nodiscard]] int id() const noexcept { return id_; }
  [[nodiscard]] const Shared& shared() const noexcept;
  std::mt19937_64& rng() noexcept { return rng_; }
  VuState& state() noexcept { return state_; }
  /// A fresh Idempotency-Key.
  std::string NewKey();

  // Used by the executors.
  void SetIntended(Clock::time_point at) { intended_ = at; }
  void SetSetupPhase(bool setup) { setup_phase_ = setup; }
  bool busy = false;
  bool running = false;  ///< ramping-vus: its loop is on

 private:
  Part& part_;
  int id_;
  std::mt19937_64 rng_;
  VuState state_;
  std::optional<Clock::time_point> intended_;
  bool setup_phase_ = false;
};

/// A scenario: an executor and what one iteration does. `setup` runs once per VU before its first
/// iteration (sign-in), and again when it leaves the VU not ready (a failed or expired sign-in).
struct Scenario {
  std::string name;
  std::string description;
  ExecutorConfig executor;
  std::vector<std::string> thresholds;
  boost::asio::awaitable<void> (*setup)(Vu&) = nullptr;
  boost::asio::awaitable<void> (*iteration)(Vu&) = nullptr;
  bool full_only = false;  ///< scaled by the profile factor (seed profiles) rather than run as written
};

struct RunOptions {
  int threads = 1;
  std::chrono::milliseconds interval{1000};  ///< time-series resolution
};

struct ThresholdResult {
  Threshold threshold;
  std::optional<double> value;
  bool ok = false;
};

/// The outcome of one scenario.
struct ScenarioResult {
  std::string name;
  std::string description;
  ExecutorConfig executor;
  Recorder recorder;
  double seconds = 0;  ///< from the first scheduled start to the last iteration's end
  std::vector<ThresholdResult> thresholds;
  [[nodiscard]] bool ok() const;
};

/// Runs one scenario to its end (plus graceful stop) on its own runtime of `options.threads` workers.
ScenarioResult RunScenario(const Scenario& scenario, const Target& target, const Shared& shared,
                           const RunOptions& options, const std::vector<Threshold>& thresholds);

/// Finds the catalogue (active products, pages of 100, at most `catalogue_limit`) through `target`.
/// Throws std::runtime_error when the platform does not answer as expected.
Shared Prepare(const Target& target, std::size_t catalogue_limit, int shoppers);

/// Evaluates `thresholds` on a recorder (`seconds` for rates).
std::vector<ThresholdResult> Evaluate(const std::vector<Threshold>& thresholds, const Recorder& recorder,
                                      double seconds);

/// k6's convention: 0 when every threshold holds, 99 when one fails.
int ExitCode(const std::vector<ScenarioResult>& results);

}  // namespace comptoir::load
