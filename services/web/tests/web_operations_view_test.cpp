// The operations page's allow-list and the shapes it makes of Prometheus's and the receiver's answers (ADR 0103):
// what is kept, dropped, sorted and refused. Answers are written as Prometheus documents them.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "operations_view.hpp"

namespace comptoir::web::ops {
namespace {

namespace json = boost::json;

TEST(OperationsView, ThePanelsReadOnlyTheRecordingRules) {
  std::vector<std::string> ids;
  for (const auto& p : Panels()) {
    ids.emplace_back(p.id);
    // Recording rules only (level:metric:operations): nothing the browser could have chosen.
    EXPECT_EQ(std::count(p.expr.begin(), p.expr.end(), ':'), 2) << p.expr;
    EXPECT_EQ(p.expr.find_first_of(" ({"), std::string_view::npos) << p.expr;
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"requests", "latency", "errors", "cart_load"}));
}

TEST(OperationsView, WindowsAreAFixedListWithBoundedPoints) {
  EXPECT_EQ(WindowNames(), "5m, 15m, 1h, 6h");
  for (const auto& w : Windows()) EXPECT_LE(w.seconds / w.step, 360) << w.name;
  ASSERT_TRUE(FindWindow("1h"));
  EXPECT_EQ(FindWindow("1h")->step, 15);
  for (const char* bad : {"", "2h", "15M", "15m ", "1h;up", "-5m"}) EXPECT_FALSE(FindWindow(bad)) << bad;
}

TEST(OperationsView, ASpanEndsOnAStepAtOrBeforeNow) {
  const Window w = *FindWindow("15m");
  auto [start, end] = Span(w, 1'700'000'003);
  EXPECT_EQ(end, 1'700'000'000);
  EXPECT_EQ(start, 1'700'000'000 - 900);
  auto [s2, e2] = Span(w, 1'700'000'005);
  EXPECT_EQ(e2, 1'700'000'005);
  EXPECT_EQ(e2 - s2, 900);
}

TEST(OperationsView, AMatrixKeepsOnlyThePanelsLabelsAndWellFormedPoints) {
  const auto answer = json::parse(R"({"status":"success","data":{"resultType":"matrix","result":[
    {"metric":{"job":"sales","instance":"127.0.0.1:8003","secret":"x"},"values":[[1700000000,"1.5"],[1700000005,"NaN"]]},
    {"metric":{"job":"cart"},"values":[[1700000000,"2"],["bad","3"],[1700000010,4],[1700000015]]}
  ]}})");
  const json::array series = ShapeMatrix(answer, {"job"});
  ASSERT_EQ(series.size(), 2U);
  // Sorted by labels: cart before sales.
  EXPECT_EQ(json::serialize(series[0]), R"({"labels":{"job":"cart"},"values":[[1700000000,"2"]]})");
  EXPECT_EQ(json::serialize(series[1]),
            R"({"labels":{"job":"sales"},"values":[[1700000000,"1.5"],[1700000005,"NaN"]]})");
}

TEST(OperationsView, AnAnswerThatIsNotASuccessIsUnreadable) {
  EXPECT_THROW(ShapeMatrix(json::parse(R"({"status":"error","error":"bad"})"), {"job"}), UnreadableAnswer);
  EXPECT_THROW(ShapeMatrix(json::parse(R"({"status":"success","data":{"resultType":"vector","result":[]}})"), {}),
               UnreadableAnswer);
  EXPECT_THROW(ShapeMatrix(json::parse("[]"), {}), UnreadableAnswer);
  EXPECT_THROW(ShapeTargets(json::parse(R"({"status":"success","data":{}})")), UnreadableAnswer);
  EXPECT_THROW(ShapeAlerts(json::parse(R"({"status":"success"})")), UnreadableAnswer);
  EXPECT_THROW(ShapeNotifications(json::parse(R"({"meta":{}})"), 5), UnreadableAnswer);
}

TEST(OperationsView, TargetsSayHealthLastErrorAndScrapeInAStableOrder) {
  const auto answer = json::parse(R"({"status":"success","data":{"activeTargets":[
    {"labels":{"job":"cart","instance":"127.0.0.1:8016","instance_id":"cart-2"},"health":"down",
     "lastError":"connection refused","lastScrape":"2026-12-04T15:00:00.1Z","lastScrapeDuration":0.002,
     "scrapeUrl":"http://127.0.0.1:8016/metrics","discoveredLabels":{"__address__":"127.0.0.1:8016"}},
    {"labels":{"job":"cart","instance":"127.0.0.1:8006","instance_id":"cart-1"},"health":"up","lastError":"",
     "lastScrape":"2026-12-04T15:00:00.2Z","lastScrapeDuration":0.001},
    {"labels":{"job":"alertmanager","instance":"127.0.0.1:9093"},"health":"unknown","lastError":"",
     "lastScrape":"0001-01-01T00:00:00Z","lastScrapeDuration":0},
    {"labels":{"job":"web","instance":"127.0.0.1:8008"},"health":"weird"}
  ],"droppedTargets":[]}})");
  const json::array targets = ShapeTargets(answer);
  ASSERT_EQ(targets.size(), 4U);
  EXPECT_EQ(json::serialize(targets[0]),
            R"({"job":"alertmanager","instance":"127.0.0.1:9093","instance_id":null,"health":"unknown",)"
            R"("last_error":"","last_scrape":null,"last_scrape_duration_s":0E0})");
  EXPECT_EQ(targets[1].at("instance_id"), "cart-1");
  EXPECT_EQ(targets[2].at("instance_id"), "cart-2");
  EXPECT_EQ(targets[2].at("health"), "down");
  EXPECT_EQ(targets[2].at("last_error"), "connection refused");
  EXPECT_FALSE(targets[2].as_object().contains("scrapeUrl"));  // nothing but what the page shows
  EXPECT_EQ(targets[3].at("health"), "unknown");
}

