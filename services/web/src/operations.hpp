#pragma once
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/json/fwd.hpp>

#include "comptoir/auth/auth.hpp"
#include "comptoir/config.hpp"
#include "comptoir/http/client.hpp"
#include "comptoir/http/router.hpp"
#include "comptoir/service/peer.hpp"

namespace comptoir::web {

/// Where the operations page's data comes from: `web.prometheus_url` (default http://127.0.0.1:9090,
/// `web.prometheus_url_timeout_ms` 2000) and `web.alert_receiver_url` (default http://127.0.0.1:9095,
/// `web.alert_receiver_url_timeout_ms` 1000).
struct OperationsSettings {
  service::PeerOptions prometheus;
  service::PeerOptions receiver;
};

/// Reads OperationsSettings; problems are recorded in `source`.
OperationsSettings LoadOperationsSettings(config::Source& source);

/// The back office's operations page, server side (ADR 0103): `GET /api/v1/operations/status` and
/// `GET /api/v1/operations/series?window=15m` for managers and admins. It asks Prometheus (and the alert
/// receiver) only the queries of its allow-list (operations_view.hpp), with its own identity — never the
/// caller's token — and a timeout; Prometheus down or unreadable is a 503 `prometheus.unavailable`.
class Operations {
 public:
  Operations(http::Client& client, OperationsSettings settings, auth::Verifier verifier);
  void AddRoutes(http::Router& router);

  boost::asio::awaitable<http::Response> Status(http::Request& request) const;
  boost::asio::awaitable<http::Response> Series(http::Request& request) const;

 private:
  /// 401 without a valid token, 403 unless a manager or an admin.
  void Authorize(http::Request& request) const;
  /// GET `target` on Prometheus: the parsed JSON of a 200. Anything else is ApiError 503 `prometheus.unavailable`.
  boost::asio::awaitable<boost::json::value> Prometheus(std::string target) const;
  /// GET /alerts on the receiver: its notifications, or why they cannot be read (the page says so).
  boost::asio::awaitable<boost::json::value> Notifications() const;

  http::Client& client_;
  OperationsSettings settings_;
  auth::Verifier verifier_;
};

}  // namespace comptoir::web
