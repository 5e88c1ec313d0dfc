#pragma once
#include <chrono>
#include <span>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "comptoir/auth/auth.hpp"
#include "comptoir/http/message.hpp"
#include "comptoir/http/router.hpp"
#include "observe/metrics.hpp"
#include "peers/catalogue.hpp"
#include "storage/repository.hpp"

namespace comptoir::inventory {

/// Settings of the service (`inventory.*`).
struct Settings {
  std::chrono::seconds reservation_ttl{900};  ///< inventory.reservation_ttl_s
  std::chrono::seconds sweep_interval{30};    ///< inventory.reservation_sweep_interval_s
  std::string time_zone = "America/Toronto";  ///< inventory.time_zone: business days of the adjustments report
  PublicStockRules public_stock;              ///< inventory.public_low_threshold, inventory.public_available_cap
};

/// The HTTP face of the inventory: each handler authenticates the caller itself (the service does not
/// trust the gateway), parses and validates, calls the repository and serialises.
class Handlers {
 public:
  Handlers(Repository& repository, const auth::Verifier& verifier, const Settings& settings, StockMetrics& metrics,
           const Catalogue& catalogue)
      : repository_(repository), verifier_(verifier), settings_(settings), metrics_(metrics), catalogue_(catalogue) {}

  boost::asio::awaitable<http::Response> ListLocations(http::Request& request);
  boost::asio::awaitable<http::Response> GetLocation(http::Request& request);

  boost::asio::awaitable<http::Response> ListStock(http::Request& request);
  boost::asio::awaitable<http::Response> ListAlerts(http::Request& request);
  boost::asio::awaitable<http::Response> SetReorderPoint(http::Request& request);

  boost::asio::awaitable<http::Response> PostMovements(http::Request& request);
  boost::asio::awaitable<http::Response> ReverseMovements(http::Request& request);
  boost::asio::awaitable<http::Response> ListMovements(http::Request& request);
  boost::asio::awaitable<http::Response> ListAdjustments(http::Request& request);

  boost::asio::awaitable<http::Response> CreateReservation(http::Request& request);
  boost::asio::awaitable<http::Response> GetReservation(http::Request& request);
  boost::asio::awaitable<http::Response> CommitReservation(http::Request& request);
  boost::asio::awaitable<http::Response> ReleaseReservation(http::Request& request);

  boost::asio::awaitable<http::Response> CreateRestock(http::Request& request);
  boost::asio::awaitable<http::Response> ListRestock(http::Request& request);
  boost::asio::awaitable<http::Response> GetRestock(http::Request& request);
  boost::asio::awaitable<http::Response> ApproveRestock(http::Request& request);
  boost::asio::awaitable<http::Response> RejectRestock(http::Request& request);
  boost::asio::awaitable<http::Response> ShipRestock(http::Request& request);
  boost::asio::awaitable<http::Response> ReceiveRestock(http::Request& request);

  // Transfers and counts (api/transfer_handlers.cpp; ADRs 0171, 0172).
  boost::asio::awaitable<http::Response> CreateTransfer(http::Request& request);
  boost::asio::awaitable<http::Response> ListTransfers(http::Request& request);
  boost::asio::awaitable<http::Response> GetTransfer(http::Request& request);
  boost::asio::awaitable<http::Response> ApproveTransfer(http::Request& request);
  boost::asio::awaitable<http::Response> RejectTransfer(http::Request& request);
  boost::asio::awaitable<http::Response> ShipTransfer(http::Request& request);
  boost::asio::awaitable<http::Response> ReceiveTransfer(http::Request& request);
  boost::asio::awaitable<http::Response> OpenCount(http::Request& request);
  boost::asio::awaitable<http::Response> ListCounts(http::Request& request);
  boost::asio::awaitable<http::Response> GetCount(http::Request& request);
  boost::asio::awaitable<http::Response> RecordCounts(http::Request& request);
  boost::asio::awaitable<http::Response> PostCount(http::Request& request);
  boost::asio::awaitable<http::Response> CancelCount(http::Request& request);
  boost::asio::awaitable<http::Response> GetVariance(http::Request& request);

 private:
  Repository& repository_;
  const auth::Verifier& verifier_;
  const Settings& settings_;
  StockMetrics& metrics_;
  const Catalogue& catalogue_;
};

/// One line of the service's route table.
struct RouteEntry {
  http::Method method;
  std::string_view pattern;
  boost::asio::awaitable<http::Response> (Handlers::*handler)(http::Request&);
};

/// The route table (the standard routes are added by libs/service); also read by the OpenAPI coverage test.
std::span<const RouteEntry> Routes();

/// Adds every route of Routes() to `router`, bound to `handlers` (which must outlive the router).
void AddRoutes(http::Router& router, Handlers& handlers);

/// Authorization of a movement of `reason` at `location_id` (ADR 0008): sale and return only by the sales service
/// (scope movements:sale), order_return only by the order service at the centre (scope movements:order_return),
/// adjustment by logistics, manager or admin. Throws 403 (422 `inventory.not_the_centre` for an order return
/// elsewhere).
void AuthorizeMovement(const auth::Principal& who, std::string_view reason, std::int64_t location_id);
/// Authorization of a reservation at `location_id`: at the logistics centre only the order service (scope
/// reservations:centre), staff of the location elsewhere. Throws 403.
void AuthorizeReservation(const auth::Principal& who, std::int64_t location_id);

}  // namespace comptoir::inventory
