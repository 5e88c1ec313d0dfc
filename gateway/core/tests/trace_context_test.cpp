// The gateway's W3C traceparent parser and the traceparent it sends upstream.
#include "comptoir/gateway/trace_context.hpp"

#include <set>
#include <string>

#include <gtest/gtest.h>

namespace comptoir::gateway {
namespace {

constexpr std::string_view kValid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

bool IsLowerHex(std::string_view s) {
  return s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

TEST(Traceparent, AValidOneIsParsedInPlace) {
  auto t = ParseTraceparent(kValid);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(t->parent_id, "00f067aa0ba902b7");
  EXPECT_EQ(t->flags, "01");
  EXPECT_EQ(t->trace_id.data(), kValid.data() + 3);
  EXPECT_TRUE(ParseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"));  // not sampled
}

TEST(Traceparent, InvalidOnesAreRefused) {
  for (std::string_view bad : {
           "",
           "00",
           "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",    // trace id of 31
           "00-4bf92f3577b34da6a3ce929d0e0e47366-00f067aa0ba902b7-01",  // trace id of 33
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b-01",    // parent id of 15
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1",    // flags of 1
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-",  // version 00 with more
           "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",   // uppercase trace id
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00F067AA0BA902B7-01",   // uppercase parent id
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0A",   // uppercase flags
           "0A-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",   // uppercase version
           "00-00000000000000000000000000000000-00f067aa0ba902b7-01",   // all-zero trace id
           "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",   // all-zero parent id
           "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",   // version ff
           "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",   // separator
           "00-4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7-01",
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7_01",
           "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",   // not hex
           " 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  // leading space, 56
           "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",  // later version: '-' must follow
       }) {
    EXPECT_FALSE(ParseTraceparent(bad)) << "'" << bad << "'";
  }
}

TEST(Traceparent, ALaterVersionIsReadAsVersion00) {
  auto t = ParseTraceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  auto longer = ParseTraceparent("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-comes-next");
  ASSERT_TRUE(longer);
  EXPECT_EQ(longer->flags, "01");
}

TEST(Traceparent, AValidIncomingTraceIsContinuedWithANewSpan) {
  std::string out;
  EXPECT_TRUE(NextHopTraceparent(kValid, out));
  ASSERT_EQ(out.size(), kTraceparentSize);
  EXPECT_EQ(out.substr(0, 36), "00-4bf92f3577b34da6a3ce929d0e0e4736-");
  EXPECT_NE(SpanIdOf(out), "00f067aa0ba902b7");
  EXPECT_EQ(out.substr(52), "-01");
  EXPECT_TRUE(ParseTraceparent(out));
  EXPECT_EQ(TraceIdOf(out), "4bf92f3577b34da6a3ce929d0e0e4736");
  // The flags are kept (not sampled stays not sampled); a later version goes on as version 00.
  EXPECT_TRUE(NextHopTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00", out));
  EXPECT_TRUE(out.ends_with("-00"));
  EXPECT_TRUE(NextHopTraceparent("7f-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x", out));
  EXPECT_TRUE(out.starts_with("00-4bf92f3577b34da6a3ce929d0e0e4736-"));
  EXPECT_EQ(out.size(), kTraceparentSize);
}

TEST(Traceparent, AnInvalidOrMissingOneStartsANewTrace) {
  std::set<std::string> traces;
  std::set<std::string> spans;
  for (std::string_view incoming : {std::string_view(), std::string_view("garbage"),
                                    std::string_view("00-00000000000000000000000000000000-00f067aa0ba902b7-01"),
                                    std::string_view("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
                                    std::string_view("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01")}) {
    std::string out;
    EXPECT_FALSE(NextHopTraceparent(incoming, out)) << incoming;
    auto t = ParseTraceparent(out);
    ASSERT_TRUE(t) << out;
    EXPECT_TRUE(out.starts_with("00-"));
    EXPECT_EQ(t->flags, "01");
    EXPECT_NE(t->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
    EXPECT_TRUE(IsLowerHex(t->trace_id) && IsLowerHex(t->parent_id));
    traces.emplace(t->trace_id);
    spans.emplace(t->parent_id);
  }
  EXPECT_EQ(traces.size(), 5u);  // each a new trace
  EXPECT_EQ(spans.size(), 5u);
}

TEST(Traceparent, ItsMemoryIsReusedAndItMayReadItself) {
  std::string out;
  NextHopTraceparent({}, out);
  const char* memory = out.data();
  const std::string first_trace(TraceIdOf(out));
  // `incoming` a view into `out` itself: the same trace, a new span, in the same memory.
  EXPECT_TRUE(NextHopTraceparent(out, out));
  EXPECT_EQ(TraceIdOf(out), first_trace);
  EXPECT_EQ(out.data(), memory);
  EXPECT_EQ(TraceIdOf("short"), "");
  EXPECT_EQ(SpanIdOf("short"), "");
}

http::Headers With(std::initializer_list<std::pair<std::string_view, std::string_view>> list) {
  http::Headers h;
  for (const auto& [k, v] : list) h.Add(k, v);
  return h;
}

std::size_t Count(const http::Headers& headers, std::string_view name) {
  std::size_t n = 0;
  for (const auto& [k, v] : headers) n += http::IEquals(k, name) ? 1 : 0;
  return n;
}

TEST(StartTrace, AClientsTraceIsContinuedWithItsTracestate) {
  auto headers = With({{"Accept", "*/*"}, {"TraceParent", kValid}, {"tracestate", "congo=t61rcWkgMzE"}});
  std::string traceparent;
  EXPECT_TRUE(StartTrace(headers, traceparent));
  EXPECT_EQ(TraceIdOf(traceparent), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(headers.Get("traceparent"), traceparent);
  EXPECT_EQ(Count(headers, "traceparent"), 1u);
  EXPECT_EQ(headers.Get("tracestate"), "congo=t61rcWkgMzE");
  EXPECT_EQ(headers.Get("Accept"), "*/*");
}

TEST(StartTrace, AnInvalidOrRepeatedTraceparentIsReplacedAndItsTracestateDropped) {
  for (auto headers : {With({{"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0"},
                             {"tracestate", "congo=t61rcWkgMzE"}}),
                       With({{"traceparent", kValid}, {"traceparent", kValid}, {"tracestate", "congo=t61rcWkgMzE"}}),
                       With({{"tracestate", "congo=t61rcWkgMzE"}})}) {
    std::string traceparent;
    EXPECT_FALSE(StartTrace(headers, traceparent));
    EXPECT_TRUE(ParseTraceparent(traceparent));
    EXPECT_NE(TraceIdOf(traceparent), "4bf92f3577b34da6a3ce929d0e0e4736");
    EXPECT_EQ(headers.Get("traceparent"), traceparent);
    EXPECT_EQ(Count(headers, "traceparent"), 1u);
    EXPECT_EQ(Count(headers, "tracestate"), 0u);
  }
}

}  // namespace
}  // namespace comptoir::gateway
