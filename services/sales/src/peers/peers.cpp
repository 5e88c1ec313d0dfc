#include "peers/peers.hpp"

#include <boost/json.hpp>

#include "comptoir/error.hpp"
#include "comptoir/http/message.hpp"
#include "comptoir/log.hpp"
#include "comptoir/pricing_json.hpp"

namespace comptoir::sales {
namespace {

Product ProductFromJson(const boost::json::value& value) {
  const auto& o = value.as_object();
  Product p;
  p.id = o.at("id").to_number<std::int64_t>();
  p.sku = std::string(o.at("sku").as_string());
  p.name = std::string(o.at("name").as_string());
  p.price_cents = o.at("price_cents").to_number<std::int64_t>();
  p.active = o.at("active").as_bool();
  if (const auto* c = o.if_contains("category_id"); c && !c->is_null()) p.category_id = c->to_number<std::int64_t>();
  if (const auto* t = o.if_contains("tax_class"); t && t->is_string()) {
    auto tax_class = money::ParseTaxClass(t->as_string());
    if (!tax_class) throw std::runtime_error("unknown tax class");
    p.tax_class = *tax_class;
  }
  return p;
}

boost::asio::awaitable<std::optional<Product>> Fetch(const service::Peer& peer, const http::Request& origin,
                                                     std::string target) {
  boost::json::value body;
  try {
    body = co_await peer.CallJson(origin, http::Method::kGet, std::move(target));
  } catch (const ApiError& e) {
    if (e.kind() != ErrorKind::kNotFound) throw;
    co_return std::nullopt;
  }
  try {
    co_return ProductFromJson(body);
  } catch (const std::exception&) {
    throw ApiError::Unavailable("product.unavailable", "product answered an unexpected product shape");
  }
}

}  // namespace

boost::asio::awaitable<std::optional<Product>> Catalogue::ById(const http::Request& origin, std::int64_t id) const {
  return Fetch(peer_, origin, "/api/v1/products/" + std::to_string(id));
}

boost::asio::awaitable<std::optional<Product>> Catalogue::BySku(const http::Request& origin, std::string sku) const {
  return Fetch(peer_, origin, "/api/v1/products/by-sku/" + http::PercentEncode(sku));
}

boost::asio::awaitable<std::vector<pricing::Promotion>> Catalogue::Promotions(const http::Request& origin,
                                                                              std::int64_t location_id) const {
  boost::json::value body = co_await peer_.CallJson(
      origin, http::Method::kGet, "/api/v1/promotions?per_page=100&location_id=" + std::to_string(location_id));
  try {
    co_return pricing::PromotionsFromList(body);
  } catch (const std::exception&) {
    throw ApiError::Unavailable("product.unavailable", "product answered an unexpected promotion list");
  }
}

boost::asio::awaitable<std::optional<Product>> Catalogue::ByBarcode(const http::Request& origin,
                                                                    std::string code) const {
  boost::json::value body;
  try {
    body =
        co_await peer_.CallJson(origin, http::Method::kGet, "/api/v1/products/by-barcode/" + http::PercentEncode(code));
  } catch (const ApiError& e) {
    if (e.kind() != ErrorKind::kNotFound) throw;
    co_return std::nullopt;
  }
  try {
    Product p = ProductFromJson(body.at("product"));
    if (body.at("kind").as_string() == "price_embedded") {
      p.price_cents = body.at("embedded_price_cents").to_number<std::int64_t>();
      p.price_embedded = true;
    }
    co_return p;
  } catch (const std::exception&) {
    throw ApiError::Unavailable("product.unavailable", "product answered an unexpected scan shape");
  }
}

boost::asio::awaitable<StockMovement> Stock::Move(const http::Request& origin, const std::string& key,
                                                  std::int64_t location_id, std::string_view reason,
                                                  std::span<const SaleLine> lines, int sign) const {
  boost::json::object body;
  body["location_id"] = location_id;
  body["reason"] = reason;
  body["reference"] = key;
  boost::json::array items;
  for (const SaleLine& line : lines) {
    items.push_back(boost::json::object{{"product_id", line.product_id}, {"quantity", sign * line.quantity}});
  }
  body["lines"] = std::move(items);
  http::Headers headers;
  headers.Set("Idempotency-Key", key);
  boost::json::value answer = co_await peer_.CallJson(origin, http::Method::kPost, "/api/v1/inventory/movements",
                                                      boost::json::serialize(body), std::move(headers));
  StockMovement movement;
  movement.key = key;
  if (const auto* o = answer.if_object()) {
    if (const auto* reversed = o->if_contains("reversed"); reversed && reversed->is_bool()) {
      movement.reversed = reversed->as_bool();
    }
  }
  co_return movement;
}

boost::asio::awaitable<std::vector<StockLevel>> Stock::Available(const http::Request& origin, std::int64_t location_id,
                                                                 std::span<const SaleLine> lines) const {
  std::vector<StockLevel> levels;
  for (const SaleLine& line : lines) {
    boost::json::value answer = co_await peer_.CallJson(origin, http::Method::kGet,
                                                        "/api/v1/inventory?location_id=" + std::to_string(location_id) +
                                                            "&product_id=" + std::to_string(line.product_id));
    const auto* rows = answer.is_object() ? answer.as_object().if_contains("data") : nullptr;
    if (rows == nullptr || !rows->is_array()) {
      throw ApiError::Unavailable("inventory.unavailable", "inventory answered an unexpected stock shape");
    }
    for (const auto& row : rows->as_array()) {
      const auto* available = row.is_object() ? row.as_object().if_contains("available") : nullptr;
      if (available != nullptr && available->is_number()) {
        levels.push_back({line.product_id, available->to_number<std::int64_t>()});
      }
    }
  }
  co_return levels;
}

boost::asio::awaitable<bool> Stock::Reverse(const http::Request& origin, const std::string& key) const {
  try {
    co_await peer_.CallJson(origin, http::Method::kPost,
                            "/api/v1/inventory/movements/" + http::PercentEncode(key) + "/reverse", "{}");
    co_return true;
  } catch (const std::exception& e) {
    log::Warn("stock movement not reversed yet; the recovery pass retries", {{"key", key}, {"error", e.what()}});
  }
  co_return false;
}

}  // namespace comptoir::sales
