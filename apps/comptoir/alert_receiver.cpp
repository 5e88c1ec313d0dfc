// `comptoir alert-receiver`: where the local Alertmanager delivers notifications (see alert_receiver.hpp).
#include "alert_receiver.hpp"

#include <csignal>
#include <deque>
#include <iostream>
#include <mutex>

#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/json.hpp>

#include "comptoir/error.hpp"
#include "comptoir/http/router.hpp"
#include "comptoir/http/runtime.hpp"
#include "comptoir/http/server.hpp"
#include "comptoir/log.hpp"
#include "comptoir/metrics.hpp"
#include "host_port.hpp"

namespace comptoir::app {
namespace {
namespace asio = boost::asio;
namespace json = boost::json;

/// The notifications received, oldest first, at most `keep`.
class Inbox {
 public:
  Inbox(std::size_t keep, metrics::Registry& registry)
      : keep_(keep),
        received_(registry.AddCounter("alert_receiver_notifications_total",
                                      "Alertmanager notifications received, by status (firing, resolved)",
                                      {"status"})) {}

  /// Checks that `body` is an Alertmanager webhook payload and keeps it; throws ApiError 400 otherwise.
  void Add(const std::string& body) {
    boost::system::error_code ec;
    json::value parsed = json::parse(body, ec);
    const json::object* o = !ec ? parsed.if_object() : nullptr;
    const json::value* status = o != nullptr ? o->if_contains("status") : nullptr;
    const json::value* alerts = o != nullptr ? o->if_contains("alerts") : nullptr;
    if (status == nullptr || !status->is_string() || alerts == nullptr || !alerts->is_array()) {
      throw ApiError::Validation("alerts.invalid_notification",
                                 "expected an Alertmanager webhook notification with status and alerts",
                                 {{"body", "must be a JSON object with \"status\" and \"alerts\""}});
    }
    std::string names;
    for (const auto& alert : alerts->as_array()) {
      const auto* labels = alert.is_object() ? alert.as_object().if_contains("labels") : nullptr;
      const auto* name =
          labels != nullptr && labels->is_object() ? labels->as_object().if_contains("alertname") : nullptr;
      if (name == nullptr || !name->is_string()) continue;
      if (!names.empty()) names += ',';
      names += name->as_string();
    }
    const std::string state(status->as_string());
    const auto* receiver = o->if_contains("receiver");
    log::Info("alert notification",
              {{"status", state},
               {"receiver",
                receiver != nullptr && receiver->is_string() ? std::string(receiver->as_string()) : std::string()},
               {"alerts", names}});
    received_.WithLabels({state}).Inc();
    std::lock_guard lock(mutex_);
    ++total_;
    notifications_.push_back(std::move(parsed));
    while (notifications_.size() > keep_) notifications_.pop_front();
  }

  [[nodiscard]] std::string List() const {
    json::array data;
    std::lock_guard lock(mutex_);
    for (const auto& n : notifications_) data.push_back(n);
    return json::serialize(json::object{{"data", std::move(data)}, {"meta", {{"total", total_}}}});
  }

 private:
  std::size_t keep_;
  metrics::Family<metrics::Counter>& received_;
  mutable std::mutex mutex_;
  std::deque<json::value> notifications_;
  std::int64_t total_ = 0;
};

}  // namespace

int RunAlertReceiver(const AlertReceiverCli& cli) {
  http::ServerOptions options;
  options.name = "alert-receiver";
  if (!SplitHostPort(cli.listen, options.host, options.port)) {
    std::cerr << "--listen: expected host:port, got '" << cli.listen << "'\n";
    return 2;
  }
  options.body_limit = 512 * 1024;
  http::Runtime runtime(1);
  metrics::Registry registry;
  Inbox inbox(cli.keep, registry);
  http::Router router;
  router.Add(http::Method::kPost, "/alerts", [&inbox](http::Request& request) -> asio::awaitable<http::Response> {
    inbox.Add(request.body);
    co_return http::Response::Json(200, R"({"status":"received"})");
  });
  router.Add(http::Method::kGet, "/alerts", [&inbox](http::Request&) -> asio::awaitable<http::Response> {
    co_return http::Response::Json(200, inbox.List());
  });
  router.Add(http::Method::kGet, "/health", [](http::Request&) -> asio::awaitable<http::Response> {
    co_return http::Response::Json(200, R"({"status":"ok","service":"alert-receiver"})");
  });
  router.Add(http::Method::kGet, "/metrics", [&registry](http::Request&) -> asio::awaitable<http::Response> {
    co_return http::Response::Text(200, registry.Render(), "text/plain; version=0.0.4; charset=utf-8");
  });
  http::Server server(runtime, options, router, registry);
  try {
    server.Start();
  } catch (const std::exception& e) {
    std::cerr << "cannot listen on " << cli.listen << ": " << e.what() << "\n";
    return 1;
  }
  log::Info("alert receiver listening", {{"address", cli.listen}});
  asio::signal_set stop(runtime.Context(0), SIGINT, SIGTERM);
  stop.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    server.Shutdown([&runtime] { asio::post(runtime.Context(0), [&runtime] { runtime.Stop(); }); });
  });
  runtime.Run();
  return 0;
}

}  // namespace comptoir::app
