// libs/http's request parsing as the server does it (ADR 0130): bytes from a client go through Beast's
// request parser with the server's limits (in two pieces, the first byte choosing where the read splits),
// then ToRequest and the request id / traceparent assignment, then what handlers read of a request
// (query parameters, headers, path parameters once the router matched) and the route table of a service.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <boost/beast/core/buffers_prefix.hpp>
#include <boost/beast/http/error.hpp>

#include "check.hpp"
#include "comptoir/http/router.hpp"
#include "request_head.hpp"

namespace http = comptoir::http;
using comptoir::fuzz::Check;
namespace bhttp = boost::beast::http;

namespace {

boost::asio::awaitable<http::Response> Ok(http::Request&) {
  co_return http::Response::Empty(200);
}

// A route table shaped like the services' (literal segments beside parameters, several methods).
const http::Router& Routes() {
  static const http::Router router = [] {
    http::Router r;
    for (const char* pattern : {"/health", "/api/v1/products", "/api/v1/products/{id}", "/api/v1/products/by-sku/{sku}",
                                "/api/v1/sales/{id}/returns", "/api/v1/carts/{cart_id}/items/{product_id}",
                                "/api/v1/inventory/reservations/{id}/commit"}) {
      r.Add(http::Method::kGet, pattern, Ok);
      r.Add(http::Method::kPost, pattern, Ok);
    }
    r.Add(http::Method::kDelete, "/api/v1/products/{id}", Ok);
    return r;
  }();
  return router;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t split = 1 + data[0] % (size);  // the read boundary inside the rest
  std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  http::ServerOptions options;
  options.header_limit = 4 * 1024;  // small limits, so inputs reach them
  options.body_limit = 8 * 1024;
  http::detail::RequestParser parser;
  http::detail::ApplyLimits(parser, options);
  boost::system::error_code ec;
  std::size_t used = 0;
  std::string_view pieces[2] = {bytes.substr(0, std::min(split - 1, bytes.size())),
                                bytes.substr(std::min(split - 1, bytes.size()))};
  std::string pending;
  for (auto piece : pieces) {
    pending.append(piece);
    while (!pending.empty() && !parser.is_done()) {
      used = parser.put(boost::asio::buffer(pending.data(), pending.size()), ec);
      pending.erase(0, used);
      if (ec == bhttp::error::need_more) {
        ec = {};
        break;
      }
      if (ec) return 0;
      if (used == 0) break;
    }
  }
  if (!parser.is_done()) {
    if (!parser.got_some()) return 0;  // nothing at all: the server's read ends with end_of_stream
    parser.put_eof(ec);                // the client closed: a body delimited by the end of the stream ends here
    if (ec || !parser.is_done()) return 0;
  }
  http::Request request = http::detail::ToRequest(parser.release(), "127.0.0.1");
  http::detail::AssignIds(request);
  Check(http::ValidRequestId(request.request_id));
  Check(request.traceparent.size() == 55 && request.traceparent.starts_with("00-"));
  Check(request.path.size() <= request.target.size());
  for (const auto& [name, value] : request.QueryParams()) Check(name.size() + value.size() <= request.query.size());
  (void)request.Query("page");
  (void)request.headers.Get("Content-Type");
  auto match = Routes().Find(request.method, request.path, request.path_params);
  if (match.outcome == http::Router::Outcome::kFound) {
    Check(match.route != nullptr);
    for (const auto& [name, value] : request.path_params) Check(!name.empty() && value.size() <= request.path.size());
  } else if (match.outcome == http::Router::Outcome::kMethodNotAllowed) {
    Check(!match.allow.empty());
  }
  return 0;
}
