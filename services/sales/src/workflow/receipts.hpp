#pragma once
#include <cstdint>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "comptoir/auth/auth.hpp"
#include "comptoir/config.hpp"
#include "comptoir/http/message.hpp"
#include "comptoir/receipt/document.hpp"
#include "comptoir/receipt/render.hpp"
#include "peers/locations.hpp"
#include "storage/receipts.hpp"
#include "storage/repository.hpp"

namespace comptoir::sales {

/// What a receipt says of the chain (configuration `sales.receipt.*`, formats checked at start).
struct ReceiptSettings {
  receipt::Issuer issuer{"Comptoir", "123456789 RT0001", "1234567890 TQ0001"};
};
ReceiptSettings LoadReceiptSettings(config::Source& source);

/// Receipts of sales (ADR 0160): the document of a sale (its store's header from inventory), rendered in a
/// format; lookups by id and by receipt number; e-mails queued for the mailer (ADR 0161).
class Receipts {
 public:
  Receipts(Repository& repository, ReceiptStore& store, Locations& locations, ReceiptSettings settings)
      : repository_(repository), store_(store), locations_(locations), settings_(std::move(settings)) {}

  /// The document of `sale`; `copy` marks a reprint.
  boost::asio::awaitable<receipt::Document> DocumentOf(const http::Request& origin, const Sale& sale, bool copy);

  /// GET /sales/{id}/receipt and GET /receipts/{number}: `format` (text40 default, text48, html, escpos) and
  /// `reprint` (true|false) from the query. The sale is seen by its store's cashiers, managers and admins.
  boost::asio::awaitable<http::Response> ById(const http::Request& request, const auth::Principal& who,
                                              std::int64_t sale_id);
  boost::asio::awaitable<http::Response> ByNumber(const http::Request& request, const auth::Principal& who,
                                                  std::string receipt_number);
  /// POST /sales/{id}/receipt/email `{to, reprint?}`: 202 with the queued e-mail; `Idempotency-Key` optional.
  boost::asio::awaitable<http::Response> Email(const http::Request& request, const auth::Principal& who,
                                               std::int64_t sale_id);
  /// The `receipt_email` of a POST /sales body, taken out of the body (the desk does not know it): 400
  /// `request.validation_failed` on `receipt_email` when it is not an address. nullopt when absent, or when the
  /// body is not a JSON object (the desk answers that).
  static std::optional<std::string> TakeSaleEmail(http::Request& request);
  /// After a sale answered 201: queues its receipt e-mail (keyed by the sale's Idempotency-Key, so a retried sale
  /// queues nothing more) and adds `receipt_email` (the queued e-mail, or null) to the answer. Never throws: the
  /// sale is made whatever happens here.
  boost::asio::awaitable<void> QueueAfterSale(const http::Request& request, const auth::Principal& who,
                                              http::Response& response, std::string to);
  /// GET /sales/{id}/receipt/emails: every e-mail of the sale with its status, attempts and last error.
  boost::asio::awaitable<http::Response> Emails(const http::Request& request, const auth::Principal& who,
                                                std::int64_t sale_id);

 private:
  boost::asio::awaitable<Sale> VisibleSale(const auth::Principal& who, std::int64_t sale_id);
  boost::asio::awaitable<http::Response> Rendered(const http::Request& request, const Sale& sale);

  Repository& repository_;
  ReceiptStore& store_;
  Locations& locations_;
  ReceiptSettings settings_;
};

/// The answer of an e-mail row.
boost::json::object ToJson(const ReceiptEmail& email);

}  // namespace comptoir::sales
