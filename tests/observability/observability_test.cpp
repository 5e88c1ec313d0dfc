// Issue 16, against one real platform (every service, three cart instances, the gateway) scraped by a real
// Prometheus with the PostgreSQL and Redis exporters, after a short load of store and online traffic:
//  - every process's /metrics passes `promtool check metrics` (the gateway: only Kong's own names are flagged);
//  - every query of the Grafana dashboards (deploy/grafana/dashboards) and of Kong's dashboard 7424 is valid
//    PromQL for promtool and returns series;
//  - one checkout's X-Request-ID is found in the logs of the gateway, order, cart, inventory, payment and, with
//    the event, reporting; the services' lines of that request share one trace id.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "comptoir/http/server.hpp"
#include "comptoir/testing/http.hpp"
#include "comptoir/testing/monitoring.hpp"
#include "comptoir/testing/platform.hpp"

namespace comptoir {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;
using testing::HttpResult;

const fs::path kSource = COMPTOIR_SOURCE_DIR;

json::value Json(const HttpResult& r) {
  boost::system::error_code ec;
  auto v = json::parse(r.body, ec);
  EXPECT_FALSE(ec) << "not JSON: " << r.body;
  return v;
}

std::string Str(const json::value& v, std::string_view key) {
  return std::string(v.at(key).as_string());
}

struct CommandResult {
  int status = -1;
  std::string output;
};

// Runs a shell command (test tool invocations only), capturing stdout and stderr.
CommandResult Shell(const std::string& command) {
  CommandResult result;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) result.output += buffer;
  const int status = ::pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The JSON lines of a process log.
std::vector<json::object> LogLines(const std::string& file) {
  std::vector<json::object> lines;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] != '{') continue;
    boost::system::error_code ec;
    auto v = json::parse(line, ec);
    if (!ec && v.is_object()) lines.push_back(v.as_object());
  }
  return lines;
}

