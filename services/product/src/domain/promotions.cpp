#include "domain/promotions.hpp"

#include <boost/json.hpp>

#include "comptoir/json.hpp"

namespace comptoir::product {
namespace {

// "YYYY-MM-DDThh:mm:ss[.frac]Z": the only form promotions take (UTC, as every time of the API).
bool IsUtcInstant(const std::string& s) {
  if (s.size() < 20 || s.back() != 'Z' || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
      s[16] != ':') {
    return false;
  }
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return s.size() == 20 || s[19] == '.';
}

std::vector<std::int64_t> IdList(const boost::json::object& o, const char* key, std::vector<FieldError>& errors) {
  std::vector<std::int64_t> out;
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return out;
  if (!v->is_array() || v->as_array().size() > 100) {
    errors.push_back({key, "must be an array of at most 100 ids"});
    return out;
  }
  for (const auto& id : v->as_array()) {
    if (!id.is_int64() || id.as_int64() < 1) {
      errors.push_back({key, "must hold positive integer ids"});
      return {};
    }
    out.push_back(id.as_int64());
  }
  return out;
}

}  // namespace

PromotionRecord ParsePromotionBody(const boost::json::value& body) {
  json::ObjectReader reader(body);
  reader.RejectUnknown({"name", "kind", "product_ids", "category_id", "percent", "buy_quantity", "get_quantity",
                        "bundle", "bundle_price_cents", "starts_at", "ends_at", "location_ids", "online",
                        // read-only fields a client may send back after a GET
                        "id", "active", "created_at", "updated_at"});
  PromotionRecord p;
  std::vector<FieldError> errors;
  p.rule.name = reader.String("name", true, 1, 200).value_or("");
  const auto kind_text = reader.String("kind", true, 1, 20);
  if (kind_text) {
    if (auto kind = pricing::ParsePromotionKind(*kind_text)) {
      p.rule.kind = *kind;
    } else {
      reader.Fail("kind", "must be percent_off, buy_x_get_y or bundle");
    }
  }
  p.rule.category_id = reader.Int("category_id", false, 1, INT64_MAX);
  p.rule.percent = reader.Int("percent", false, 0, 100).value_or(0);
  p.rule.buy_quantity = reader.Int("buy_quantity", false, 0, 100).value_or(0);
  p.rule.get_quantity = reader.Int("get_quantity", false, 0, 100).value_or(0);
  p.rule.bundle_price_cents = reader.Int("bundle_price_cents", false, 0, kMaxPriceCents).value_or(0);
  p.starts_at = reader.String("starts_at", true, 20, 40).value_or("");
  p.ends_at = reader.String("ends_at", false, 20, 40);
  p.online = reader.Bool("online", false).value_or(false);
  if (const auto* o = body.if_object()) {
    p.rule.product_ids = IdList(*o, "product_ids", errors);
    p.location_ids = IdList(*o, "location_ids", errors);
    if (const auto* b = o->if_contains("bundle"); b && !b->is_null()) {
      if (!b->is_array()) {
        errors.push_back({"bundle", "must be an array of {product_id, quantity}"});
      } else {
        for (const auto& item : b->as_array()) {
          const auto* io = item.if_object();
          const auto* id = io ? io->if_contains("product_id") : nullptr;
          const auto* q = io ? io->if_contains("quantity") : nullptr;
          if (!id || !q || !id->is_int64() || !q->is_int64() || id->as_int64() < 1) {
            errors.push_back({"bundle", "each item is {product_id, quantity} with positive integers"});
            break;
          }
          p.rule.bundle.push_back({id->as_int64(), q->as_int64()});
        }
      }
    }
  }
  if (!p.starts_at.empty() && !IsUtcInstant(p.starts_at)) errors.push_back({"starts_at", "must be an RFC 3339 UTC time (…Z)"});
  if (p.ends_at && !IsUtcInstant(*p.ends_at)) {
    errors.push_back({"ends_at", "must be an RFC 3339 UTC time (…Z)"});
  } else if (p.ends_at && !p.starts_at.empty() && *p.ends_at <= p.starts_at) {
    errors.push_back({"ends_at", "must be after starts_at"});
  }
  if (p.location_ids.empty() && !p.online) errors.push_back({"location_ids", "give stores, online: true, or both"});
  if (kind_text && pricing::ParsePromotionKind(*kind_text)) {
    for (auto& [field, message] : pricing::PromotionProblems(p.rule)) {
      if (field == "name" && p.rule.name.empty()) continue;  // already reported by the reader
      errors.push_back({field, message});
    }
  }
  for (FieldError& e : errors) reader.Fail(e.field, e.message);
  reader.ThrowIfErrors("promotion.invalid");
  return p;
}

boost::json::object ToJson(const PromotionRecord& p) {
  boost::json::object o;
  o["id"] = p.rule.id;
  o["name"] = p.rule.name;
  o["kind"] = pricing::PromotionKindName(p.rule.kind);
  boost::json::array products;
  for (auto id : p.rule.product_ids) products.push_back(id);
  o["product_ids"] = std::move(products);
  if (p.rule.category_id) {
    o["category_id"] = *p.rule.category_id;
  } else {
    o["category_id"] = nullptr;
  }
  o["percent"] = p.rule.percent;
  o["buy_quantity"] = p.rule.buy_quantity;
  o["get_quantity"] = p.rule.get_quantity;
  boost::json::array bundle;
  for (const auto& b : p.rule.bundle) bundle.push_back({{"product_id", b.product_id}, {"quantity", b.quantity}});
  o["bundle"] = std::move(bundle);
  o["bundle_price_cents"] = p.rule.bundle_price_cents;
  o["starts_at"] = p.starts_at;
  if (p.ends_at) {
    o["ends_at"] = *p.ends_at;
  } else {
    o["ends_at"] = nullptr;
  }
  boost::json::array locations;
  for (auto id : p.location_ids) locations.push_back(id);
  o["location_ids"] = std::move(locations);
  o["online"] = p.online;
  o["active"] = p.active;
  o["created_at"] = p.created_at;
  o["updated_at"] = p.updated_at;
  return o;
}

PromotionQuery ParsePromotionQuery(const QueryParams& params) {
  PromotionQuery q;
  std::vector<FieldError> errors;
  for (const auto& [key, value] : params) {
    if (key == "location_id") {
      q.location_id = ParseId(value);
      if (!q.location_id) errors.push_back({key, "must be a positive integer"});
    } else if (key == "channel") {
      if (value == "online") {
        q.online = true;
      } else if (value == "store") {
        q.online = false;
      } else {
        errors.push_back({key, "must be online or store"});
      }
    } else if (key == "status") {
      if (value == "all") {
        q.all = true;
      } else if (value != "active") {
        errors.push_back({key, "must be active or all"});
      }
    }
  }
  if (!errors.empty()) throw ApiError::Validation("promotion.invalid_query", "invalid query parameters", std::move(errors));
  q.page = ParsePage(params, "promotion.invalid_query");
  return q;
}

}  // namespace comptoir::product
