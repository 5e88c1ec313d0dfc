#include "workflow/desk.hpp"

#include <exception>
#include <map>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "api/json.hpp"
#include "comptoir/json.hpp"
#include "comptoir/log.hpp"
#include "comptoir/money.hpp"
#include "comptoir/service/idempotency.hpp"
#include "comptoir/service/outbox.hpp"
#include "domain/gift_card.hpp"
#include "workflow/recovery.hpp"

namespace comptoir::sales {
namespace {

constexpr const char* kSaleScope = "sales.sale";
constexpr std::int64_t kHeadOfficeLocationId = 7;  // DESIGN §7
constexpr const char* kReturnScope = "sales.return";
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

// Unique constraints that a concurrent duplicate of the same Idempotency-Key runs into.
bool IsDuplicateKey(const pg::PgError& e) {
  return e.IsUniqueViolation() &&
         (e.constraint() == "sales_idempotency_key_key" || e.constraint() == "idempotency_keys_pkey");
}

ApiError InUse() {
  return ApiError::Conflict("request.idempotency_key_in_use", "a request with this Idempotency-Key is in progress");
}

ApiError ApprovalRequired() {
  return ApiError(ErrorKind::kForbidden, "sales.manager_approval_required",
                  "refunding in cash what was paid by card, debit or gift card needs a manager's approval"
                  " (X-Manager-Token: a manager's or admin's token)");
}

// [{product_id, quantity}] as asked of inventory, for the stock intent.
std::string IntentLines(const std::vector<SaleLine>& lines, int sign) {
  boost::json::array out;
  for (const SaleLine& l : lines)
    out.push_back(boost::json::object{{"product_id", l.product_id}, {"quantity", sign * l.quantity}});
  return boost::json::serialize(out);
}

boost::asio::awaitable<void> Pause(std::chrono::milliseconds duration) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, duration);
  co_await timer.async_wait(boost::asio::use_awaitable);
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

boost::asio::awaitable<PricedSale> Desk::PriceLines(const http::Request& request, const SaleRequest& sale) {
  std::vector<Scanned> scanned;
  std::vector<FieldError> unknown;
  for (std::size_t i = 0; i < sale.lines.size(); ++i) {
    const LineRequest& line = sale.lines[i];
    std::optional<Product> product;
    if (line.product_id) {
      product = co_await catalogue_.ById(request, *line.product_id);
    } else if (line.sku) {
      product = co_await catalogue_.BySku(request, *line.sku);
    } else {
      // A scan: product answers 400 product.invalid_barcode for a wrong check digit (passed on as is), and for a
      // price-embedded code the product whose price is the embedded one (ADR 0170).
      product = co_await catalogue_.ByBarcode(request, *line.barcode);
    }
    const std::string what = line.product_id ? "product " + std::to_string(*line.product_id)
                             : line.sku      ? "SKU " + *line.sku
                                             : "barcode " + *line.barcode;
    if (!product) {
      unknown.push_back({"lines[" + std::to_string(i) + "]", what + " does not exist"});
    } else if (!product->active) {
      unknown.push_back({"lines[" + std::to_string(i) + "]", what + " is archived"});
    } else {
      scanned.push_back(Scanned{std::move(*product), line.quantity, line.discount, i});
    }
  }
  if (!unknown.empty()) {
    // The detail is built before the field list is moved into the error (argument order is unspecified).
    std::string detail = unknown.front().field + ": " + unknown.front().message;
    throw ApiError(ErrorKind::kUnprocessable, "sales.unknown_product", std::move(detail), std::move(unknown));
  }
  const std::vector<pricing::Promotion> promotions = co_await catalogue_.Promotions(request, sale.location_id);
  co_return PriceSale(scanned, promotions, settings_.discount_limit_percent);
}

std::string Desk::DiscountApproval(const http::Request& request, const auth::Principal& who, std::int64_t location_id,
                                   const PricedSale& priced) const {
  if (auth::SeesEverything(who)) return who.subject;  // a manager at the till approves their own discount
  auto header = request.headers.Get("X-Manager-Token");
  if (!header) {
    std::vector<FieldError> lines;
    for (std::size_t i : priced.above_limit) {
      lines.push_back({"lines[" + std::to_string(i) + "].discount",
                       "above " + std::to_string(settings_.discount_limit_percent) + " % of the line"});
    }
    throw ApiError(ErrorKind::kForbidden, "sales.discount_approval_required",
                   "a discount above " + std::to_string(settings_.discount_limit_percent) +
                       " % needs a manager's approval (X-Manager-Token: a manager's or admin's token)",
                   std::move(lines));
  }
  return ApprovingManager(*header, location_id);
}

std::string Desk::ApprovingManager(std::string_view header, std::int64_t location_id) const {
  std::string token(header);
  if (token.starts_with("Bearer ") || token.starts_with("bearer ")) token.erase(0, 7);
  http::Request probe;
  probe.headers.Set("Authorization", "Bearer " + token);
  auth::Principal manager;
  try {
    manager = verifier_.Authenticate(probe);
  } catch (const ApiError& e) {
    throw ApiError(ErrorKind::kForbidden, "sales.manager_approval_invalid",
                   "the manager's approval (X-Manager-Token) is not valid: " + e.detail());
  }
  if (!auth::SeesEverything(manager)) {
    throw ApiError(ErrorKind::kForbidden, "sales.manager_approval_invalid",
                   "X-Manager-Token must be a manager's or an admin's token");
  }
  // A manager bound to a location approves at that store or from head office only.
  if (manager.location_id && *manager.location_id != location_id && *manager.location_id != kHeadOfficeLocationId) {
    throw ApiError(ErrorKind::kForbidden, "sales.manager_approval_invalid",
                   "X-Manager-Token is a manager of another store");
  }
  return manager.subject;
}

boost::asio::awaitable<void> Desk::AuthorizeGiftCards(SaleRequest& sale) {
  // One PIN check per card (the first payment naming it gives the PIN), then its balance against everything
  // this sale takes from it. Errors never show a balance.
  struct Wanted {
    std::size_t first = 0;
    std::int64_t amount = 0;
    std::int64_t id = 0;
  };
  std::map<std::string, Wanted> cards;
  for (std::size_t i = 0; i < sale.payments.size(); ++i) {
    const Payment& p = sale.payments[i];
    if (p.method != Tender::kGiftCard) continue;
    auto [it, inserted] = cards.try_emplace(*p.gift_card_code, Wanted{i, 0, 0});
    it->second.amount += p.amount_cents;
  }
  for (auto& [code, wanted] : cards) {
    const Payment& first = sale.payments[wanted.first];
    wanted.id = co_await gift_cards_.Authorize(code, *first.gift_card_pin,
                                               "payments[" + std::to_string(wanted.first) + "].gift_card_code");
    auto card = co_await repository_.FindGiftCard(wanted.id);
    if (!card || card->balance_cents < wanted.amount) throw GiftCardInsufficient(wanted.first);
  }
  for (Payment& p : sale.payments) {
    if (p.method == Tender::kGiftCard) p.gift_card_id = cards.at(*p.gift_card_code).id;
  }
}

std::optional<std::string> Desk::ManagerApproval(const http::Request& request, const auth::Principal& who,
                                                 std::int64_t location_id) const {
  auto header = request.headers.Get("X-Manager-Token");
  if (!header) {
    if (auth::SeesEverything(who)) return who.subject;  // a manager at the till approves their own refund
    return std::nullopt;
  }
  return ApprovingManager(*header, location_id);
}

boost::asio::awaitable<void> Desk::Compensate(const http::Request& origin, const std::string& inventory_key) {
  try {
    if (!co_await repository_.StartCompensating(inventory_key)) co_return;  // recorded, or undone by another
    auto intent = co_await repository_.FindIntent(inventory_key);
    if (intent) co_await UndoIntent(repository_, stock_, *intent, origin);
  } catch (const std::exception& e) {
    log::Warn("stock movement left to the recovery pass", {{"key", inventory_key}, {"error", e.what()}});
  }
}

boost::asio::awaitable<http::Response> Desk::AwaitFirst(const char* scope, const std::string& key,
                                                        const std::string& fingerprint,
                                                        const std::string& inventory_key) {
  const auto deadline = std::chrono::steady_clock::now() + settings_.duplicate_wait;
  for (;;) {
    if (auto answer = co_await service::FindAnswer(repository_.db(), scope, key, fingerprint)) {
      co_return service::ToResponse(*answer);
    }
    auto intent = co_await repository_.FindIntent(inventory_key);
    if (intent && intent->state == "reversed") throw Abandoned(key);
    if (!intent) {
      // Gone: recorded just now (its answer went in the same transaction), or refused with nothing moved.
      if (auto answer = co_await service::FindAnswer(repository_.db(), scope, key, fingerprint)) {
        co_return service::ToResponse(*answer);
      }
      throw InUse();  // the first attempt was refused; this one may be sent again
    }
    if (std::chrono::steady_clock::now() >= deadline) throw InUse();
    co_await Pause(std::chrono::milliseconds(50));
  }
}

boost::asio::awaitable<StockMovement> Desk::MoveSaleStock(const http::Request& request, const std::string& stock_key,
                                                          Sale& sale) {
  if (!sale.offline) co_return co_await stock_.Move(request, stock_key, sale.location_id, "sale", sale.lines, -1);
  // ADR 0090: the goods of an offline sale have left the store. When the ledger is short, the sale takes
  // what the store has and records the rest per line; another till may take stock in between, so the
  // split is taken again a few times before giving up with inventory's refusal.
  for (int attempt = 0;; ++attempt) {
    try {
      const std::vector<SaleLine> covered = CoveredLines(sale.lines);
      if (covered.empty()) co_return StockMovement{stock_key, false};
      co_return co_await stock_.Move(request, stock_key, sale.location_id, "sale", covered, -1);
    } catch (const ApiError& e) {
      if (e.code() != "inventory.insufficient_stock" || attempt == 3) throw;
    }
    MarkShortLines(sale.lines, co_await stock_.Available(request, sale.location_id, sale.lines));
  }
}

boost::asio::awaitable<http::Response> Desk::Sell(const http::Request& request, const auth::Principal& who) {
  const std::string key = service::RequireIdempotencyKey(request);
  const boost::json::value body = json::ParseBody(request.body);
  SaleRequest input = ParseSaleBody(body);
  RequireSeller(who, input.location_id, "sell at this store");
  // The PINs are not part of the fingerprint: it is stored, and a 6-digit PIN under a hash is no secret.
  const std::string fingerprint = service::Fingerprint(FingerprintText(body));
  if (auto answer = co_await service::FindAnswer(repository_.db(), kSaleScope, key, fingerprint)) {
    co_return service::ToResponse(*answer);
  }

  if (settings_.require_register_session && !input.register_session_id) {
    throw ApiError(ErrorKind::kUnprocessable, "sales.register_session_required",
                   "a store sale is rung on an open register session (ADR 0151)",
                   {{"register_session_id", "is required: open the register first"}});
  }

  Sale sale;
  sale.location_id = input.location_id;
  sale.cashier_id = who.subject;
  sale.customer_id = input.customer_id;
  sale.register_session_id = input.register_session_id;
  PricedSale priced = co_await PriceLines(request, input);
  if (!priced.above_limit.empty()) {
    sale.discount_approved_by = DiscountApproval(request, who, input.location_id, priced);
  }
  sale.lines = std::move(priced.lines);
  sale.totals = priced.totals;
  sale.promotions = std::move(priced.promotions);
  // Gift cards loaded by the sale are outside the taxable subtotal, inside the total (ADR 0152).
  for (GiftCardLoad load : input.gift_cards) {
    auto card = co_await repository_.FindGiftCardByCode(load.gift_card_code);
    if (!card) throw GiftCardRefused("lines[" + std::to_string(load.line_index) + "].gift_card_code");
    load.gift_card_id = card->id;
    sale.gift_card_cents += load.amount_cents;
    sale.gift_card_loads.push_back(std::move(load));
  }
  sale.totals.total_cents += sale.gift_card_cents;
  const Settlement settlement = Settle(sale.totals.total_cents, input.payments);
  sale.cash_rounding_cents = settlement.cash_rounding_cents;
  sale.change_cents = settlement.change_cents;
  sale.cash_taken_cents = settlement.cash_taken_cents();
  // Refusals that need no stock are found before stock moves (and checked again in the transaction).
  if (input.register_session_id) {
    auto session = co_await repository_.FindSession(*input.register_session_id);
    // An offline sale replayed after its session closed is kept, outside the Z (ADR 0151).
    if (!session || (!session->open && !input.offline) || session->location_id != input.location_id) {
      throw ApiError(
          ErrorKind::kUnprocessable, "sales.invalid_register_session",
          "register session " + std::to_string(*input.register_session_id) + " is not an open session of this store",
          {{"register_session_id", "must name an open register session of this location"}});
    }
  }
  co_await AuthorizeGiftCards(input);
  sale.payments = input.payments;

  const std::string stock_key = "sale:" + key;
  sale.offline = input.offline;
  // A sale of gift cards only moves no stock: no intent, straight to the transaction.
  const bool moves_stock = !sale.lines.empty();
  std::exception_ptr failure;
  if (moves_stock) {
    StockIntent intent{stock_key,    "sale",       sale.location_id,           who.subject,
                       std::nullopt, std::nullopt, IntentLines(sale.lines, -1)};
    if (!co_await repository_.ClaimIntent(intent)) {
      co_return co_await AwaitFirst(kSaleScope, key, fingerprint, stock_key);
    }
    // The claim may have waited for a first request that has just recorded the sale (its intent went in the
    // same transaction as its answer): then that answer is the answer, and nothing moves again.
    if (auto answer = co_await service::FindAnswer(repository_.db(), kSaleScope, key, fingerprint)) {
      co_await repository_.DropMovingIntent(stock_key);
      co_return service::ToResponse(*answer);
    }

    bool unknown = false;
    StockMovement movement;
    try {
      movement = co_await MoveSaleStock(request, stock_key, sale);
    } catch (const ApiError& e) {
      unknown = OutcomeUnknown(e);  // a timeout may still arrive: reversed (a tombstone refuses it)
      failure = std::current_exception();
    }
    if (failure) {
      if (unknown) {
        co_await Compensate(request, stock_key);
      } else {
        co_await repository_.DropMovingIntent(stock_key);  // refused (409 short stock, …): nothing moved
      }
      std::rethrow_exception(failure);
    }
    if (movement.reversed) {
      co_await Compensate(request, stock_key);
      throw Abandoned(key);
    }
  }

  bool taken_over = false;
  bool duplicate = false;
  try {
    pg::Transaction tx = co_await repository_.db().Begin();
    // The intent goes with the sale: if the recovery pass took it over (this request stalled for longer
    // than recovery_stale_ms), nothing is recorded.
    if (moves_stock && !co_await repository_.DropMovingIntent(tx, stock_key)) {
      taken_over = true;
    } else {
      if (sale.register_session_id) {
        sale.after_close =
            co_await repository_.RequireOpenSession(tx, *sale.register_session_id, sale.location_id, sale.offline);
      }
      co_await repository_.InsertSale(tx, sale, settlement, key, stock_key, input.occurred_at);
      const std::string answer_body = boost::json::serialize(ToJson(sale));
      service::Event event{"SaleCompleted", "sale", std::to_string(sale.id), SaleCompletedData(sale),
                           request.request_id};
      co_await service::AppendEvent(tx, "sales", std::move(event));
      service::StoredAnswer answer{201, answer_body};
      co_await service::SaveAnswer(tx, kSaleScope, key, fingerprint, answer);
      co_await tx.Commit();
      metrics_.Sold(sale);
      http::Response response = http::Response::Json(201, answer_body);
      response.headers.Set("Location", "/api/v1/sales/" + std::to_string(sale.id));
      co_return response;
    }
  } catch (const pg::PgError& e) {
    duplicate = IsDuplicateKey(e);
    failure = std::current_exception();
  } catch (...) {
    failure = std::current_exception();
  }
  if (taken_over) throw Abandoned(key);
  if (duplicate) {
    // Recorded by another request with the same key and the same movement: never reverse that one.
    co_await repository_.DropMovingIntent(stock_key);
    if (auto answer = co_await service::FindAnswer(repository_.db(), kSaleScope, key, fingerprint)) {
      co_return service::ToResponse(*answer);
    }
    throw InUse();
  }
  log::Warn("sale not recorded; reversing its stock movement", {{"key", stock_key}});
  co_await Compensate(request, stock_key);
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
  // Everything else is decided under the sale's lock (the sale read above may be changing: its lines and
  // payments are not read in one snapshot).
  const std::optional<std::string> approver = ManagerApproval(request, who, found->location_id);

  SaleReturn ret;
  ret.sale_id = sale_id;
  ret.location_id = found->location_id;
  ret.cashier_id = who.subject;
  ret.register_session_id = input.register_session_id;
  ret.reason = input.reason;
  const std::string stock_key = "return:" + key;

  // 1. Reserve, under a short lock of the sale: what is returned and refunded counts at once for any other
  //    return of the sale, and the intent is written — no lock is held across the inventory call.
  bool duplicate = false;
  {
    pg::Transaction tx = co_await repository_.db().Begin();
    auto sale = co_await repository_.LockSale(tx, sale_id);
    // A duplicate of a return in progress (its quantities are reserved already: it would not fit again).
    // Its intent was committed before this transaction got the sale's lock. The intent is read before the
    // answer: a first request completes by dropping its intent and saving its answer in one transaction,
    // which may commit between two reads here (completion does not take the sale's lock), so with no
    // intent seen, its answer is visible if it exists.
    auto existing = co_await repository_.FindIntent(tx, stock_key);
    duplicate = existing.has_value();
    if (!duplicate) {
      if (auto answer = co_await service::FindAnswer(tx, kReturnScope, key, fingerprint)) {
        co_return service::ToResponse(*answer);  // a concurrent duplicate completed while we waited
      }
      ret.refund = ComputeRefund(*sale, input.lines, input.in_cash);
      if (NeedsManagerApproval(ret.refund)) {
        if (!approver) throw ApprovalRequired();
        ret.approved_by = approver;
      }
      ret.refund_method = RefundMethodOf(ret.refund, sale->payments);
      if (ret.register_session_id) {
        co_await repository_.RequireOpenSession(tx, *ret.register_session_id, ret.location_id);
      }
      co_await repository_.ReserveReturn(tx, ret, stock_key);
      StockIntent intent{
          stock_key, "return", ret.location_id, who.subject, sale_id, ret.id, IntentLines(ret.refund.lines, +1)};
      if (!co_await repository_.ClaimIntent(tx, intent)) {
        duplicate = true;  // the same key is in progress (or was undone): nothing of this attempt is kept
      } else if (auto answer = co_await service::FindAnswer(tx, kReturnScope, key, fingerprint)) {
        co_return service::ToResponse(*answer);  // the claim waited for a first request that completed it
      } else {
        co_await tx.Commit();
      }
    }
  }
  if (duplicate) co_return co_await AwaitFirst(kReturnScope, key, fingerprint, stock_key);

  // 2. Stock back through inventory, with no transaction open.
  std::exception_ptr failure;
  bool unknown = false;
  StockMovement movement;
  try {
    movement = co_await stock_.Move(request, stock_key, ret.location_id, "return", ret.refund.lines, +1);
  } catch (const ApiError& e) {
    unknown = OutcomeUnknown(e);
    failure = std::current_exception();
  }
  if (failure || movement.reversed) {
    if (failure && !unknown) {
      // Refused: nothing moved; the reservation goes and the key may be used again.
      pg::Transaction tx = co_await repository_.db().Begin();
      if (co_await repository_.DropMovingIntent(tx, stock_key)) {
        co_await repository_.CancelReturn(tx, ret.id);
        co_await tx.Commit();
      }
    } else {
      co_await Compensate(request, stock_key);
    }
    if (failure) std::rethrow_exception(failure);
    throw Abandoned(key);
  }

  // 3. Complete: the return counts, gift cards are credited, the event and the answer are written.
  bool taken_over = false;
  try {
    pg::Transaction tx = co_await repository_.db().Begin();
    if (!co_await repository_.DropMovingIntent(tx, stock_key)) {
      taken_over = true;
    } else {
      if (ret.register_session_id) {
        co_await repository_.RequireOpenSession(tx, *ret.register_session_id, ret.location_id);
      }
      co_await repository_.CompleteReturn(tx, ret);
      const std::string answer_body = boost::json::serialize(ToJson(ret));
      service::Event event{"SaleReturned", "sale", std::to_string(sale_id), SaleReturnedData(ret), request.request_id};
      co_await service::AppendEvent(tx, "sales", std::move(event));
      service::StoredAnswer answer{201, answer_body};
      co_await service::SaveAnswer(tx, kReturnScope, key, fingerprint, answer);
      co_await tx.Commit();
      metrics_.Returned(ret);
      co_return http::Response::Json(201, answer_body);
    }
  } catch (...) {
    failure = std::current_exception();
  }
  if (taken_over) throw Abandoned(key);
  // (Only the owner of the intent gets here, and it re-checked the answers after claiming it: a duplicate
  // answer cannot be saved first, so a failure now is this return's own.)
  log::Warn("return not recorded; reversing its stock movement", {{"key", stock_key}});
  co_await Compensate(request, stock_key);
  std::rethrow_exception(failure);
}

}  // namespace comptoir::sales
