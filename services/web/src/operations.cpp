#include "operations.hpp"

#include <chrono>

#include <boost/json.hpp>

#include "comptoir/error.hpp"
#include "comptoir/log.hpp"
#include "operations_view.hpp"

namespace comptoir::web {
namespace {
namespace asio = boost::asio;
namespace json = boost::json;

constexpr std::size_t kNotificationsShown = 20;

std::int64_t Now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

http::Response Answer(const json::object& body) {
  auto response = http::Response::Json(200, json::serialize(body));
  // Live figures: never from a cache, and nothing of them kept by the browser.
  response.headers.Set("Cache-Control", "no-store");
  return response;
}

http::Request Get(std::string target) {
  http::Request request;
  request.method = http::Method::kGet;
  request.method_name = "GET";
  request.target = std::move(target);
  request.headers.Set("Accept", "application/json");
  return request;
}

// Why a call gave no usable answer, in words an operator can act on.
std::string Failure(const service::PeerOptions& peer, const http::ClientResult& result) {
  const std::string where = peer.host + ":" + std::to_string(peer.port);
  if (http::IsTimeout(result.error)) {
    return "did not answer within " + std::to_string(peer.timeout.count()) + " ms (" + where + ")";
  }
  return "cannot be reached at " + where + ": " + result.error.message();
}

}  // namespace

OperationsSettings LoadOperationsSettings(config::Source& source) {
  OperationsSettings settings;
  settings.prometheus = service::LoadPeer(source, "prometheus", "web.prometheus_url", "http://127.0.0.1:9090",
                                          std::chrono::milliseconds(2000));
  settings.receiver = service::LoadPeer(source, "alert_receiver", "web.alert_receiver_url", "http://127.0.0.1:9095",
                                        std::chrono::milliseconds(1000));
  return settings;
}

Operations::Operations(http::Client& client, OperationsSettings settings, auth::Verifier verifier)
    : client_(client), settings_(std::move(settings)), verifier_(std::move(verifier)) {}

void Operations::AddRoutes(http::Router& router) {
  router.Add(http::Method::kGet, "/api/v1/operations/status",
             [this](http::Request& request) { return Status(request); });
  router.Add(http::Method::kGet, "/api/v1/operations/series",
             [this](http::Request& request) { return Series(request); });
}

void Operations::Authorize(http::Request& request) const {
  const auth::Principal who = verifier_.Authenticate(request);
  auth::RequireRole(who, {auth::Role::kManager, auth::Role::kAdmin}, "see the operations page");
}

asio::awaitable<json::value> Operations::Prometheus(std::string target) const {
  const auto& peer = settings_.prometheus;
  auto result = co_await client_.Send(peer.host, peer.port, Get(target), peer.timeout);
  if (result.error) {
    log::Warn("prometheus unavailable", {{"target", target}, {"error", result.error.message()}});
    throw ApiError::Unavailable("prometheus.unavailable", "Prometheus " + Failure(peer, result));
  }
  boost::system::error_code ec;
  json::value parsed = json::parse(result.response.body, ec);
  if (result.response.status != 200) {
    // Prometheus explains its refusals in {"status":"error","error":"..."}; starting up, it answers 503.
    std::string why;
    if (const auto* o = !ec ? parsed.if_object() : nullptr) {
      if (const auto* e = o->if_contains("error"); e != nullptr && e->is_string()) why = ": " + std::string(e->as_string());
    }
    log::Warn("prometheus refused", {{"target", target}, {"status", result.response.status}});
    throw ApiError::Unavailable("prometheus.unavailable",
                                "Prometheus answered HTTP " + std::to_string(result.response.status) + why);
  }
  if (ec) throw ApiError::Unavailable("prometheus.unavailable", "Prometheus sent an answer that is not JSON");
  co_return parsed;
}

asio::awaitable<json::value> Operations::Notifications() const {
  const auto& peer = settings_.receiver;
  auto result = co_await client_.Send(peer.host, peer.port, Get("/alerts"), peer.timeout);
  std::string problem;
  if (result.error) {
    problem = "the alert receiver " + Failure(peer, result);
  } else if (result.response.status != 200) {
    problem = "the alert receiver answered HTTP " + std::to_string(result.response.status);
  } else {
    boost::system::error_code ec;
    json::value parsed = json::parse(result.response.body, ec);
    try {
      if (ec) throw ops::UnreadableAnswer("not JSON");
      co_return json::object{{"available", true}, {"items", ops::ShapeNotifications(parsed, kNotificationsShown)}};
    } catch (const ops::UnreadableAnswer& e) {
      problem = std::string("the alert receiver's answer cannot be read: ") + e.what();
    }
  }
  co_return json::object{{"available", false}, {"detail", problem}};
}

asio::awaitable<http::Response> Operations::Status(http::Request& request) const {
  Authorize(request);
  json::value targets = co_await Prometheus("/api/v1/targets?state=active");
  json::value gateway =
      co_await Prometheus("/api/v1/query?query=" + http::PercentEncode(ops::kGatewayTargetsQuery));
  json::value alerts = co_await Prometheus("/api/v1/alerts");
  json::value notifications = co_await Notifications();
  try {
    co_return Answer(json::object{{"as_of", ops::Rfc3339(Now())},
                                  {"targets", ops::ShapeTargets(targets)},
                                  {"gateway_targets", ops::ShapeGatewayTargets(gateway)},
                                  {"alerts", ops::ShapeAlerts(alerts)},
                                  {"notifications", std::move(notifications)}});
  } catch (const ops::UnreadableAnswer& e) {
    throw ApiError::Unavailable("prometheus.unavailable", std::string("Prometheus's answer cannot be read: ") + e.what());
  }
}

asio::awaitable<http::Response> Operations::Series(http::Request& request) const {
  Authorize(request);
  const std::string name = request.Query("window").value_or("15m");
  const auto window = ops::FindWindow(name);
  if (!window) {
    throw ApiError::Validation("request.validation_failed", "the query has invalid fields",
                               {{"window", "must be one of " + ops::WindowNames()}});
  }
  const auto [start, end] = ops::Span(*window, Now());
  json::array panels;
  for (const auto& panel : ops::Panels()) {
    json::value answer = co_await Prometheus("/api/v1/query_range?query=" + http::PercentEncode(panel.expr) +
                                             "&start=" + std::to_string(start) + "&end=" + std::to_string(end) +
                                             "&step=" + std::to_string(window->step));
    try {
      panels.push_back(json::object{{"id", panel.id}, {"series", ops::ShapeMatrix(answer, panel.labels)}});
    } catch (const ops::UnreadableAnswer& e) {
      throw ApiError::Unavailable("prometheus.unavailable",
                                  std::string("Prometheus's answer cannot be read: ") + e.what());
    }
  }
  co_return Answer(json::object{{"window", window->name},
                                {"step_s", window->step},
                                {"start", start},
                                {"end", end},
                                {"panels", std::move(panels)}});
}

}  // namespace comptoir::web
