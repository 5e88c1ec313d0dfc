#pragma once
#include <string>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "domain/barcode.hpp"
#include "domain/catalogue.hpp"
#include "storage/repository.hpp"

namespace comptoir::product {

/// The product as the API shows it: id, sku, name, description, category_id, price_cents, active,
/// created_at, updated_at.
boost::json::object ToJson(const Product& product);
/// The category as the API shows it: id, name, description, created_at, updated_at.
boost::json::object ToJson(const Category& category);
/// A scan's answer: `{barcode, kind: gtin|price_embedded, item_code, embedded_price_cents, price_cents, product}`
/// (`price_cents` is what the till charges: the embedded price, or the product's).
boost::json::object ScanJson(const Scan& scan, const Product& product);
/// `{"data": [...], "meta": {"page", "per_page", "total"}}`.
std::string ListJson(const boost::json::array& data, const Page& page, std::int64_t total);

/// How a product body is read.
enum class ProductBodyMode {
  kCreate,   ///< POST: sku, name, price_cents required; the others take their defaults
  kReplace,  ///< PUT: same as POST (a full replacement; absent optional fields are reset)
  kPatch,    ///< PATCH: only the fields present are changed; null clears category_id only
};

/// Reads and validates a product body; throws 400 `product.invalid` listing every offending field.
ProductChange ParseProductBody(const boost::json::value& body, ProductBodyMode mode);
/// Reads and validates a category body (name required); throws 400 `category.invalid`.
CategoryInput ParseCategoryBody(const boost::json::value& body);

}  // namespace comptoir::product
