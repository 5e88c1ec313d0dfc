#include "api/handlers.hpp"

#include <array>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "comptoir/auth/service_policy.hpp"
#include "comptoir/error.hpp"
#include "comptoir/http/server.hpp"
#include "comptoir/json.hpp"
#include "comptoir/log.hpp"
#include "comptoir/service/idempotency.hpp"

namespace comptoir::payment {
namespace {

namespace asio = boost::asio;
using asio::awaitable;
using http::Method;

constexpr std::array kRoutes{
    RouteEntry{Method::kPost, "/api/v1/payments/charges", &Handlers::CreateCharge},
    RouteEntry{Method::kGet, "/api/v1/payments/charges", &Handlers::ListCharges},
    RouteEntry{Method::kGet, "/api/v1/payments/charges/{id}", &Handlers::GetCharge},
    RouteEntry{Method::kPost, "/api/v1/payments/charges/{id}/refund", &Handlers::RefundCharge},
};

#define COMPTOIR_CHARGE_COLUMNS                                                        \
  "id::text, status, amount_cents, currency, reference, card_last4, refund_requested," \
  " f_rfc3339(created_at), f_rfc3339(updated_at), f_rfc3339(refunded_at), fingerprint"

// $1 id, $2 key, $3 fingerprint, $4 amount, $5 currency, $6 reference, $7 last4, $8 status.
constexpr pg::Statement kInsertCharge{
    "payment.charges.insert",
    "INSERT INTO charges (id, idempotency_key, fingerprint, amount_cents, currency, reference, card_last4, status)"
    " VALUES ($1::uuid, $2, $3, $4::bigint, $5, $6, $7, $8) ON CONFLICT (idempotency_key) DO NOTHING"
    " RETURNING " COMPTOIR_CHARGE_COLUMNS};
constexpr pg::Statement kChargeByKey{"payment.charges.by_key",
                                     "SELECT " COMPTOIR_CHARGE_COLUMNS " FROM charges WHERE idempotency_key = $1"};
constexpr pg::Statement kChargeById{"payment.charges.by_id",
                                    "SELECT " COMPTOIR_CHARGE_COLUMNS " FROM charges WHERE id = $1::uuid"};
constexpr pg::Statement kLockCharge{"payment.charges.lock",
                                    "SELECT " COMPTOIR_CHARGE_COLUMNS " FROM charges WHERE id = $1::uuid FOR UPDATE"};
constexpr pg::Statement kListByReference{"payment.charges.by_reference",
                                         "SELECT " COMPTOIR_CHARGE_COLUMNS
                                         ", count(*) OVER () FROM charges WHERE reference = $1"
                                         " ORDER BY created_at, id LIMIT $2::bigint OFFSET $3::bigint"};
constexpr pg::Statement kCountByReference{"payment.charges.count_by_reference",
                                          "SELECT count(*) FROM charges WHERE reference = $1"};
constexpr pg::Statement kRefund{
    "payment.charges.refund",
    "UPDATE charges SET status = 'refunded', refunded_at = now(), updated_at = now() WHERE id = $1::uuid"
    " RETURNING " COMPTOIR_CHARGE_COLUMNS};
constexpr pg::Statement kAskRefund{"payment.charges.ask_refund",
                                   "UPDATE charges SET refund_requested = true, updated_at = now() WHERE id = $1::uuid"
                                   " RETURNING " COMPTOIR_CHARGE_COLUMNS};
// The late successes whose time has come (or their refund, when one was asked meanwhile); $1 the delay in ms.
constexpr pg::Statement kCompleteDue{
    "payment.charges.complete_due",
    "UPDATE charges SET status = CASE WHEN refund_requested THEN 'refunded' ELSE 'succeeded' END,"
    " refunded_at = CASE WHEN refund_requested THEN now() END, updated_at = now()"
    " WHERE status = 'pending' AND created_at <= now() - make_interval(secs => $1::bigint / 1000.0)"};

struct Charge {
  std::string id;
  ChargeStatus status = ChargeStatus::kPending;
  boost::json::object json;
  std::string fingerprint;
};

Charge ChargeOf(const pg::Row& row) {
  Charge c;
  c.id = row.Text(0);
  c.status = ParseStatus(row.Text(1)).value_or(ChargeStatus::kPending);
  c.fingerprint = row.Text(10);
  auto refunded_at = row.OptText(9);
  c.json = boost::json::object{{"id", c.id},
                               {"status", row.Text(1)},
                               {"amount_cents", row.Int(2)},
                               {"currency", row.Text(3)},
                               {"reference", row.Text(4)},
                               {"card_last4", row.Text(5)},
                               {"refund_requested", row.Bool(6)},
                               {"created_at", row.Text(7)},
                               {"updated_at", row.Text(8)}};
  c.json["refunded_at"] = refunded_at ? boost::json::value(*refunded_at) : boost::json::value(nullptr);
  return c;
}

ApiError ChargeNotFound(std::string_view id) {
  return ApiError::NotFound("payment.charge_not_found", "no charge has id " + std::string(id));
}

bool IsUuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? c != '-' : !std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

ApiError Declined() {
  return ApiError(ErrorKind::kPaymentRequired, "payment.card_declined", "the card was declined by its issuer");
}

// The answer a charge gives to its creation request (and to a replay of it).
http::Response CreationAnswer(const Charge& charge) {
  switch (charge.status) {
    case ChargeStatus::kDeclined:
      throw Declined();
    case ChargeStatus::kPending:
      throw ApiError::Conflict("payment.charge_pending",
                               "the charge is still being processed; list the charges of its reference later");
    default:
      return http::Response::Json(201, boost::json::serialize(charge.json));
  }
}

std::int64_t QueryInt(const http::Request& request, std::string_view name, std::int64_t fallback, std::int64_t min,
                      std::int64_t max, std::vector<FieldError>& errors) {
  auto text = request.Query(name);
  if (!text) return fallback;
  try {
    std::size_t used = 0;
    long long v = std::stoll(*text, &used);
    if (used == text->size() && v >= min && v <= max) return v;
  } catch (const std::exception&) {
  }
  errors.push_back(
      {std::string(name), "must be an integer from " + std::to_string(min) + " to " + std::to_string(max)});
  return fallback;
}

}  // namespace

ChargeRequest ParseChargeBody(const boost::json::value& body) {
  json::ObjectReader reader(body);
  ChargeRequest charge;
  charge.amount_cents = reader.Int("amount_cents", true, 1, 100'000'000).value_or(0);
  charge.currency = reader.String("currency", true, 3, 3).value_or("");
  if (!charge.currency.empty() && charge.currency != "CAD") reader.Fail("currency", "only CAD is accepted");
  charge.reference = reader.String("reference", true, 1, 200).value_or("");
  bool others_ok = reader.ok();
  std::size_t before = reader.errors().size();
  auto card = reader.String("card_number", true, 1, 19);
  if (card && !IsValidCardNumber(*card)) {
    reader.Fail("card_number", "is not a valid card number (12 to 19 digits passing the Luhn check)");
  }
  charge.card_number = card.value_or("");
  bool card_ok = reader.errors().size() == before;
  reader.RejectUnknown({"amount_cents", "currency", "card_number", "reference"});
  if (others_ok && !card_ok && reader.errors().size() == 1) reader.ThrowIfErrors("payment.invalid_card");
  reader.ThrowIfErrors();
  return charge;
}

std::span<const RouteEntry> Routes() {
  return kRoutes;
}

void AddRoutes(http::Router& router, Handlers& handlers) {
  for (const RouteEntry& route : kRoutes) {
    auto member = route.handler;
    router.Add(route.method, std::string(route.pattern),
               [&handlers, member](http::Request& request) { return (handlers.*member)(request); });
  }
}

void Handlers::RequireOrder(http::Request& request, std::string_view scope, std::string_view action) const {
  auth::RequireService(verifier_.Authenticate(request), "order", scope, action);
}

awaitable<http::Response> Handlers::CreateCharge(http::Request& request) {
  RequireOrder(request, auth::scope::kCharges, "charging a card");
  std::string key = service::RequireIdempotencyKey(request);
  ChargeRequest body = ParseChargeBody(json::ParseBody(request.body));
  std::string fingerprint = service::Fingerprint(request.body);
  CardBehaviour behaviour = BehaviourOf(body.card_number);
  ChargeStatus status = behaviour == CardBehaviour::kDecline       ? ChargeStatus::kDeclined
                        : behaviour == CardBehaviour::kLateSuccess ? ChargeStatus::kPending
                                                                   : ChargeStatus::kSucceeded;
  if (status == ChargeStatus::kPending && settings_.timeout_card_record_delay.count() > 0) {
    // The slow provider does not even record the charge yet: a caller listing the reference now finds nothing.
    asio::steady_timer record_timer(co_await asio::this_coro::executor);
    record_timer.expires_after(settings_.timeout_card_record_delay);
    co_await record_timer.async_wait(asio::use_awaitable);
  }
  pg::Params params;
  params.Add(http::NewUuid()).Add(key).Add(fingerprint).Add(body.amount_cents).Add(body.currency).Add(body.reference);
  params.Add(LastFour(body.card_number)).Add(StatusName(status));
  pg::Result inserted = co_await db_.Execute(kInsertCharge, std::move(params));
  if (inserted.empty()) {  // the key was used before: the same answer, nothing charged twice
    pg::Result rows = co_await db_.Execute(kChargeByKey, pg::Params().Add(key));
    if (rows.empty()) throw ApiError::Conflict("payment.charge_pending", "retry: the charge is being recorded");
    Charge existing = ChargeOf(rows[0]);
    if (existing.fingerprint != fingerprint) {
      throw ApiError(ErrorKind::kUnprocessable, "request.idempotency_key_reused",
                     "this Idempotency-Key was used with another request");
    }
    co_return CreationAnswer(existing);
  }
  Charge charge = ChargeOf(inserted[0]);
  log::Info("charge recorded", {{"charge_id", charge.id},
                                {"status", std::string(StatusName(status))},
                                {"reference", body.reference},
                                {"request_id", request.request_id}});
  if (status != ChargeStatus::kPending) co_return CreationAnswer(charge);

  // The timeout test card: the provider is slow. Its late success is recorded by the provider's periodic task
  // (CompleteDue), whether or not the caller is still waiting; this answer only comes after it.
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(settings_.timeout_card_delay);
  co_await timer.async_wait(asio::use_awaitable);
  for (int attempt = 0; attempt < 600; ++attempt) {
    pg::Result rows = co_await db_.Execute(kChargeById, pg::Params().Add(charge.id));
    charge = ChargeOf(rows[0]);
    if (charge.status != ChargeStatus::kPending) break;
    timer.expires_after(std::chrono::milliseconds(20));
    co_await timer.async_wait(asio::use_awaitable);
  }
  co_return CreationAnswer(charge);
}

awaitable<void> Handlers::CompleteDue() {
  pg::Result done = co_await db_.Execute(
      kCompleteDue, pg::Params().Add(static_cast<std::int64_t>(settings_.timeout_card_delay.count())));
  if (done.AffectedRows() > 0) log::Info("late charges completed", {{"count", done.AffectedRows()}});
}

awaitable<http::Response> Handlers::ListCharges(http::Request& request) {
  RequireOrder(request, auth::scope::kCharges, "listing charges");
  std::vector<FieldError> errors;
  auto reference = request.Query("reference");
  if (!reference || reference->empty() || reference->size() > 200) {
    errors.push_back({"reference", "is required (1 to 200 characters)"});
  }
  std::int64_t page = QueryInt(request, "page", 1, 1, 1'000'000, errors);
  std::int64_t per_page = QueryInt(request, "per_page", 20, 1, 100, errors);
  if (!errors.empty()) throw ApiError::Validation("request.validation_failed", "invalid query", std::move(errors));
  pg::Result rows =
      co_await db_.Execute(kListByReference, pg::Params().Add(*reference).Add(per_page).Add((page - 1) * per_page));
  boost::json::array data;
  std::int64_t total = 0;
  if (!rows.empty()) {
    total = rows[0].Int(11);
  } else if (page > 1) {  // past the last page: the total still counts every charge of the reference
    pg::Result count = co_await db_.Execute(kCountByReference, pg::Params().Add(*reference));
    total = count[0].Int(0);
  }
  for (int i = 0; i < rows.size(); ++i) data.push_back(ChargeOf(rows[i]).json);
  boost::json::object body{{"data", std::move(data)},
                           {"meta", boost::json::object{{"page", page}, {"per_page", per_page}, {"total", total}}}};
  co_return http::Response::Json(200, boost::json::serialize(body));
}

awaitable<http::Response> Handlers::GetCharge(http::Request& request) {
  RequireOrder(request, auth::scope::kCharges, "reading a charge");
  std::string id(request.PathParam("id"));
  if (!IsUuid(id)) throw ChargeNotFound(id);
  pg::Result rows = co_await db_.Execute(kChargeById, pg::Params().Add(id));
  if (rows.empty()) throw ChargeNotFound(id);
  co_return http::Response::Json(200, boost::json::serialize(ChargeOf(rows[0]).json));
}

awaitable<http::Response> Handlers::RefundCharge(http::Request& request) {
  RequireOrder(request, auth::scope::kRefunds, "refunding a charge");
  std::string id(request.PathParam("id"));
  if (!IsUuid(id)) throw ChargeNotFound(id);
  pg::Transaction tx = co_await db_.Begin();
  pg::Result rows = co_await tx.Execute(kLockCharge, pg::Params().Add(id));
  if (rows.empty()) throw ChargeNotFound(id);
  Charge charge = ChargeOf(rows[0]);
  int status = 200;
  switch (RefundOf(charge.status)) {
    case RefundOutcome::kNotRefundable:
      throw ApiError::Conflict("payment.charge_not_refundable", "a declined charge moved no money");
    case RefundOutcome::kAlreadyRefunded:
      break;
    case RefundOutcome::kRefund: {
      pg::Result updated = co_await tx.Execute(kRefund, pg::Params().Add(id));
      charge = ChargeOf(updated[0]);
      log::Info("charge refunded", {{"charge_id", id}, {"request_id", request.request_id}});
      break;
    }
    case RefundOutcome::kDeferred: {
      pg::Result updated = co_await tx.Execute(kAskRefund, pg::Params().Add(id));
      charge = ChargeOf(updated[0]);
      status = 202;
      log::Info("refund of a pending charge recorded", {{"charge_id", id}, {"request_id", request.request_id}});
      break;
    }
  }
  co_await tx.Commit();
  co_return http::Response::Json(status, boost::json::serialize(charge.json));
}

}  // namespace comptoir::payment