TEST(OperationsView, TheGatewaysTargetsComeFromItsHealthMetric) {
  const auto answer = json::parse(R"({"status":"success","data":{"resultType":"vector","result":[
    {"metric":{"upstream":"cart-upstream","target":"127.0.0.1:8016","state":"unhealthy"},"value":[1700000000,"1"]},
    {"metric":{"upstream":"cart-upstream","target":"127.0.0.1:8006","state":"healthy"},"value":[1700000000,"1"]}
  ]}})");
  EXPECT_EQ(json::serialize(ShapeGatewayTargets(answer)),
            R"([{"upstream":"cart-upstream","target":"127.0.0.1:8006","state":"healthy"},)"
            R"({"upstream":"cart-upstream","target":"127.0.0.1:8016","state":"unhealthy"}])");
}

TEST(OperationsView, FiringAlertsComeFirstThenBySeverity) {
  const auto answer = json::parse(R"({"status":"success","data":{"alerts":[
    {"labels":{"alertname":"LowStockAtStore","severity":"info","location_id":"2"},"annotations":{"summary":"Magasin 2"},
     "state":"firing","activeAt":"2026-12-04T14:00:00Z","value":"3e+00"},
    {"labels":{"alertname":"CartInstanceDown","severity":"warning","instance_id":"cart-2","job":"cart"},
     "annotations":{"summary":"Instance de panier cart-2 arrêtée","runbook":"docs/operations.md#cartinstancedown"},
     "state":"pending","activeAt":"2026-12-04T15:00:00Z","value":"0e+00"},
    {"labels":{"alertname":"ServiceDown","severity":"critical","job":"sales"},"annotations":{"summary":"sales"},
     "state":"firing","activeAt":"2026-12-04T15:01:00Z","value":"0e+00"}
  ]}})");
  const json::array alerts = ShapeAlerts(answer);
  ASSERT_EQ(alerts.size(), 3U);
  EXPECT_EQ(alerts[0].at("name"), "ServiceDown");
  EXPECT_EQ(alerts[1].at("name"), "LowStockAtStore");
  EXPECT_EQ(json::serialize(alerts[2]),
            R"({"name":"CartInstanceDown","state":"pending","severity":"warning","summary":"Instance de panier cart-2 arrêtée",)"
            R"("labels":{"instance_id":"cart-2","job":"cart"},"active_at":"2026-12-04T15:00:00Z","value":"0e+00"})");
}

TEST(OperationsView, NotificationsAreTheNewestAlertsFirstAndAtMostTheLimit) {
  const auto answer = json::parse(R"({"data":[
    {"status":"firing","receiver":"local","alerts":[
      {"status":"firing","labels":{"alertname":"CartInstanceDown","severity":"warning","instance_id":"cart-2"},
       "annotations":{"summary":"cart-2 arrêtée"},"startsAt":"2026-12-04T15:00:00Z","endsAt":"0001-01-01T00:00:00Z"}]},
    {"status":"resolved","receiver":"local","alerts":[
      {"status":"resolved","labels":{"alertname":"CartInstanceDown","severity":"warning","instance_id":"cart-2"},
       "annotations":{"summary":"cart-2 arrêtée"},"startsAt":"2026-12-04T15:00:00Z","endsAt":"2026-12-04T15:02:00Z"},
      {"status":"resolved","labels":{"alertname":"ServiceDown","severity":"critical"},"annotations":{},
       "startsAt":"2026-12-04T15:00:00Z","endsAt":"2026-12-04T15:02:00Z"}]},
    "not a notification"
  ],"meta":{"total":3}})");
  const json::array all = ShapeNotifications(answer, 20);
  ASSERT_EQ(all.size(), 3U);
  EXPECT_EQ(all[0].at("status"), "resolved");
  EXPECT_EQ(all[0].at("ends_at"), "2026-12-04T15:02:00Z");
  EXPECT_EQ(all[1].at("name"), "ServiceDown");
  EXPECT_EQ(all[2].at("status"), "firing");
  EXPECT_TRUE(all[2].at("ends_at").is_null());  // still firing: no end
  EXPECT_EQ(json::serialize(all[2].at("labels")), R"({"instance_id":"cart-2"})");
  EXPECT_EQ(ShapeNotifications(answer, 2).size(), 2U);
  EXPECT_TRUE(ShapeNotifications(json::parse(R"({"data":[]})"), 20).empty());
}

TEST(OperationsView, TimesAreRfc3339InUtc) {
  EXPECT_EQ(Rfc3339(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(Rfc3339(1'796'396'645), "2026-12-04T15:04:05Z");
}

}  // namespace
}  // namespace comptoir::web::ops
