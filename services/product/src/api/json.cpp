#include "api/json.hpp"

#include <boost/json.hpp>

#include "comptoir/json.hpp"
#include "domain/barcode.hpp"

namespace comptoir::product {

boost::json::object ToJson(const Product& product) {
  boost::json::object o;
  o["id"] = product.id;
  o["sku"] = product.sku;
  o["name"] = product.name;
  o["description"] = product.description;
  if (product.category_id) {
    o["category_id"] = *product.category_id;
  } else {
    o["category_id"] = nullptr;
  }
  o["price_cents"] = product.price_cents;
  o["active"] = product.active;
  o["tax_class"] = money::TaxClassName(product.tax_class);
  if (product.barcode) {
    o["barcode"] = *product.barcode;
  } else {
    o["barcode"] = nullptr;
  }
  if (product.scale_code) {
    o["scale_code"] = *product.scale_code;
  } else {
    o["scale_code"] = nullptr;
  }
  o["created_at"] = product.created_at;
  o["updated_at"] = product.updated_at;
  return o;
}

boost::json::object ToJson(const Category& category) {
  boost::json::object o;
  o["id"] = category.id;
  o["name"] = category.name;
  o["description"] = category.description;
  o["created_at"] = category.created_at;
  o["updated_at"] = category.updated_at;
  return o;
}

boost::json::object ScanJson(const Scan& scan, const Product& product) {
  boost::json::object o;
  o["barcode"] = scan.gtin;
  o["kind"] = scan.price_embedded ? "price_embedded" : "gtin";
  if (scan.price_embedded) {
    o["item_code"] = scan.item_code;
    o["embedded_price_cents"] = scan.embedded_price_cents;
  } else {
    o["item_code"] = nullptr;
    o["embedded_price_cents"] = nullptr;
  }
  o["price_cents"] = scan.price_embedded ? scan.embedded_price_cents : product.price_cents;
  o["product"] = ToJson(product);
  return o;
}

std::string ListJson(const boost::json::array& data, const Page& page, std::int64_t total) {
  boost::json::object body;
  body["data"] = data;
  body["meta"] = {{"page", page.page}, {"per_page", page.per_page}, {"total", total}};
  return boost::json::serialize(body);
}

ProductChange ParseProductBody(const boost::json::value& body, ProductBodyMode mode) {
  json::ObjectReader reader(body);
  reader.RejectUnknown({"sku", "name", "description", "category_id", "price_cents", "active", "tax_class", "barcode",
                        "scale_code",
                        // read-only fields that a client may send back unchanged after a GET
                        "id", "created_at", "updated_at"});
  const bool full = mode != ProductBodyMode::kPatch;
  ProductChange change;

  // Lengths are counted in characters (code points); the SKU alphabet is ASCII anyway.
  change.sku = reader.String("sku", full, 1, kSkuMaxLength);
  if (change.sku) {
    if (auto problem = SkuProblem(*change.sku)) {
      reader.Fail("sku", *problem);
      change.sku.reset();
    }
  } else if (!full && reader.IsNull("sku")) {
    reader.Fail("sku", "must not be null");
  }

  change.name = reader.String("name", full, 1, kNameMaxLength);
  if (!full && reader.IsNull("name")) reader.Fail("name", "must not be null");
  if (change.name && change.name->find_first_not_of(" \t\r\n") == std::string::npos) {
    reader.Fail("name", "must not be blank");
  }

  change.description = reader.String("description", false, 0, kDescriptionMaxLength);
  if (full && !change.description) change.description = std::string();
  if (!full && reader.IsNull("description")) change.description = std::string();

  if (reader.IsNull("category_id")) {
    change.category_id = std::optional<std::int64_t>();
  } else if (auto id = reader.Int("category_id", false, 1, INT64_MAX)) {
    change.category_id = id;
  } else if (full) {
    change.category_id = std::optional<std::int64_t>();
  }

  change.price_cents = reader.Int("price_cents", full, 0, kMaxPriceCents);
  if (!full && reader.IsNull("price_cents")) reader.Fail("price_cents", "must not be null");

  change.active = reader.Bool("active", false);
  if (full && !change.active) change.active = true;
  if (!full && reader.IsNull("active")) reader.Fail("active", "must not be null");

  if (auto text = reader.String("tax_class", false, 1, 20)) {
    change.tax_class = money::ParseTaxClass(*text);
    if (!change.tax_class) reader.Fail("tax_class", "must be taxable, zero_rated or exempt");
  } else if (reader.IsNull("tax_class")) {
    reader.Fail("tax_class", "must not be null");
  }
  if (full && !change.tax_class) change.tax_class = money::TaxClass::kTaxable;
  // Barcodes (ADR 0170): a UPC-A is stored as its EAN-13 (leading 0); a wrong check digit is refused with the
  // digit GS1 expects, and the in-store ranges (02, 20–29) are the scale's, never a product's barcode.
  if (reader.IsNull("barcode")) {
    if (full || reader.Has("barcode")) change.barcode = std::optional<std::string>();
  } else if (auto barcode = reader.String("barcode", false, 1, 14)) {
    std::string gtin;
    if (auto problem = GtinProblem(*barcode, &gtin)) {
      reader.Fail("barcode", *problem);
    } else if (IsInStorePrefix(gtin)) {
      reader.Fail("barcode", "prefixes 02 and 20-29 are printed by the store's scales; give the product a scale_code");
    } else {
      change.barcode = std::optional<std::string>(gtin);
    }
  } else if (full) {
    change.barcode = std::optional<std::string>();
  }
  if (reader.IsNull("scale_code")) {
    if (full || reader.Has("scale_code")) change.scale_code = std::optional<std::string>();
  } else if (auto code = reader.String("scale_code", false, 1, 5)) {
    if (auto problem = ScaleCodeProblem(*code)) {
      reader.Fail("scale_code", *problem);
    } else {
      change.scale_code = std::optional<std::string>(*code);
    }
  } else if (full) {
    change.scale_code = std::optional<std::string>();
  }

  reader.ThrowIfErrors("product.invalid");
  return change;
}

CategoryInput ParseCategoryBody(const boost::json::value& body) {
  json::ObjectReader reader(body);
  reader.RejectUnknown({"name", "description", "id", "created_at", "updated_at"});
  auto name = reader.String("name", true, 1, kCategoryNameMaxLength);
  if (name && name->find_first_not_of(" \t\r\n") == std::string::npos) reader.Fail("name", "must not be blank");
  auto description = reader.String("description", false, 0, kDescriptionMaxLength);
  reader.ThrowIfErrors("category.invalid");
  return CategoryInput{*name, description.value_or("")};
}

}  // namespace comptoir::product
