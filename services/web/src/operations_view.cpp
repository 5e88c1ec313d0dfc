#include "operations_view.hpp"

#include <algorithm>
#include <ctime>
#include <tuple>

#include <boost/json.hpp>

namespace comptoir::web::ops {
namespace {
namespace json = boost::json;

const json::object& ObjectOf(const json::value& v, std::string_view what) {
  const auto* o = v.if_object();
  if (o == nullptr) throw UnreadableAnswer(std::string(what) + " is not an object");
  return *o;
}

std::string StringAt(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

const json::object& ObjectAt(const json::object& o, std::string_view key) {
  static const json::object kEmpty;
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_object() ? v->as_object() : kEmpty;
}

/// A label set as text, for a stable order of series and alerts.
std::string LabelKey(const json::object& labels) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& [k, v] : labels) pairs.emplace_back(std::string(k), v.is_string() ? std::string(v.as_string()) : "");
  std::sort(pairs.begin(), pairs.end());
  std::string key;
  for (const auto& [k, v] : pairs) key += k + '=' + v + ',';
  return key;
}

/// `labels` less the alert's name and severity (shown apart), in the order of their names.
json::object OtherLabels(const json::object& labels) {
  std::vector<std::pair<std::string_view, const json::value*>> kept;
  for (const auto& [k, v] : labels) {
    if (k != "alertname" && k != "severity") kept.emplace_back(k, &v);
  }
  std::sort(kept.begin(), kept.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  json::object out;
  for (const auto& [k, v] : kept) out[k] = *v;
  return out;
}

int SeverityRank(std::string_view severity) {
  if (severity == "critical") return 0;
  if (severity == "warning") return 1;
  if (severity == "info") return 2;
  return 3;
}

json::value NullIfEmpty(std::string text) {
  if (text.empty()) return nullptr;
  return json::string(text);
}

}  // namespace

const std::vector<Panel>& Panels() {
  static const std::vector<Panel> panels{
      {"requests", "job:http_requests:rate1m", {"job"}},
      {"latency", "job:http_request_duration_seconds:p95_1m", {"job"}},
      {"errors", "job:http_requests_5xx:ratio_rate1m", {"job"}},
      {"cart_load", "instance:cart_requests:rate1m", {"instance_id", "instance"}},
  };
  return panels;
}

const std::vector<Window>& Windows() {
  static const std::vector<Window> windows{{"5m", 300, 5}, {"15m", 900, 5}, {"1h", 3600, 15}, {"6h", 21600, 60}};
  return windows;
}

std::optional<Window> FindWindow(std::string_view name) {
  for (const auto& w : Windows()) {
    if (w.name == name) return w;
  }
  return std::nullopt;
}

std::string WindowNames() {
  std::string names;
  for (const auto& w : Windows()) names += (names.empty() ? "" : ", ") + std::string(w.name);
  return names;
}

std::pair<std::int64_t, std::int64_t> Span(const Window& window, std::int64_t now) {
  const std::int64_t end = now - (now % window.step);
  return {end - window.seconds, end};
}

const json::array& ResultOf(const json::value& answer, std::string_view result_type) {
  const auto& o = ObjectOf(answer, "the answer");
  if (StringAt(o, "status") != "success") throw UnreadableAnswer("the answer's status is not \"success\"");
  const auto& data = ObjectAt(o, "data");
  if (StringAt(data, "resultType") != result_type) {
    throw UnreadableAnswer("expected a " + std::string(result_type) + " result");
  }
  const auto* result = data.if_contains("result");
  if (result == nullptr || !result->is_array()) throw UnreadableAnswer("the answer has no data.result");
  return result->as_array();
}

json::array ShapeMatrix(const json::value& answer, const std::vector<std::string_view>& labels) {
  std::vector<std::pair<std::string, json::object>> shaped;
  for (const auto& item : ResultOf(answer, "matrix")) {
    if (!item.is_object()) continue;
    const auto& metric = ObjectAt(item.as_object(), "metric");
    json::object kept;
    for (auto label : labels) {
      if (const auto* v = metric.if_contains(label); v != nullptr && v->is_string()) kept[label] = *v;
    }
    json::array values;
    if (const auto* v = item.as_object().if_contains("values"); v != nullptr && v->is_array()) {
      for (const auto& point : v->as_array()) {
        const auto* pair = point.if_array();
        if (pair == nullptr || pair->size() != 2 || !(*pair)[0].is_number() || !(*pair)[1].is_string()) continue;
        values.push_back(point);
      }
    }
    std::string key = LabelKey(kept);
    shaped.emplace_back(std::move(key), json::object{{"labels", std::move(kept)}, {"values", std::move(values)}});
  }
  std::sort(shaped.begin(), shaped.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  json::array out;
  for (auto& [key, series] : shaped) out.push_back(std::move(series));
  return out;
}

json::array ShapeTargets(const json::value& answer) {
  const auto& o = ObjectOf(answer, "the answer");
  if (StringAt(o, "status") != "success") throw UnreadableAnswer("the answer's status is not \"success\"");
  const auto* active = ObjectAt(o, "data").if_contains("activeTargets");
  if (active == nullptr || !active->is_array()) throw UnreadableAnswer("the answer has no data.activeTargets");
  std::vector<std::tuple<std::string, std::string, std::string, json::object>> rows;
  for (const auto& t : active->as_array()) {
    if (!t.is_object()) continue;
    const auto& target = t.as_object();
    const auto& labels = ObjectAt(target, "labels");
    std::string job = StringAt(labels, "job");
    std::string instance = StringAt(labels, "instance");
    std::string instance_id = StringAt(labels, "instance_id");
    std::string health = StringAt(target, "health");
    if (health != "up" && health != "down") health = "unknown";
    const auto* duration = target.if_contains("lastScrapeDuration");
    // Prometheus gives the zero time ("0001-01-01T00:00:00Z") before a target's first scrape.
    std::string last_scrape = StringAt(target, "lastScrape");
    if (last_scrape.starts_with("0001-")) last_scrape.clear();
    json::object row{{"job", job},
                     {"instance", instance},
                     {"instance_id", NullIfEmpty(instance_id)},
                     {"health", health},
                     {"last_error", StringAt(target, "lastError")},
                     {"last_scrape", NullIfEmpty(last_scrape)},
                     {"last_scrape_duration_s",
                      duration != nullptr && duration->is_number() ? duration->to_number<double>() : 0.0}};
    rows.emplace_back(std::move(job), std::move(instance_id), std::move(instance), std::move(row));
  }
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return std::tie(std::get<0>(a), std::get<1>(a), std::get<2>(a)) <
           std::tie(std::get<0>(b), std::get<1>(b), std::get<2>(b));
  });
  json::array out;
  for (auto& row : rows) out.push_back(std::move(std::get<3>(row)));
  return out;
}

