#include "workflow/receipts.hpp"

#include <boost/json.hpp>

#include "api/json.hpp"
#include "comptoir/json.hpp"
#include "comptoir/log.hpp"
#include "comptoir/receipt/settings.hpp"
#include "domain/receipt_mail.hpp"
#include "workflow/desk.hpp"

namespace comptoir::sales {
namespace {

struct ReceiptQuery {
  receipt::Format format = receipt::Format::kText40;
  bool copy = false;
};

// 400 `sales.invalid_query` naming every bad parameter.
ReceiptQuery ParseReceiptQuery(const http::Request& request) {
  ReceiptQuery query;
  std::vector<FieldError> errors;
  for (const auto& [key, value] : request.QueryParams()) {
    if (key == "format") {
      auto format = receipt::ParseFormat(value);
      if (!format) {
        errors.push_back({key, "must be text40, text48, html or escpos"});
      } else {
        query.format = *format;
      }
    } else if (key == "reprint") {
      if (value != "true" && value != "false") {
        errors.push_back({key, "must be true or false"});
      } else {
        query.copy = value == "true";
      }
    } else {
      errors.push_back({key, "unknown parameter"});
    }
  }
  if (!errors.empty()) throw ApiError::Validation("sales.invalid_query", "invalid query parameters", std::move(errors));
  return query;
}

ApiError ReceiptNotFound(std::string_view number) {
  return ApiError::NotFound("sales.receipt_not_found", "no receipt has number " + std::string(number));
}

}  // namespace

ReceiptSettings LoadReceiptSettings(config::Source& source) {
  return ReceiptSettings{receipt::LoadIssuer(source, "sales.receipt")};
}

boost::json::object ToJson(const ReceiptEmail& e) {
  boost::json::object o;
  o["id"] = e.id;
  o["sale_id"] = e.sale_id;
  o["to"] = e.recipient;
  o["reprint"] = e.copy;
  o["status"] = e.status;
  o["attempts"] = e.attempts;
  o["last_error"] = e.last_error ? boost::json::value(*e.last_error) : boost::json::value(nullptr);
  o["next_attempt_at"] = e.status == "queued" ? boost::json::value(e.next_attempt_at) : boost::json::value(nullptr);
  o["sent_at"] = e.sent_at ? boost::json::value(*e.sent_at) : boost::json::value(nullptr);
  o["requested_by"] = e.requested_by;
  o["created_at"] = e.created_at;
  return o;
}

boost::asio::awaitable<receipt::Document> Receipts::DocumentOf(const http::Request& origin, const Sale& sale,
                                                               bool copy) {
  receipt::Store store = co_await locations_.Find(origin, sale.location_id);
  receipt::Document doc = receipt::FromJson(ToJson(sale), settings_.issuer, std::move(store));
  doc.copy = copy;
  co_return doc;
}

boost::asio::awaitable<Sale> Receipts::VisibleSale(const auth::Principal& who, std::int64_t sale_id) {
  auto sale = co_await repository_.FindSale(sale_id);
  if (!sale) throw ApiError::NotFound("sales.not_found", "no sale has id " + std::to_string(sale_id));
  RequireVisible(who, sale->location_id, sale_id);
  co_return std::move(*sale);
}

boost::asio::awaitable<http::Response> Receipts::Rendered(const http::Request& request, const Sale& sale) {
  ReceiptQuery query = ParseReceiptQuery(request);
  receipt::Document doc = co_await DocumentOf(request, sale, query.copy);
  http::Response response = http::Response::Text(200, receipt::Render(doc, query.format),
                                                  receipt::ContentType(query.format));
  response.headers.Set("Cache-Control", "no-store");  // personal data, and a reprint differs from the original
  response.headers.Set("X-Receipt-Number", sale.receipt_number);
  if (query.format == receipt::Format::kEscPos) {
    response.headers.Set("Content-Disposition", "attachment; filename=\"" + sale.receipt_number + ".bin\"");
  }
  co_return response;
}

boost::asio::awaitable<http::Response> Receipts::ById(const http::Request& request, const auth::Principal& who,
                                                      std::int64_t sale_id) {
  ParseReceiptQuery(request);  // a bad query is a 400 before anything is looked up
  Sale sale = co_await VisibleSale(who, sale_id);
  co_return co_await Rendered(request, sale);
}

boost::asio::awaitable<http::Response> Receipts::ByNumber(const http::Request& request, const auth::Principal& who,
                                                          std::string receipt_number) {
  ParseReceiptQuery(request);
  auth::RequireRole(who, {auth::Role::kCashier, auth::Role::kManager, auth::Role::kAdmin}, "see receipts");
  if (receipt_number.empty() || receipt_number.size() > 32) throw ReceiptNotFound(receipt_number);
  auto id = co_await store_.SaleIdByNumber(receipt_number);
  if (!id) throw ReceiptNotFound(receipt_number);
  auto sale = co_await repository_.FindSale(*id);
  // Another store's receipt is unknown to a cashier, as its sale is.
  if (!sale || (!auth::SeesEverything(who) && who.location_id != sale->location_id)) {
    throw ReceiptNotFound(receipt_number);
  }
  co_return co_await Rendered(request, *sale);
}

boost::asio::awaitable<http::Response> Receipts::Email(const http::Request& request, const auth::Principal& who,
                                                       std::int64_t sale_id) {
  boost::json::value body = json::ParseBody(request.body);
  json::ObjectReader reader(body);
  auto to = reader.String("to", true, 3, 254);
  auto reprint = reader.Bool("reprint", false);
  reader.RejectUnknown({"to", "reprint"});
  if (to && !IsMailAddress(*to)) reader.Fail("to", "must be an e-mail address (name@domain.tld)");
  std::optional<std::string> key;
  if (auto header = request.headers.Get("Idempotency-Key")) {
    if (header->empty() || header->size() > 200) reader.Fail("Idempotency-Key", "must be 1 to 200 characters");
    key = "receipt-email:" + who.subject + ":" + std::string(*header);
  }
  reader.ThrowIfErrors();
  Sale sale = co_await VisibleSale(who, sale_id);
  ReceiptStore::Queued queued =
      co_await store_.Enqueue(sale.id, *to, reprint.value_or(false), who.subject, std::move(key));
  http::Response response = http::Response::Json(202, boost::json::serialize(ToJson(queued.email)));
  response.headers.Set("Location", "/api/v1/sales/" + std::to_string(sale.id) + "/receipt/emails");
  co_return response;
}

std::optional<std::string> Receipts::TakeSaleEmail(http::Request& request) {
  boost::system::error_code ec;
  boost::json::value body = boost::json::parse(request.body, ec);
  if (ec || !body.is_object()) return std::nullopt;
  auto& o = body.as_object();
  auto* field = o.if_contains("receipt_email");
  if (field == nullptr) return std::nullopt;
  if (!field->is_string() || !IsMailAddress(field->as_string())) {
    throw ApiError::Validation("request.validation_failed", "invalid request body",
                               {{"receipt_email", "must be an e-mail address (name@domain.tld)"}});
  }
  std::string to(field->as_string());
  o.erase("receipt_email");
  request.body = boost::json::serialize(body);
  return to;
}

boost::asio::awaitable<void> Receipts::QueueAfterSale(const http::Request& request, const auth::Principal& who,
                                                      http::Response& response, std::string to) {
  boost::json::value queued = nullptr;
  std::int64_t sale_id = 0;
  try {
    boost::json::value answer = boost::json::parse(response.body);
    sale_id = answer.at("id").to_number<std::int64_t>();
    std::optional<std::string> key;
    if (auto header = request.headers.Get("Idempotency-Key")) key = "sale-receipt:" + std::string(*header);
    ReceiptStore::Queued q = co_await store_.Enqueue(sale_id, std::move(to), false, who.subject, std::move(key));
    queued = ToJson(q.email);
    answer.as_object()["receipt_email"] = std::move(queued);
    response.body = boost::json::serialize(answer);
  } catch (const std::exception& e) {
    // The sale stands; the cashier can send the receipt again from GET /sales/{id}/receipt/email.
    log::Warn("receipt e-mail of a sale not queued", {{"sale_id", std::to_string(sale_id)}, {"error", e.what()}});
  }
}

boost::asio::awaitable<http::Response> Receipts::Emails(const http::Request& request, const auth::Principal& who,
                                                        std::int64_t sale_id) {
  Sale sale = co_await VisibleSale(who, sale_id);
  std::vector<ReceiptEmail> emails = co_await store_.ListEmails(sale.id);
  boost::json::array data;
  for (const ReceiptEmail& e : emails) data.push_back(ToJson(e));
  Page page{1, static_cast<std::int64_t>(std::max<std::size_t>(emails.size(), 1))};
  co_return http::Response::Json(200, ListJson(data, page, static_cast<std::int64_t>(emails.size())));
}

}  // namespace comptoir::sales