std::string Field(const json::object& line, std::string_view key) {
  const auto* v = line.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

class Observability : public ::testing::Test {
 protected:
  static inline testing::PlatformOptions options_{
      .services = {"product", "inventory", "customer", "sales", "cart", "payment", "order", "reporting"},
      .gateway = true,
      .name = "observability",
      .env = {{"COMPTOIR_INVENTORY_METRICS_REFRESH_S", "1"}},
      .instances = {{"cart", 3}}};
  static inline std::unique_ptr<testing::Platform> platform_;
  static inline std::unique_ptr<testing::Monitoring> monitoring_;
  static inline std::string traced_request_id_;
  static inline std::string traced_trace_id_;  ///< the trace id of the traceparent the traced checkout sent

  static void SetUpTestSuite() {
    platform_ = std::make_unique<testing::Platform>(options_);
    monitoring_ = std::make_unique<testing::Monitoring>(
        testing::MonitoringOptions{.targets = testing::TargetsOf(*platform_, options_),
                                   .rules_dir = (kSource / "deploy/prometheus/rules").string(),
                                   .alertmanager = false,
                                   .exporters = true,
                                   .name = "observability"});
    ASSERT_TRUE(monitoring_->WaitAllUp(std::chrono::seconds(60)));
    // Two rounds, a few scrapes apart: rate() and increase() need two samples of each series.
    for (int round = 0; round < 2; ++round) {
      Load(round);
      std::this_thread::sleep_for(std::chrono::seconds(3));
    }
  }

  static void TearDownTestSuite() {
    monitoring_.reset();
    platform_.reset();
  }

  static std::string SignIn(const std::string& path, const std::string& email, const std::string& password) {
    auto r = platform_->Call("POST", path, json::serialize(json::object{{"email", email}, {"password", password}}));
    EXPECT_EQ(r.status, 200) << r.body;
    return Str(Json(r), "access_token");
  }

  // Store and online traffic that moves every business counter.
  static void Load(int round) {
    const auto& p = *platform_;
    for (int i = 0; i < 15; ++i) ASSERT_EQ(p.Call("GET", "/api/v1/cart?session_id=" + http::NewUuid()).status, 200);
    ASSERT_EQ(p.Call("GET", "/api/v1/products?per_page=5").status, 200);
    EXPECT_EQ(p.Call("GET", "/api/v1/nowhere").status, 404);  // answered by the gateway itself

    // Online: a paid order (round 0 is the traced one), a declined card.
    const std::string email = "obs+" + http::NewUuid().substr(0, 8) + "@example.com";
    ASSERT_EQ(p.Call("POST", "/api/v1/auth/register",
                     json::serialize(json::object{{"email", email},
                                                  {"password", "un-mot-de-passe-solide"},
                                                  {"first_name", "Léa"},
                                                  {"last_name", "Roy"}}))
                  .status,
              201);
    const std::string shopper = SignIn("/api/v1/auth/login", email, "un-mot-de-passe-solide");
    for (const char* card : {"4242424242424242", "4000000000000002"}) {
      auto cart = p.Call("GET", "/api/v1/cart", {}, shopper);
      ASSERT_EQ(cart.status, 200) << cart.body;
      const std::string cart_id = Str(Json(cart), "id");
      ASSERT_EQ(p.Call("POST", "/api/v1/carts/" + cart_id + "/items",
                       json::serialize(json::object{{"product_id", 10}, {"quantity", 2}}), shopper)
                    .status,
                200);
      json::object body{{"cart_id", cart_id},
                        {"shipping_address", json::object{{"line1", "4200 rue Saint-Denis"},
                                                          {"city", "Montréal"},
                                                          {"province", "QC"},
                                                          {"postal_code", "H2J 2K8"}}},
                        {"payment", json::object{{"method", "card"}, {"card_number", card}}}};
      std::vector<std::pair<std::string, std::string>> headers{{"Idempotency-Key", http::NewUuid()}};
      const bool traced = round == 0 && std::string_view(card) == "4242424242424242";
      if (traced) {
        traced_request_id_ = "checkout-" + http::NewUuid();
        headers.emplace_back("X-Request-ID", traced_request_id_);
        // A client that traces its own calls: the gateway continues its trace (W3C traceparent).
        traced_trace_id_ = http::NewUuid();
        std::erase(traced_trace_id_, '-');
        headers.emplace_back("traceparent", "00-" + traced_trace_id_ + "-00f067aa0ba902b7-01");
      }
      auto placed = p.Call("POST", "/api/v1/checkout", json::serialize(body), shopper, headers);
      EXPECT_EQ(placed.status, std::string_view(card) == "4242424242424242" ? 201 : 402) << placed.body;
      if (traced) {
        EXPECT_EQ(placed.headers["x-request-id"], traced_request_id_);
      }
    }

    // Store 1: a register session, a cash sale and a card sale, a return, an oversell refused, a closing short.
    const std::string cashier =
        SignIn("/api/v1/auth/staff/login", "cashier.vieux-montreal@comptoir.local", "comptoir-demo");
    auto opened = p.Call(
        "POST", "/api/v1/register-sessions",
        json::serialize(json::object{
            {"location_id", 1}, {"register", "Caisse " + std::to_string(round + 1)}, {"opening_float_cents", 20000}}),
        cashier);
    ASSERT_EQ(opened.status, 201) << opened.body;
    const auto session_id = Json(opened).at("id").as_int64();
    auto sell = [&](json::array payments, std::int64_t quantity) {
      json::object sale{{"location_id", 1},
                        {"lines", json::array{json::object{{"product_id", 9}, {"quantity", quantity}}}},
                        {"payments", std::move(payments)},
                        {"register_session_id", session_id}};
      return p.Call("POST", "/api/v1/sales", json::serialize(sale), cashier, {{"Idempotency-Key", http::NewUuid()}});
    };
    auto cash = sell(json::array{json::object{{"method", "cash"}, {"amount_cents", 5000}}}, 1);
    ASSERT_EQ(cash.status, 201) << cash.body;
    const auto total = Json(cash).at("total_cents").as_int64();
    auto card = sell(json::array{json::object{{"method", "card"}, {"amount_cents", total}}}, 1);
    ASSERT_EQ(card.status, 201) << card.body;
    // More than the store holds: inventory refuses (an oversell refusal), nothing is recorded.
    auto oversold = sell(json::array{json::object{{"method", "cash"}, {"amount_cents", 100000000}}}, 9999);
    EXPECT_EQ(oversold.status, 409) << oversold.body;
    auto returned =
        p.Call("POST", "/api/v1/sales/" + std::to_string(Json(card).at("id").as_int64()) + "/returns",
               json::serialize(json::object{{"lines", json::array{json::object{{"product_id", 9}, {"quantity", 1}}}},
                                            {"reason", "Produit défectueux"}}),
               cashier, {{"Idempotency-Key", http::NewUuid()}});
    ASSERT_EQ(returned.status, 201) << returned.body;
    auto closed = p.Call("POST", "/api/v1/register-sessions/" + std::to_string(session_id) + "/close",
                         json::serialize(json::object{{"counted_cash_cents", 20000}}), cashier);
    ASSERT_EQ(closed.status, 200) << closed.body;
    EXPECT_LT(Json(closed).at("over_short_cents").as_int64(), 0);
  }
};

// promtool check metrics on each process's /metrics. The gateway keeps Kong's names (dashboard 7424 needs
// them): promtool's naming lint flags exactly those, and nothing else is allowed (ADR 0100).
TEST_F(Observability, EveryProcessMetricsPassPromtool) {
  const std::set<std::string> kong_names_flagged{
      "kong_bandwidth_bytes counter metrics should have \"_total\" suffix",
      "kong_kong_latency_ms metric names should not contain abbreviated units",
      "kong_upstream_latency_ms metric names should not contain abbreviated units",
      "kong_request_latency_ms metric names should not contain abbreviated units",
      "kong_nginx_connections_total non-counter metrics should not have \"_total\" suffix",
      "kong_nginx_requests_total non-counter metrics should not have \"_total\" suffix",
  };
  const std::string file = monitoring_->Dir() + "/scrape.txt";
  int checked = 0;
  for (const auto& target : testing::TargetsOf(*platform_, options_)) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!target.bearer_token.empty()) headers.emplace_back("Authorization", "Bearer " + target.bearer_token);
    auto metrics = testing::Http(static_cast<std::uint16_t>(target.port), "GET", "/metrics", {}, headers);
    ASSERT_EQ(metrics.status, 200) << target.job;
    std::ofstream(file) << metrics.body;
    auto lint = Shell("promtool check metrics < " + file);
    ++checked;
    if (target.job != "gateway") {
      EXPECT_EQ(lint.status, 0) << target.job << " :" << target.port << "\n" << lint.output;
      EXPECT_EQ(lint.output, "") << target.job;
      continue;
    }
    EXPECT_TRUE(lint.status == 0 || lint.status == 3) << lint.output;  // 1 would be a parse error
    std::istringstream lines(lint.output);
    std::string line;
    while (std::getline(lines, line)) {
      if (!line.empty()) {
        EXPECT_TRUE(kong_names_flagged.contains(line)) << "gateway: " << line;
      }
    }
  }
  EXPECT_EQ(checked, 11);  // 7 single services, 3 cart instances, the gateway
}

