#include "storage/peers.hpp"

#include <boost/json.hpp>

#include "comptoir/error.hpp"

namespace comptoir::cart {
namespace {

using boost::asio::awaitable;

constexpr std::size_t kMaxCachedProducts = 10000;

std::int64_t IntField(const boost::json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  if (value == nullptr || !value->is_int64()) throw std::runtime_error("no integer field " + std::string(key));
  return value->as_int64();
}

}  // namespace

awaitable<std::optional<ProductInfo>> Catalogue::Find(const http::Request& origin, std::int64_t id) {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    auto it = cache_.find(id);
    if (it != cache_.end() && it->second.expires > now) co_return it->second.product;
  }
  http::Response response = co_await peer_.Call(origin, http::Method::kGet, "/api/v1/products/" + std::to_string(id));
  std::optional<ProductInfo> product;
  if (response.status == 404) {
    product = std::nullopt;
  } else if (response.status == 200) {
    try {
      boost::json::value body = boost::json::parse(response.body);
      const auto& o = body.as_object();
      ProductInfo info;
      info.id = IntField(o, "id");
      info.sku = std::string(o.at("sku").as_string());
      info.name = std::string(o.at("name").as_string());
      info.price_cents = IntField(o, "price_cents");
      info.active = o.at("active").as_bool();
      product = std::move(info);
    } catch (const std::exception& e) {
      throw ApiError::Unavailable("product.unavailable",
                                  "the product service gave an unreadable answer for product " + std::to_string(id));
    }
  } else {
    throw ApiError::Unavailable(
        "product.unavailable",
        "the product service answered " + std::to_string(response.status) + " for product " + std::to_string(id));
  }
  if (ttl_.count() > 0) {
    std::lock_guard lock(mutex_);
    // Unknown ids are cached too, so a client sending arbitrary ids must not grow the map without bound.
    if (cache_.size() >= kMaxCachedProducts) cache_.clear();
    cache_[id] = Entry{product, std::chrono::steady_clock::now() + ttl_};
  }
  co_return product;
}

awaitable<std::int64_t> OnlineStock::Available(const http::Request& origin, std::int64_t product_id) const {
  std::string target =
      "/api/v1/inventory?location_id=" + std::to_string(location_id_) + "&product_id=" + std::to_string(product_id);
  boost::json::value body = co_await peer_.CallJson(origin, http::Method::kGet, std::move(target));
  try {
    for (const auto& row : body.at("data").as_array()) {
      const auto& o = row.as_object();
      if (IntField(o, "product_id") == product_id && IntField(o, "location_id") == location_id_) {
        co_return IntField(o, "available");
      }
    }
  } catch (const std::exception&) {
    throw ApiError::Unavailable("inventory.unavailable", "the inventory service gave an unreadable stock answer");
  }
  co_return 0;
}

}  // namespace comptoir::cart
