#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

/// What the operations page may read of Prometheus and the alert receiver (ADR 0103), and the shapes it gets:
/// the allow-list of queries and windows, and the functions that turn Prometheus's answers into the page's
/// JSON. No I/O here (unit-tested in tests/web_operations_view_test.cpp).
namespace comptoir::web::ops {

/// One chart of the page: its id, the recording rule it reads (deploy/prometheus/rules/recording.yml) and the
/// labels of its series that the page receives (the others are dropped).
struct Panel {
  std::string_view id;
  std::string_view expr;
  std::vector<std::string_view> labels;
};

/// The charts, in the order of the page: requests, latency, errors, cart_load.
const std::vector<Panel>& Panels();

/// A time window the page may ask for, and the step between its points (at most 360 points).
struct Window {
  std::string_view name;  ///< "5m", "15m", "1h", "6h"
  std::int64_t seconds = 0;
  std::int64_t step = 0;
};

const std::vector<Window>& Windows();
std::optional<Window> FindWindow(std::string_view name);
/// "5m, 15m, 1h, 6h" (for error messages).
std::string WindowNames();

/// The window's [start, end], both on a multiple of its step, `end` at or before `now` (epoch seconds): the
/// points of two refreshes fall on the same instants, so a chart moves instead of flickering.
std::pair<std::int64_t, std::int64_t> Span(const Window& window, std::int64_t now);

/// The instant queries of the status (the gateway's view of its upstream targets).
inline constexpr std::string_view kGatewayTargetsQuery =
    "max by (upstream, target, state) (kong_upstream_target_health) == 1";

/// Thrown when an answer is not what Prometheus or the receiver documents (the handler makes it a 503).
class UnreadableAnswer : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// `data.result` of a successful Prometheus answer, checked to be of `result_type` ("matrix", "vector").
/// Throws UnreadableAnswer otherwise.
const boost::json::array& ResultOf(const boost::json::value& answer, std::string_view result_type);

/// The series of a /api/v1/query_range answer: [{"labels": {only `labels`}, "values": [[t, "v"], ...]}],
/// sorted by their labels. Values stay Prometheus's strings ("NaN" included): the page reads them.
boost::json::array ShapeMatrix(const boost::json::value& answer, const std::vector<std::string_view>& labels);

/// /api/v1/targets?state=active → [{"job", "instance", "instance_id" (null when absent), "health" (up, down,
/// unknown), "last_error", "last_scrape", "last_scrape_duration_s"}], sorted by job, instance_id, instance.
boost::json::array ShapeTargets(const boost::json::value& answer);

/// kGatewayTargetsQuery's vector → [{"upstream", "target", "state"}], sorted by upstream and target.
boost::json::array ShapeGatewayTargets(const boost::json::value& answer);

/// /api/v1/alerts → [{"name", "state" (pending, firing), "severity", "summary", "labels" (the others),
/// "active_at", "value"}]: firing first, then by severity (critical, warning, info), name and labels.
boost::json::array ShapeAlerts(const boost::json::value& answer);

/// The alert receiver's GET /alerts → its last `limit` alerts, newest notification first: [{"status" (firing,
/// resolved), "name", "severity", "summary", "labels", "starts_at", "ends_at" (null while firing)}].
boost::json::array ShapeNotifications(const boost::json::value& answer, std::size_t limit);

/// Epoch seconds as RFC 3339 in UTC ("2026-12-04T15:04:05Z").
std::string Rfc3339(std::int64_t seconds);

}  // namespace comptoir::web::ops
