#include "storage/peers.hpp"

#include <boost/json.hpp>

#include "comptoir/error.hpp"
#include "comptoir/pricing_json.hpp"

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
      if (const auto* c = o.if_contains("category_id"); c && c->is_int64()) info.category_id = c->as_int64();
      if (const auto* t = o.if_contains("tax_class"); t && t->is_string()) {
        auto tax_class = money::ParseTaxClass(t->as_string());
        if (!tax_class) throw std::runtime_error("unknown tax class");
        info.tax_class = *tax_class;
      }
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

awaitable<std::vector<pricing::Promotion>> Catalogue::OnlinePromotions(const http::Request& origin) {
  const auto now = std::chrono::steady_clock::now();
  if (ttl_.count() > 0) {
    std::lock_guard lock(mutex_);
    if (promotions_expire_ > now) co_return promotions_;
  }
  boost::json::value body =
      co_await peer_.CallJson(origin, http::Method::kGet, "/api/v1/promotions?channel=online&per_page=100");
  std::vector<pricing::Promotion> promotions;
  try {
    promotions = pricing::PromotionsFromList(body);
  } catch (const std::exception&) {
    throw ApiError::Unavailable("product.unavailable", "the product service gave an unreadable promotion list");
  }
  if (ttl_.count() > 0) {
    std::lock_guard lock(mutex_);
    promotions_ = promotions;
    promotions_expire_ = std::chrono::steady_clock::now() + ttl_;
  }
  co_return promotions;
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
