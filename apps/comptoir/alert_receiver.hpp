#pragma once
#include <cstddef>
#include <string>

namespace comptoir::app {

/// `comptoir alert-receiver`: the local end of Alertmanager's webhook route (deploy/alertmanager/). It keeps the
/// last `keep` notifications and shows them to tests, scripts and the operations page:
///   POST /alerts   an Alertmanager webhook notification (version 4 payload); 200, or 400 when it is not one
///   GET  /alerts   {"data": [notification, ...oldest first], "meta": {"total": received since start}}
///   GET  /health, /metrics (alert_receiver_notifications_total{status})
/// Each notification is also one log line ("alert notification": status, receiver, alert names).
struct AlertReceiverCli {
  std::string listen = "127.0.0.1:9095";
  std::size_t keep = 500;
};

int RunAlertReceiver(const AlertReceiverCli& cli);

}  // namespace comptoir::app
