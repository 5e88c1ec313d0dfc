#pragma once
#include <chrono>
#include <span>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/json/fwd.hpp>

#include "comptoir/auth/auth.hpp"
#include "comptoir/http/message.hpp"
#include "comptoir/http/router.hpp"
#include "comptoir/pg/pg.hpp"
#include "domain/card.hpp"

namespace comptoir::payment {

/// Settings of the provider (`payment.*`).
struct Settings {
  std::chrono::milliseconds timeout_card_delay{30000};  ///< payment.timeout_card_delay_ms
  /// How long the timeout card's charge takes to be recorded at all (0: on arrival): a provider that records it
  /// after its caller has given up and looked for it (issue 12 §8c).
  std::chrono::milliseconds timeout_card_record_delay{0};  ///< payment.timeout_card_record_delay_ms
};

/// Validates a charge body: every field problem at once (400 `request.validation_failed`), or 400
/// `payment.invalid_card` when the card number is the only problem (not 12–19 digits, or fails Luhn).
ChargeRequest ParseChargeBody(const boost::json::value& body);

/// The provider's HTTP face. It answers the order service only: every endpoint needs order's service token for
/// the audience "payment" with the scope of the action (ADR 0008); it is never routed by the gateway.
class Handlers {
 public:
  Handlers(pg::Pool& db, const Settings& settings, const auth::Verifier& verifier)
      : db_(db), settings_(settings), verifier_(verifier) {}

  boost::asio::awaitable<http::Response> CreateCharge(http::Request& request);
  boost::asio::awaitable<http::Response> ListCharges(http::Request& request);
  boost::asio::awaitable<http::Response> GetCharge(http::Request& request);
  boost::asio::awaitable<http::Response> RefundCharge(http::Request& request);

  /// Records the late success of every pending charge older than `timeout_card_delay` (or its refund, when one
  /// was asked meanwhile). Run by a periodic task, also at start (charges a previous process left pending).
  boost::asio::awaitable<void> CompleteDue();

 private:
  /// 401 without a valid token; 403 unless order's service token with `scope`.
  void RequireOrder(http::Request& request, std::string_view scope, std::string_view action) const;

  pg::Pool& db_;
  const Settings& settings_;
  const auth::Verifier& verifier_;
};

struct RouteEntry {
  http::Method method;
  std::string_view pattern;
  boost::asio::awaitable<http::Response> (Handlers::*handler)(http::Request&);
};

std::span<const RouteEntry> Routes();
void AddRoutes(http::Router& router, Handlers& handlers);

}  // namespace comptoir::payment
