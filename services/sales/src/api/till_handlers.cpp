// Till operations of a register session (ADR 0150): movements (no-sale, drop, pay-out, voids), the X report of
// an open session, the Z report of a closed one, and the close that writes the Z.
#include <ctime>

#include <boost/json.hpp>

#include "api/handlers.hpp"
#include "api/json.hpp"
#include "comptoir/json.hpp"
#include "comptoir/log.hpp"
#include "comptoir/service/idempotency.hpp"

namespace comptoir::sales {
namespace {

using auth::Role;

constexpr const char* kMovementScope = "sales.movement";

ApiError SessionNotFound(std::int64_t id) {
  return ApiError::NotFound("register_session.not_found", "no register session has id " + std::to_string(id));
}

std::int64_t SessionId(const http::Request& request) {
  auto text = request.PathParam("id");
  auto id = ParseId(text);
  if (!id) throw ApiError::NotFound("register_session.not_found", "no register session has id " + std::string(text));
  return *id;
}

// A session as sales and its visibility rules show it: another store's is unknown to a cashier.
void RequireVisibleSession(const auth::Principal& who, const RegisterSession& session) {
  auth::RequireRole(who, {Role::kCashier, Role::kManager, Role::kAdmin}, "see register sessions");
  if (!auth::SeesEverything(who) && who.location_id != session.location_id) throw SessionNotFound(session.id);
}

std::string NowRfc3339() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

bool IsDuplicateMovement(const pg::PgError& e) {
  return e.IsUniqueViolation() &&
         (e.constraint() == "register_movements_idempotency_key_key" || e.constraint() == "idempotency_keys_pkey");
}

}  // namespace

boost::asio::awaitable<http::Response> Handlers::CloseSession(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  std::int64_t id = SessionId(request);
  std::int64_t counted = ParseCloseSessionBody(json::ParseBody(request.body));
  auth::RequireRole(who, {Role::kCashier, Role::kManager, Role::kAdmin}, "close a register");
  auto session = co_await repository_.FindSession(id);
  if (!session) throw SessionNotFound(id);
  RequireVisibleSession(who, *session);
  auto closed = co_await repository_.CloseSession(id, counted, who.subject);
  if (!closed) throw SessionNotFound(id);
  desk_.metrics().Closed(closed->session);
  log::Info("register closed", {{"register_session_id", id}, {"z_number", *closed->session.z_number}});
  boost::json::object body = ToJson(closed->session);
  body["z_report"] = boost::json::parse(closed->z_report);
  co_return http::Response::Json(200, boost::json::serialize(body));
}

boost::asio::awaitable<http::Response> Handlers::SessionReport(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  std::int64_t id = SessionId(request);
  auto session = co_await repository_.FindSession(id);
  if (!session) throw SessionNotFound(id);
  RequireVisibleSession(who, *session);
  const SessionFigures figures = co_await repository_.LoadFigures(*session);
  if (session->open) {
    co_return http::Response::Json(
        200, boost::json::serialize(ReportJson(figures, "X", std::nullopt, std::nullopt, NowRfc3339())));
  }
  auto stored = co_await repository_.FindZReport(id);
  if (!stored) throw ApiError::NotFound("register_session.no_z_report", "register session has no Z report");
  boost::json::value z = boost::json::parse(*stored);
  // The Z itself never changes; offline sales replayed since the close are shown beside it (ADR 0151).
  z.as_object()["late_sales"] = {{"count", figures.late_sales_count}, {"total_cents", figures.late_sales_cents}};
  co_return http::Response::Json(200, boost::json::serialize(z));
}

boost::asio::awaitable<http::Response> Handlers::RecordMovement(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  const std::int64_t id = SessionId(request);
  const std::string key = service::RequireIdempotencyKey(request);
  Movement movement = ParseMovementBody(json::ParseBody(request.body));
  auth::RequireRole(who, {Role::kCashier, Role::kManager, Role::kAdmin}, "work a register");
  auto session = co_await repository_.FindSession(id);
  if (!session) throw SessionNotFound(id);
  RequireVisibleSession(who, *session);
  auth::RequireStaffAt(who, session->location_id, "work a register of this store");
  const std::string fingerprint = service::Fingerprint(std::to_string(id) + "\n" + request.body);
  if (auto answer = co_await service::FindAnswer(repository_.db(), kMovementScope, key, fingerprint)) {
    co_return service::ToResponse(*answer);
  }
  movement.register_session_id = id;
  movement.actor = who.subject;
  try {
    pg::Transaction tx = co_await repository_.db().Begin();
    co_await repository_.InsertMovement(tx, movement, session->location_id, key);
    const std::string body = boost::json::serialize(ToJson(movement));
    const service::StoredAnswer answer{201, body};  // named: never a temporary in a co_await (GCC 12)
    co_await service::SaveAnswer(tx, kMovementScope, key, fingerprint, answer);
    co_await tx.Commit();
    log::Info("register movement", {{"register_session_id", id},
                                    {"kind", std::string(MovementKindName(movement.kind))},
                                    {"amount_cents", movement.amount_cents},
                                    {"actor", who.subject}});
    co_return http::Response::Json(201, body);
  } catch (const pg::PgError& e) {
    if (!IsDuplicateMovement(e)) throw;
  }
  // A concurrent duplicate committed first: its answer (or 422 when the key came with another body).
  if (auto answer = co_await service::FindAnswer(repository_.db(), kMovementScope, key, fingerprint)) {
    co_return service::ToResponse(*answer);
  }
  throw ApiError::Conflict("request.idempotency_key_in_use", "a request with this Idempotency-Key is in progress");
}

boost::asio::awaitable<http::Response> Handlers::ListMovements(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  const std::int64_t id = SessionId(request);
  auto session = co_await repository_.FindSession(id);
  if (!session) throw SessionNotFound(id);
  RequireVisibleSession(who, *session);
  std::vector<Movement> movements = co_await repository_.ListMovements(id);
  boost::json::array data;
  for (const Movement& m : movements) data.push_back(ToJson(m));
  Page page{1, static_cast<std::int64_t>(std::max<std::size_t>(movements.size(), 1))};
  co_return http::Response::Json(200, ListJson(data, page, static_cast<std::int64_t>(movements.size())));
}

}  // namespace comptoir::sales
