// libs/events without servers: settings, backoff, stream entry parsing.
#include <gtest/gtest.h>

#include "comptoir/error.hpp"
#include "comptoir/events/consumer.hpp"
#include "comptoir/events/settings.hpp"

namespace comptoir::events {
namespace {

using namespace std::chrono_literals;

config::Source Env(std::map<std::string, std::string> values) {
  return config::Source("", [values](const std::string& name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  });
}

TEST(Settings, InactiveWithoutRedis) {
  auto source = Env({});
  Settings s = LoadSettings(source);
  EXPECT_FALSE(s.Active());
  EXPECT_EQ(s.stream, "comptoir:events");
  EXPECT_EQ(s.stream_max_len, 1'000'000);
  EXPECT_NO_THROW(source.ThrowIfErrors());
}

TEST(Settings, RedisUrlIsTheDefaultOfEventsRedisUrl) {
  auto source = Env({{"COMPTOIR_REDIS_URL", "redis://127.0.0.1:6380"}});
  EXPECT_EQ(LoadSettings(source).redis_url, "redis://127.0.0.1:6380");
  auto both = Env({{"COMPTOIR_REDIS_URL", "redis://a:1"}, {"COMPTOIR_EVENTS_REDIS_URL", "redis://b:2"}});
  Settings s = LoadSettings(both);
  EXPECT_EQ(s.redis_url, "redis://b:2");
  EXPECT_TRUE(s.Active());
}

TEST(Settings, DisabledMeansInactive) {
  auto source = Env({{"COMPTOIR_REDIS_URL", "redis://127.0.0.1:6380"}, {"COMPTOIR_EVENTS_ENABLED", "false"}});
  EXPECT_FALSE(LoadSettings(source).Active());
}

TEST(Settings, OutOfRangeValuesAreReportedTogether) {
  auto source = Env({{"COMPTOIR_EVENTS_BATCH_SIZE", "0"}, {"COMPTOIR_EVENTS_STREAM_MAX_LEN", "5"}});
  LoadSettings(source);
  try {
    source.ThrowIfErrors();
    FAIL() << "expected a configuration error";
  } catch (const config::ConfigError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("events.batch_size"), std::string::npos) << what;
    EXPECT_NE(what.find("events.stream_max_len"), std::string::npos) << what;
  }
}

TEST(Backoff, DoublesUpToTheCap) {
  EXPECT_EQ(Backoff(0, 5000ms), 0ms);
  EXPECT_EQ(Backoff(1, 5000ms), 100ms);
  EXPECT_EQ(Backoff(2, 5000ms), 200ms);
  EXPECT_EQ(Backoff(4, 5000ms), 800ms);
  EXPECT_EQ(Backoff(7, 5000ms), 5000ms);
  EXPECT_EQ(Backoff(1000, 5000ms), 5000ms);
}

std::vector<redis::Reply> Fields(std::vector<std::string> flat) {
  std::vector<redis::Reply> out;
  for (auto& f : flat) out.push_back(redis::Reply::FromString(std::move(f)));
  return out;
}

TEST(ParseEntry, ReadsTheEnvelope) {
  StreamEvent e = ParseEntry(
      "1700000000000-3",
      Fields({"id", "e1", "type", "SaleCompleted", "source", "sales", "payload",
              R"({"id":"e1","type":"SaleCompleted","source":"sales","occurred_at":"2026-01-01T00:00:00Z",)"
              R"("correlation_id":"r1","data":{"total_cents":2298}})"}));
  EXPECT_EQ(e.stream_id, "1700000000000-3");
  EXPECT_EQ(e.id, "e1");
  EXPECT_EQ(e.type, "SaleCompleted");
  EXPECT_EQ(e.source, "sales");
  EXPECT_EQ(e.correlation_id, "r1");
  EXPECT_EQ(e.trace_id, "");  // an event of an untraced request (or from before traces) has none
  EXPECT_EQ(e.data.at("total_cents").as_int64(), 2298);

  StreamEvent traced = ParseEntry(
      "1700000000000-4",
      Fields({"payload", R"({"id":"e2","type":"SaleCompleted","correlation_id":"r2",)"
                         R"("trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","data":{}})"}));
  EXPECT_EQ(traced.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
}

TEST(ParseEntry, RefusesWhatIsNotAnEnvelope) {
  auto code = [](std::vector<std::string> flat) {
    try {
      ParseEntry("1-0", Fields(std::move(flat)));
    } catch (const ApiError& e) {
      return e.code();
    }
    return std::string("none");
  };
  EXPECT_EQ(code({"payload", "not json"}), "events.malformed");
  EXPECT_EQ(code({"payload", R"({"type":"X"})"}), "events.malformed");
  EXPECT_EQ(code({"id", "x"}), "events.malformed");
}

TEST(StreamPosition, SplitsMillisecondsAndSequence) {
  EXPECT_EQ(StreamPosition("1700000000000-12"), std::make_pair(std::int64_t{1700000000000}, std::int64_t{12}));
  EXPECT_EQ(StreamPosition("garbage"), std::make_pair(std::int64_t{0}, std::int64_t{0}));
  EXPECT_LT(StreamPosition("1700000000000-9"), StreamPosition("1700000000000-10"));
}

}  // namespace
}  // namespace comptoir::events