json::array ShapeGatewayTargets(const json::value& answer) {
  std::vector<std::tuple<std::string, std::string, std::string>> rows;
  for (const auto& item : ResultOf(answer, "vector")) {
    if (!item.is_object()) continue;
    const auto& metric = ObjectAt(item.as_object(), "metric");
    rows.emplace_back(StringAt(metric, "upstream"), StringAt(metric, "target"), StringAt(metric, "state"));
  }
  std::sort(rows.begin(), rows.end());
  json::array out;
  for (auto& [upstream, target, state] : rows) {
    out.push_back(json::object{{"upstream", upstream}, {"target", target}, {"state", state}});
  }
  return out;
}

json::array ShapeAlerts(const json::value& answer) {
  const auto& o = ObjectOf(answer, "the answer");
  if (StringAt(o, "status") != "success") throw UnreadableAnswer("the answer's status is not \"success\"");
  const auto* alerts = ObjectAt(o, "data").if_contains("alerts");
  if (alerts == nullptr || !alerts->is_array()) throw UnreadableAnswer("the answer has no data.alerts");
  std::vector<std::tuple<int, int, std::string, std::string, json::object>> rows;
  for (const auto& a : alerts->as_array()) {
    if (!a.is_object()) continue;
    const auto& alert = a.as_object();
    const json::object& all = ObjectAt(alert, "labels");
    std::string name = StringAt(all, "alertname");
    std::string severity = StringAt(all, "severity");
    json::object labels = OtherLabels(all);
    const std::string state = StringAt(alert, "state");
    std::string key = LabelKey(labels);
    json::object row{{"name", name},
                     {"state", state},
                     {"severity", severity},
                     {"summary", StringAt(ObjectAt(alert, "annotations"), "summary")},
                     {"labels", std::move(labels)},
                     {"active_at", NullIfEmpty(StringAt(alert, "activeAt"))},
                     {"value", StringAt(alert, "value")}};
    rows.emplace_back(state == "firing" ? 0 : 1, SeverityRank(severity), std::move(name), std::move(key),
                      std::move(row));
  }
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return std::tie(std::get<0>(a), std::get<1>(a), std::get<2>(a), std::get<3>(a)) <
           std::tie(std::get<0>(b), std::get<1>(b), std::get<2>(b), std::get<3>(b));
  });
  json::array out;
  for (auto& row : rows) out.push_back(std::move(std::get<4>(row)));
  return out;
}

json::array ShapeNotifications(const json::value& answer, std::size_t limit) {
  const auto& o = ObjectOf(answer, "the receiver's answer");
  const auto* data = o.if_contains("data");
  if (data == nullptr || !data->is_array()) throw UnreadableAnswer("the receiver's answer has no data");
  json::array out;
  // The receiver lists the oldest first; the page shows the newest first.
  const auto& notifications = data->as_array();
  for (auto n = notifications.rbegin(); n != notifications.rend() && out.size() < limit; ++n) {
    if (!n->is_object()) continue;
    const auto* alerts = n->as_object().if_contains("alerts");
    if (alerts == nullptr || !alerts->is_array()) continue;
    for (const auto& a : alerts->as_array()) {
      if (out.size() >= limit) break;
      if (!a.is_object()) continue;
      const auto& alert = a.as_object();
      const json::object& all = ObjectAt(alert, "labels");
      std::string name = StringAt(all, "alertname");
      std::string severity = StringAt(all, "severity");
      json::object labels = OtherLabels(all);
      const std::string status = StringAt(alert, "status");
      // Alertmanager sends the zero time as endsAt of an alert that is still firing.
      std::string ends_at = StringAt(alert, "endsAt");
      if (status != "resolved" || ends_at.starts_with("0001-")) ends_at.clear();
      out.push_back(json::object{{"status", status},
                                 {"name", name},
                                 {"severity", severity},
                                 {"summary", StringAt(ObjectAt(alert, "annotations"), "summary")},
                                 {"labels", std::move(labels)},
                                 {"starts_at", NullIfEmpty(StringAt(alert, "startsAt"))},
                                 {"ends_at", NullIfEmpty(std::move(ends_at))}});
    }
  }
  return out;
}

std::string Rfc3339(std::int64_t seconds) {
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char text[32];
  const std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return std::string(text, n);
}

}  // namespace comptoir::web::ops
