// The trace of a request starts at the gateway (W3C Trace Context, issue 16 §6): the real `comptoir
// gateway` in front of a real backend process that echoes the headers it received. A client's valid
// traceparent keeps its trace id with a new span of the gateway's; an invalid one is replaced, never
// forwarded; without one the gateway starts a trace. The gateway's log lines of the request carry
// the trace id and span id the upstream received.
#include "support.hpp"

namespace gateway_test {
namespace {

constexpr std::string_view kClientTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr std::string_view kClientParent = "00f067aa0ba902b7";

bool IsLowerHex(std::string_view s) {
  return s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

struct Hop {
  std::string traceparent;  ///< what the upstream received
  std::string trace_id;
  std::string span_id;
  std::string flags;
  std::string tracestate;
  std::string request_id;
};

// The traceparent the backend received, split, after checking it is a valid version 00 one.
Hop Received(const t::HttpResult& r) {
  Hop hop;
  const auto body = ParseJson(r.body);
  hop.traceparent = JsonString(body, {"headers", "traceparent"});
  hop.tracestate = JsonString(body, {"headers", "tracestate"});
  hop.request_id = JsonString(body, {"headers", "x-request-id"});
  EXPECT_EQ(hop.traceparent.size(), 55u) << r.body;
  if (hop.traceparent.size() != 55u) return hop;
  EXPECT_EQ(hop.traceparent.substr(0, 3), "00-");
  EXPECT_EQ(hop.traceparent[35], '-');
  EXPECT_EQ(hop.traceparent[52], '-');
  hop.trace_id = hop.traceparent.substr(3, 32);
  hop.span_id = hop.traceparent.substr(36, 16);
  hop.flags = hop.traceparent.substr(53, 2);
  EXPECT_TRUE(IsLowerHex(hop.trace_id) && IsLowerHex(hop.span_id) && IsLowerHex(hop.flags)) << hop.traceparent;
  EXPECT_NE(hop.trace_id, std::string(32, '0'));
  EXPECT_NE(hop.span_id, std::string(16, '0'));
  return hop;
}

// The gateway's log lines (JSON) whose request_id is `id`, once `msg` is among them.
std::vector<json::object> LinesOf(const Gateway& gw, const std::string& id, std::string_view msg) {
  std::vector<json::object> lines;
  Eventually([&] {
    lines.clear();
    bool found = false;
    for (const auto& text : gw.LogLines(id)) {
      auto v = ParseJson(text);
      if (!v.is_object() || JsonString(v, {"request_id"}) != id) continue;
      found = found || JsonString(v, {"msg"}) == msg;
      lines.push_back(v.as_object());
    }
    return found;
  });
  return lines;
}

class GatewayTrace : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = TestDir("trace");
    backend = std::make_unique<Backend>(dir, "b1");
    gw = std::make_unique<Gateway>(
        dir,
        Fill(R"(_format_version: "3.0"
services:
  - name: echo
    url: http://127.0.0.1:{PORT}
    routes:
      - name: echo
        paths: [/api/v1/echo]
        strip_path: false
  - name: dead
    url: http://127.0.0.1:{DEAD}
    retries: 1
    routes:
      - name: dead
        paths: [/api/v1/dead]
        strip_path: false
plugins:
  - name: correlation-id
    config: { header_name: X-Request-ID, generator: uuid, echo_downstream: true }
)",
             {{"PORT", std::to_string(backend->port())}, {"DEAD", std::to_string(t::FreePort())}}),
        2, "gateway", std::vector<std::pair<std::string, std::string>>{}, std::vector<std::string>{"--access-log"});
  }

  // The gateway's access line of `r` carries the trace id and span id the upstream received.
  void ExpectAccessLine(const t::HttpResult& r, const Hop& hop) {
    const std::string id = r.headers.at("x-request-id");
    EXPECT_EQ(hop.request_id, id);
    const auto lines = LinesOf(*gw, id, "proxy");
    ASSERT_FALSE(lines.empty()) << "no access line of " << id;
    for (const auto& line : lines) {
      const json::value v(line);
      EXPECT_EQ(JsonString(v, {"trace_id"}), hop.trace_id) << json::serialize(line);
      EXPECT_EQ(JsonString(v, {"span_id"}), hop.span_id) << json::serialize(line);
    }
  }

  fs::path dir;
  std::unique_ptr<Backend> backend;
  std::unique_ptr<Gateway> gw;
};

