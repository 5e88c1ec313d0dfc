#pragma once
#include <functional>
#include <span>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "comptoir/auth/auth.hpp"
#include "comptoir/http/message.hpp"
#include "comptoir/http/router.hpp"
#include "storage/store.hpp"

namespace comptoir::reporting {

/// Rebuilds the read models from the stream's history; returns whether that history is complete. Refuses
/// (409 `reporting.history_incomplete`, nothing changed) when it is not, unless `allow_incomplete`.
using Rebuild = std::function<boost::asio::awaitable<bool>(bool allow_incomplete)>;

/// Thin handlers: check the caller, parse the query, run the report, answer JSON or CSV.
class Handlers {
 public:
  Handlers(Reports& reports, const auth::Verifier& verifier, Rebuild rebuild)
      : reports_(reports), verifier_(verifier), rebuild_(std::move(rebuild)) {}

  boost::asio::awaitable<http::Response> Sales(http::Request& request);
  boost::asio::awaitable<http::Response> Taxes(http::Request& request);
  boost::asio::awaitable<http::Response> TopProducts(http::Request& request);
  boost::asio::awaitable<http::Response> Returns(http::Request& request);
  boost::asio::awaitable<http::Response> Stock(http::Request& request);
  boost::asio::awaitable<http::Response> Restock(http::Request& request);
  boost::asio::awaitable<http::Response> Dashboard(http::Request& request);
  boost::asio::awaitable<http::Response> RebuildModels(http::Request& request);

 private:
  Reports& reports_;
  const auth::Verifier& verifier_;
  Rebuild rebuild_;
};

struct RouteEntry {
  http::Method method;
  std::string_view pattern;
  boost::asio::awaitable<http::Response> (Handlers::*handler)(http::Request&);
};

/// The route table (also read by the OpenAPI coverage test).
std::span<const RouteEntry> Routes();
void AddRoutes(http::Router& router, Handlers& handlers);

}  // namespace comptoir::reporting