// The expressions of a dashboard file: every target's `expr` and every query variable (label_values(m, l)
// becomes the PromQL `group by (l) (m)`), Grafana's variables given their "All" value.
std::vector<std::string> DashboardQueries(const fs::path& file) {
  std::vector<std::string> queries;
  const json::value dashboard = json::parse(ReadFile(file));
  std::function<void(const json::array&)> panels = [&](const json::array& list) {
    for (const auto& panel : list) {
      if (const auto* targets = panel.as_object().if_contains("targets")) {
        for (const auto& t : targets->as_array()) queries.push_back(Str(t, "expr"));
      }
      if (const auto* nested = panel.as_object().if_contains("panels")) panels(nested->as_array());
    }
  };
  panels(dashboard.at("panels").as_array());
  for (const auto& v : dashboard.at("templating").at("list").as_array()) {
    if (Str(v, "type") == "query") queries.push_back(Str(v, "definition"));
  }
  return queries;
}

std::string ToPromQL(std::string query) {
  static const std::regex label_values(R"(^label_values\((.*),\s*(\w+)\)$)");
  std::smatch m;
  if (std::regex_match(query, m, label_values)) query = "group by (" + m[2].str() + ") (" + m[1].str() + ")";
  query = std::regex_replace(query, std::regex(R"(\$__rate_interval)"), "1m");
  query = std::regex_replace(query, std::regex(R"(\$\{?\w+\}?)"), ".*");
  return query;
}

void ExpectQueriesReturnSeries(const testing::Monitoring& monitoring, const std::vector<std::string>& queries,
                               const std::string& what) {
  ASSERT_FALSE(queries.empty()) << what;
  // promtool checks each expression (as a recording rule: the parser Prometheus uses).
  const fs::path rules = fs::path(monitoring.Dir()) / (what + ".rules.yml");
  {
    std::ofstream out(rules);
    out << "groups:\n  - name: dashboard\n    rules:\n";
    for (std::size_t i = 0; i < queries.size(); ++i) {
      out << "      - record: dashboard:query_" << i
          << "\n        expr: " << json::serialize(json::value(ToPromQL(queries[i]))) << "\n";
    }
  }
  auto checked = Shell("promtool check rules " + rules.string());
  EXPECT_EQ(checked.status, 0) << checked.output;
  std::vector<std::string> empty;
  for (const auto& q : queries) {
    const std::string promql = ToPromQL(q);
    if (monitoring.Query(promql).empty()) empty.push_back(promql);
  }
  std::string list;
  for (const auto& q : empty) list += "  " + q + "\n";
  EXPECT_TRUE(empty.empty()) << what << ": " << empty.size() << " of " << queries.size()
                             << " queries returned no series:\n"
                             << list;
}

TEST_F(Observability, EveryDashboardQueryReturnsSeries) {
  int files = 0;
  for (const auto& entry : fs::directory_iterator(kSource / "deploy/grafana/dashboards")) {
    if (entry.path().extension() != ".json") continue;
    ++files;
    ExpectQueriesReturnSeries(*monitoring_, DashboardQueries(entry.path()), entry.path().stem().string());
  }
  EXPECT_EQ(files, 4);
}