TEST_F(GatewayTrace, AClientTraceparentKeepsItsTraceIdWithANewSpan) {
  const std::string given = "00-" + std::string(kClientTrace) + "-" + std::string(kClientParent) + "-01";
  auto r = gw->Get("/api/v1/echo", {{"traceparent", given}, {"tracestate", "congo=t61rcWkgMzE"}});
  ASSERT_EQ(r.status, 200) << r.body;
  const Hop hop = Received(r);
  EXPECT_EQ(hop.trace_id, kClientTrace);
  EXPECT_NE(hop.span_id, kClientParent);
  EXPECT_EQ(hop.flags, "01");
  EXPECT_EQ(hop.tracestate, "congo=t61rcWkgMzE");  // kept with the trace it belongs to
  ExpectAccessLine(r, hop);

  // The flags go on as they came (not sampled), and each request is a span of its own.
  auto unsampled = gw->Get(
      "/api/v1/echo", {{"traceparent", "00-" + std::string(kClientTrace) + "-" + std::string(kClientParent) + "-00"}});
  ASSERT_EQ(unsampled.status, 200);
  const Hop second = Received(unsampled);
  EXPECT_EQ(second.trace_id, kClientTrace);
  EXPECT_EQ(second.flags, "00");
  EXPECT_NE(second.span_id, hop.span_id);
}

TEST_F(GatewayTrace, AnInvalidTraceparentIsReplacedNeverForwarded) {
  const std::string trace(kClientTrace);
  const std::string parent(kClientParent);
  std::string upper = trace;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](char c) { return static_cast<char>(std::toupper(c)); });
  const std::vector<std::pair<std::string, Headers>> invalid = {
      {"wrong length", {{"traceparent", "00-" + trace.substr(1) + "-" + parent + "-01"}}},
      {"uppercase", {{"traceparent", "00-" + upper + "-" + parent + "-01"}}},
      {"all-zero trace id", {{"traceparent", "00-" + std::string(32, '0') + "-" + parent + "-01"}}},
      {"all-zero parent id", {{"traceparent", "00-" + trace + "-" + std::string(16, '0') + "-01"}}},
      {"version ff", {{"traceparent", "ff-" + trace + "-" + parent + "-01"}}},
      {"garbage", {{"traceparent", "not a traceparent"}}},
      {"two of them",
       {{"traceparent", "00-" + trace + "-" + parent + "-01"}, {"traceparent", "00-" + trace + "-" + parent + "-01"}}},
  };
  std::set<std::string> traces;
  for (auto [what, headers] : invalid) {
    headers.emplace_back("tracestate", "congo=t61rcWkgMzE");
    auto r = gw->Get("/api/v1/echo", headers);
    ASSERT_EQ(r.status, 200) << what << ": " << r.body;
    const Hop hop = Received(r);
    EXPECT_NE(hop.trace_id, trace) << what;
    EXPECT_NE(hop.trace_id, std::string(32, '0')) << what;
    EXPECT_EQ(hop.flags, "01") << what;
    EXPECT_EQ(hop.tracestate, "") << what << ": a tracestate without its traceparent is dropped";
    EXPECT_EQ(ParseJson(r.body).as_object().at("headers").as_object().count("traceparent"), 1u);
    traces.insert(hop.trace_id);
    ExpectAccessLine(r, hop);
  }
  EXPECT_EQ(traces.size(), invalid.size()) << "each replaced by a new trace";
}

TEST_F(GatewayTrace, WithoutTraceparentTheGatewayStartsATrace) {
  auto first = gw->Get("/api/v1/echo");
  auto second = gw->Get("/api/v1/echo");
  ASSERT_EQ(first.status, 200) << first.body;
  ASSERT_EQ(second.status, 200) << second.body;
  const Hop a = Received(first);
  const Hop b = Received(second);
  EXPECT_EQ(a.flags, "01");
  EXPECT_NE(a.trace_id, b.trace_id);
  ExpectAccessLine(first, a);
  ExpectAccessLine(second, b);
}

TEST_F(GatewayTrace, TheUpstreamFailureLinesCarryTheTrace) {
  const std::string given = "00-" + std::string(kClientTrace) + "-" + std::string(kClientParent) + "-01";
  auto r = gw->Get("/api/v1/dead", {{"traceparent", given}});
  ASSERT_EQ(r.status, 502) << r.body;
  const std::string id = r.headers.at("x-request-id");
  const auto lines = LinesOf(*gw, id, "proxy");
  int failures = 0;
  std::set<std::string> spans;
  for (const auto& line : lines) {
    const json::value v(line);
    failures += JsonString(v, {"msg"}) == "upstream connect failed" ? 1 : 0;
    EXPECT_EQ(JsonString(v, {"trace_id"}), kClientTrace) << json::serialize(line);
    const std::string span = JsonString(v, {"span_id"});
    EXPECT_EQ(span.size(), 16u) << json::serialize(line);
    EXPECT_NE(span, kClientParent);
    spans.insert(span);
  }
  EXPECT_EQ(failures, 2) << "the attempt and its retry";
  EXPECT_EQ(spans.size(), 1u) << "one span: the gateway's for this request";
}

}  // namespace
}  // namespace gateway_test
