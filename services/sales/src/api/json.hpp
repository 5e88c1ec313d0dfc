#pragma once
#include <string>

#include <boost/json/fwd.hpp>
#include <boost/json/object.hpp>

#include "domain/sales.hpp"

/// JSON mapping of the sales service: request bodies (every field error collected before failing with
/// 400 `request.validation_failed`) and answers.
namespace comptoir::sales {

SaleRequest ParseSaleBody(const boost::json::value& body);
ReturnRequest ParseReturnBody(const boost::json::value& body);

struct OpenSessionRequest {
  std::int64_t location_id = 0;
  std::string register_name;
  std::int64_t opening_float_cents = 0;
};
OpenSessionRequest ParseOpenSessionBody(const boost::json::value& body);
/// `counted_cash_cents` of POST /register-sessions/{id}/close.
std::int64_t ParseCloseSessionBody(const boost::json::value& body);

boost::json::object ToJson(const Sale& sale);
boost::json::object ToJson(const SaleReturn& sale_return);
boost::json::object ToJson(const RegisterSession& session);

/// The body as it is fingerprinted for Idempotency-Key (service::Fingerprint): without the gift card PINs.
std::string FingerprintText(const boost::json::value& body);

/// {"data": [...], "meta": {"page", "per_page", "total"}}
std::string ListJson(const boost::json::array& data, const Page& page, std::int64_t total);

}  // namespace comptoir::sales