TEST_F(Observability, KongDashboard7424QueriesReturnSeries) {
  std::vector<std::string> queries;
  std::istringstream lines(ReadFile(kSource / "deploy/grafana/kong-7424-queries.txt"));
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty() && line[0] != '#') queries.push_back(line);
  }
  EXPECT_GE(queries.size(), 25u);
  ExpectQueriesReturnSeries(*monitoring_, queries, "kong-7424");
}

TEST_F(Observability, RecordingRulesAreEvaluated) {
  for (const char* rule :
       {"job:http_requests:rate5m", "job:http_requests_5xx:ratio_rate5m", "job:http_request_duration_seconds:p95_5m",
        "instance:cart_requests:rate1m", "service:kong_request_latency_ms:p95_5m", "outcome:order_checkouts:rate10m",
        "job:http_requests:rate1m", "job:http_requests_5xx:ratio_rate1m", "job:http_request_duration_seconds:p95_1m"}) {
    bool found = false;
    for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
         !found && std::chrono::steady_clock::now() < deadline;
         std::this_thread::sleep_for(std::chrono::milliseconds(300))) {
      found = !monitoring_->Query(rule).empty();
    }
    EXPECT_TRUE(found) << rule;
  }
  // The three cart instances all served API requests, each under its instance id.
  std::set<std::string> ids;
  for (const auto& s : monitoring_->Query("instance:cart_requests:rate1m > 0"))
    ids.insert(Str(s.at("metric"), "instance_id"));
  EXPECT_EQ(ids, (std::set<std::string>{"cart-1", "cart-2", "cart-3"}));
}

// One checkout's request id and trace id through the gateway, order, cart, inventory, payment and reporting's
// event.
TEST_F(Observability, OneCheckoutCanBeFollowedThroughEveryLog) {
  ASSERT_FALSE(traced_request_id_.empty());
  const std::string& id = traced_request_id_;
  auto lines_of = [&](const std::string& process) {
    std::vector<json::object> mine;
    for (auto& line : LogLines(platform_->LogFile(process))) {
      if (Field(line, "request_id") == id) mine.push_back(std::move(line));
    }
    return mine;
  };
  const auto gateway = lines_of("gateway");
  ASSERT_FALSE(gateway.empty()) << "no gateway line with " << id;
  EXPECT_EQ(Field(gateway.front(), "path"), "/api/v1/checkout");

  // The trace starts at the gateway: its lines of the request carry the trace id and its own span id.
  const std::string trace = Field(gateway.front(), "trace_id");
  ASSERT_EQ(trace, traced_trace_id_) << json::serialize(gateway.front());
  for (const auto& line : gateway) {
    EXPECT_EQ(Field(line, "trace_id"), trace) << json::serialize(line);
    EXPECT_EQ(Field(line, "span_id").size(), 16u) << json::serialize(line);
  }

  const auto order = lines_of("order");
  ASSERT_FALSE(order.empty());
  std::set<std::string> messages;
  for (const auto& line : order) {
    EXPECT_EQ(Field(line, "trace_id"), trace) << json::serialize(line);
    messages.insert(Field(line, "msg"));
  }
  EXPECT_TRUE(messages.contains("checkout started")) << id;
  EXPECT_TRUE(messages.contains("request")) << id;

  // Order reaches cart through its first instance (PlatformOptions: peers use instance 1).
  for (const char* process : {"cart-1", "inventory", "payment", "product"}) {
    const auto lines = lines_of(process);
    EXPECT_FALSE(lines.empty()) << process << " has no line of " << id;
    for (const auto& line : lines)
      EXPECT_EQ(Field(line, "trace_id"), trace) << process << ": " << json::serialize(line);
  }
  // Payment's own line (not the access log) got both ids from the request's log context.
  bool charge_line = false;
  for (const auto& line : lines_of("payment")) charge_line = charge_line || Field(line, "msg") == "charge recorded";
  EXPECT_TRUE(charge_line);

  // The OrderPlaced event reached reporting, which applied it under the same request id and trace id.
  bool applied = false;
  for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
       !applied && std::chrono::steady_clock::now() < deadline;
       std::this_thread::sleep_for(std::chrono::milliseconds(250))) {
    for (const auto& line : lines_of("reporting")) {
      applied = applied || (Field(line, "msg") == "event applied" && Field(line, "type") == "OrderPlaced");
    }
  }
  EXPECT_TRUE(applied) << "reporting logged no OrderPlaced with request id " << id;
  for (const auto& line : lines_of("reporting"))
    EXPECT_EQ(Field(line, "trace_id"), trace) << "reporting: " << json::serialize(line);
}

}  // namespace
}  // namespace comptoir
