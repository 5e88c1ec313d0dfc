#include "workflow/desk.hpp"

#include <exception>
#include <map>

#include <boost/json.hpp>

#include "api/json.hpp"
#include "comptoir/json.hpp"
#include "comptoir/log.hpp"
#include "comptoir/money.hpp"
#include "comptoir/service/idempotency.hpp"
#include "comptoir/service/outbox.hpp"

namespace comptoir::sales {
namespace {

constexpr const char* kSaleScope = "sales.sale";
constexpr const char* kReturnScope = "sales.return";
// Unique constraints that a concurrent duplicate of the same Idempotency-Key runs into.
constexpr std::string_view kSaleKeyConstraint = "sales_idempotency_key_key";
constexpr std::string_view kAnswerConstraint = "idempotency_keys_pkey";

bool IsDuplicateKey(const pg::PgError& e) {
  return e.IsUniqueViolation() && (e.constraint() == kSaleKeyConstraint || e.constraint() == kAnswerConstraint);
}

// A failure of inventory after which the movement may or may not have happened.
bool OutcomeUnknown(const ApiError& e) {
  return e.kind() == ErrorKind::kTimeout || e.kind() == ErrorKind::kUnavailable || e.kind() == ErrorKind::kInternal;
}

void RequireSeller(const auth::Principal& who, std::int64_t location_id, std::string_view action) {
  auth::RequireRole(who, {auth::Role::kCashier, auth::Role::kManager, auth::Role::kAdmin}, action);
  auth::RequireStaffAt(who, location_id, action);
}

ApiError Abandoned(const std::string& key) {
  return ApiError::Conflict("sales.key_abandoned", "the stock movement of Idempotency-Key " + key +
                                                       " was reversed after a failed attempt; retry with a new key");
}

}  // namespace

std::string SaleCompletedData(const Sale& sale) {
  boost::json::object data = ToJson(sale);
  data["channel"] = "store";
  return boost::json::serialize(data);
}

std::string SaleReturnedData(const SaleReturn& sale_return) {
  boost::json::object data = ToJson(sale_return);
  data["channel"] = "store";
  return boost::json::serialize(data);
}

void RequireVisible(const auth::Principal& who, std::int64_t sale_location_id, std::int64_t sale_id) {
  auth::RequireRole(who, {auth::Role::kCashier, auth::Role::kManager, auth::Role::kAdmin}, "see sales");
  if (!auth::SeesEverything(who) && who.location_id != sale_location_id) {
    throw ApiError::NotFound("sales.not_found", "no sale has id " + std::to_string(sale_id));
  }
}

boost::asio::awaitable<std::vector<SaleLine>> Desk::PriceLines(const http::Request& request, const SaleRequest& sale) {
  std::vector<std::pair<Product, std::int64_t>> scanned;
  std::vector<FieldError> unknown;
  for (std::size_t i = 0; i < sale.lines.size(); ++i) {
    const LineRequest& line = sale.lines[i];
    std::optional<Product> product;
    if (line.product_id) {
      product = co_await catalogue_.ById(request, *line.product_id);
    } else {
      product = co_await catalogue_.BySku(request, *line.sku);
    }
    const std::string what = line.product_id ? "product " + std::to_string(*line.product_id) : "SKU " + *line.sku;
    if (!product) {
      unknown.push_back({"lines[" + std::to_string(i) + "]", what + " does not exist"});
    } else if (!product->active) {
      unknown.push_back({"lines[" + std::to_string(i) + "]", what + " is archived"});
    } else {
      scanned.emplace_back(std::move(*product), line.quantity);
    }
  }
  if (!unknown.empty()) {
    // The detail is built before the field list is moved into the error (argument order is unspecified).
    std::string detail = unknown.front().field + ": " + unknown.front().message;
    throw ApiError(ErrorKind::kUnprocessable, "sales.unknown_product", std::move(detail), std::move(unknown));
  }
  co_return sales::PriceLines(scanned);
}

boost::asio::awaitable<void> Desk::CheckGiftCards(const SaleRequest& sale) {
  std::map<std::string, std::int64_t> wanted;
  for (const Payment& p : sale.payments) {
    if (p.method == Tender::kGiftCard) wanted[*p.gift_card_code] += p.amount_cents;
  }
  for (const auto& [code, amount] : wanted) {
    auto balance = co_await repository_.GiftCardBalance(code);
    if (!balance) {
      throw ApiError(ErrorKind::kUnprocessable, "sales.unknown_gift_card", "no gift card has code " + code,
                     {{"payments", "unknown gift card " + code}});
    }
    if (*balance < amount) {
      throw ApiError(ErrorKind::kUnprocessable, "sales.gift_card_insufficient",
                     "gift card " + code + " holds " + money::FormatCents(*balance) + " $, " +
                         money::FormatCents(amount) + " $ asked",
                     {{"payments", "gift card " + code + " balance is too low"}});
    }
  }
}

boost::asio::awaitable<http::Response> Desk::Sell(const http::Request& request, const auth::Principal& who) {
  const std::string key = service::RequireIdempotencyKey(request);
  SaleRequest input = ParseSaleBody(json::ParseBody(request.body));
  RequireSeller(who, input.location_id, "sell at this store");
  const std::string fingerprint = service::Fingerprint(request.body);
  if (auto answer = co_await service::FindAnswer(repository_.db(), kSaleScope, key, fingerprint)) {
    co_return service::ToResponse(*answer);
  }

  Sale sale;
  sale.location_id = input.location_id;
  sale.cashier_id = who.subject;
  sale.customer_id = input.customer_id;
  sale.register_session_id = input.register_session_id;
  sale.lines = co_await PriceLines(request, input);
  sale.totals = TotalsOfLines(sale.lines);
  const Settlement settlement = Settle(sale.totals.total_cents, input.payments);
  sale.cash_rounding_cents = settlement.cash_rounding_cents;
  sale.change_cents = settlement.change_cents;
  sale.payments = input.payments;
  // Refusals that need no stock are found before stock moves (and checked again in the transaction).
  co_await CheckGiftCards(input);
  if (input.register_session_id) {
    auto session = co_await repository_.FindSession(*input.register_session_id);
    if (!session || !session->open || session->location_id != input.location_id) {
      throw ApiError(
          ErrorKind::kUnprocessable, "sales.invalid_register_session",
          "register session " + std::to_string(*input.register_session_id) + " is not an open session of this store",
          {{"register_session_id", "must name an open register session of this location"}});
    }
  }

  const std::string stock_key = "sale:" + key;
  std::exception_ptr failure;
  StockMovement movement;
  try {
    movement = co_await stock_.Move(request, stock_key, sale.location_id, "sale", sale.lines, -1);
  } catch (const ApiError& e) {
    if (!OutcomeUnknown(e)) throw;  // inventory refused (409 insufficient stock, …): nothing moved
    failure = std::current_exception();
  }
  if (failure) {
    co_await stock_.Reverse(request, stock_key);  // a late arrival is then refused by inventory
    std::rethrow_exception(failure);
  }
  if (movement.reversed) throw Abandoned(key);

  bool duplicate = false;
  try {
    pg::Transaction tx = co_await repository_.db().Begin();
    if (sale.register_session_id) {
      co_await repository_.RequireOpenSession(tx, *sale.register_session_id, sale.location_id);
    }
    co_await repository_.InsertSale(tx, sale, settlement, key, stock_key);
    const std::string body = boost::json::serialize(ToJson(sale));
    service::Event event{"SaleCompleted", "sale", std::to_string(sale.id), SaleCompletedData(sale), request.request_id};
    co_await service::AppendEvent(tx, "sales", std::move(event));
    service::StoredAnswer answer{201, body};
    co_await service::SaveAnswer(tx, kSaleScope, key, fingerprint, answer);
    co_await tx.Commit();
    metrics_.Sold(sale);
    http::Response response = http::Response::Json(201, body);
    response.headers.Set("Location", "/api/v1/sales/" + std::to_string(sale.id));
    co_return response;
  } catch (const pg::PgError& e) {
    if (IsDuplicateKey(e)) {
      duplicate = true;
    } else {
      failure = std::current_exception();
    }
  } catch (...) {
    failure = std::current_exception();
  }
  if (duplicate) {
    // The same sale, sent twice at once: the winner recorded it with the same stock movement.
    if (auto answer = co_await service::FindAnswer(repository_.db(), kSaleScope, key, fingerprint)) {
      co_return service::ToResponse(*answer);
    }
    throw ApiError::Conflict("request.idempotency_key_in_use", "a request with this Idempotency-Key is in progress");
  }
  log::Warn("sale not recorded; reversing its stock movement", {{"key", stock_key}});
  co_await stock_.Reverse(request, stock_key);
  std::rethrow_exception(failure);
}

boost::asio::awaitable<http::Response> Desk::Return(const http::Request& request, const auth::Principal& who,
                                                    std::int64_t sale_id) {
  const std::string key = service::RequireIdempotencyKey(request);
  ReturnRequest input = ParseReturnBody(json::ParseBody(request.body));
  auth::RequireRole(who, {auth::Role::kCashier, auth::Role::kManager, auth::Role::kAdmin}, "take returns");
  auto found = co_await repository_.FindSale(sale_id);
  if (!found) throw ApiError::NotFound("sales.not_found", "no sale has id " + std::to_string(sale_id));
  RequireVisible(who, found->location_id, sale_id);
  RequireSeller(who, found->location_id, "take returns at this store");
  const std::string fingerprint = service::Fingerprint(std::to_string(sale_id) + "\n" + request.body);
  if (auto answer = co_await service::FindAnswer(repository_.db(), kReturnScope, key, fingerprint)) {
    co_return service::ToResponse(*answer);
  }

  SaleReturn ret;
  ret.sale_id = sale_id;
  ret.location_id = found->location_id;
  ret.cashier_id = who.subject;
  ret.register_session_id = input.register_session_id;
  ret.reason = input.reason;
  ret.refund_method = input.refund_method.value_or(DefaultRefundMethod(found->payments));
  if (ret.refund_method == Tender::kGiftCard) {
    for (const Payment& p : found->payments) {
      if (p.method == Tender::kGiftCard && !ret.gift_card_code) ret.gift_card_code = p.gift_card_code;
    }
    if (!ret.gift_card_code) {
      throw ApiError(ErrorKind::kUnprocessable, "sales.invalid_refund_method",
                     "a refund to a gift card needs a sale paid with one",
                     {{"refund_method", "the sale was not paid with a gift card"}});
    }
  }
  // Fails fast (nothing moved) when the return cannot be accepted; checked again under the lock.
  ComputeRefund(found->lines, found->returned_subtotal_cents, input.lines, ret.refund_method);

  const std::string stock_key = "return:" + key;
  std::exception_ptr failure;
  bool moved = false;
  bool duplicate = false;
  try {
    pg::Transaction tx = co_await repository_.db().Begin();
    // Returns of one sale are serialised on its row: sold minus returned is read under the lock.
    auto sale = co_await repository_.LockSale(tx, sale_id);
    if (auto answer = co_await service::FindAnswer(tx, kReturnScope, key, fingerprint)) {
      co_return service::ToResponse(*answer);  // a concurrent duplicate committed while we waited
    }
    ret.refund = ComputeRefund(sale->lines, sale->returned_subtotal_cents, input.lines, ret.refund_method);
    if (ret.register_session_id) {
      co_await repository_.RequireOpenSession(tx, *ret.register_session_id, ret.location_id);
    }
    StockMovement movement;
    try {
      movement = co_await stock_.Move(request, stock_key, ret.location_id, "return", ret.refund.lines, +1);
      moved = true;
    } catch (const ApiError& e) {
      if (OutcomeUnknown(e)) moved = true;  // may have happened: reverse below
      throw;
    }
    if (movement.reversed) {
      moved = false;
      throw Abandoned(key);
    }
    co_await repository_.InsertReturn(tx, ret, stock_key);
    const std::string body = boost::json::serialize(ToJson(ret));
    service::Event event{"SaleReturned", "sale", std::to_string(sale_id), SaleReturnedData(ret), request.request_id};
    co_await service::AppendEvent(tx, "sales", std::move(event));
    service::StoredAnswer answer{201, body};
    co_await service::SaveAnswer(tx, kReturnScope, key, fingerprint, answer);
    co_await tx.Commit();
    metrics_.Returned(ret);
    co_return http::Response::Json(201, body);
  } catch (const pg::PgError& e) {
    if (IsDuplicateKey(e)) {
      duplicate = true;
    } else {
      failure = std::current_exception();
    }
  } catch (...) {
    failure = std::current_exception();
  }
  if (duplicate) {
    if (auto answer = co_await service::FindAnswer(repository_.db(), kReturnScope, key, fingerprint)) {
      co_return service::ToResponse(*answer);
    }
    throw ApiError::Conflict("request.idempotency_key_in_use", "a request with this Idempotency-Key is in progress");
  }
  if (moved) {
    log::Warn("return not recorded; reversing its stock movement", {{"key", stock_key}});
    co_await stock_.Reverse(request, stock_key);
  }
  std::rethrow_exception(failure);
}

}  // namespace comptoir::sales
