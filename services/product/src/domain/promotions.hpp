#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "comptoir/pricing.hpp"
#include "domain/catalogue.hpp"

/// Automatic promotions (ADR 0141), owned by the catalogue: what the pricing engine applies, when it is in
/// force (a period), and where (a set of stores, and/or online).
namespace comptoir::product {

/// A promotion as stored and answered.
struct PromotionRecord {
  pricing::Promotion rule;
  std::string starts_at;                  ///< RFC 3339 UTC
  std::optional<std::string> ends_at;     ///< exclusive; none = until withdrawn
  std::vector<std::int64_t> location_ids;  ///< stores where it applies
  bool online = false;                     ///< applies to the online shop
  bool active = true;                      ///< false once withdrawn (DELETE)
  std::string created_at;
  std::string updated_at;
};

/// Validates a POST/PUT body (every field at once, 400 `promotion.invalid`): name, kind and its fields,
/// starts_at (RFC 3339), ends_at after it, at least one of location_ids (1..100) and online.
PromotionRecord ParsePromotionBody(const boost::json::value& body);

boost::json::object ToJson(const PromotionRecord& promotion);

/// Filter of GET /promotions: the ones in force now (default), for one store or online; staff
/// (manager/admin) may ask `status=all` to see withdrawn and past ones too.
struct PromotionQuery {
  std::optional<std::int64_t> location_id;
  std::optional<bool> online;  ///< channel=online
  bool all = false;            ///< status=all
  Page page;
};
PromotionQuery ParsePromotionQuery(const QueryParams& params);

}  // namespace comptoir::product
