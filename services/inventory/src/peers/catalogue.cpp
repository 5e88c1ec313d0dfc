#include "peers/catalogue.hpp"

#include <boost/json.hpp>

#include "comptoir/error.hpp"
#include "comptoir/http/message.hpp"

namespace comptoir::inventory {

boost::asio::awaitable<std::map<std::int64_t, std::int64_t>> Catalogue::Prices(
    const http::Request& origin, const std::vector<std::int64_t>& products) const {
  std::map<std::int64_t, std::int64_t> prices;
  for (std::int64_t id : products) {
    boost::json::value product;
    try {
      product = co_await peer_.CallJson(origin, http::Method::kGet, "/api/v1/products/" + std::to_string(id));
    } catch (const ApiError& e) {
      if (e.kind() == ErrorKind::kNotFound) continue;  // a product the catalogue no longer knows: no value
      throw;
    }
    const auto* object = product.if_object();
    const auto* price = object ? object->if_contains("price_cents") : nullptr;
    if (price == nullptr || !price->is_int64()) {
      throw ApiError::Unavailable("product.unavailable", "product answered an unexpected product shape");
    }
    prices[id] = price->as_int64();
  }
  co_return prices;
}

}  // namespace comptoir::inventory
