#include "comptoir/service/idempotency.hpp"

#include "comptoir/auth/keys.hpp"
#include "comptoir/error.hpp"

namespace comptoir::service {
namespace asio = boost::asio;

namespace {

constexpr pg::Statement kFindAnswer{
    "idempotency.find", "SELECT fingerprint, status, body FROM idempotency_keys WHERE scope = $1 AND key = $2"};
constexpr pg::Statement kSaveAnswer{
    "idempotency.save",
    "INSERT INTO idempotency_keys (scope, key, fingerprint, status, body) VALUES ($1, $2, $3, $4::int, $5)"};

std::optional<StoredAnswer> Decide(const pg::Result& rows, const std::string& fingerprint, const std::string& key) {
  if (rows.empty()) return std::nullopt;
  if (rows[0].Text(0) != fingerprint) {
    throw ApiError(ErrorKind::kUnprocessable, "request.idempotency_key_reused",
                   "Idempotency-Key '" + key + "' was already used for a different request");
  }
  return StoredAnswer{static_cast<int>(rows[0].Int(1)), std::string(rows[0].Text(2))};
}

}  // namespace

std::optional<std::string> IdempotencyKeyOf(const http::Request& request) {
  auto key = request.headers.Get("Idempotency-Key");
  if (!key) return std::nullopt;
  bool ok = !key->empty() && key->size() <= 255;
  for (char c : *key) ok = ok && c > 0x20 && c < 0x7f;
  if (!ok) {
    throw ApiError::Validation("request.invalid_idempotency_key",
                               "Idempotency-Key must be 1 to 255 visible ASCII characters (a UUID is best)",
                               {{"Idempotency-Key", "1 to 255 visible ASCII characters"}});
  }
  return std::string(*key);
}

std::string RequireIdempotencyKey(const http::Request& request) {
  auto key = IdempotencyKeyOf(request);
  if (!key) {
    throw ApiError::Validation("request.idempotency_key_required",
                               "this write must not happen twice: send an Idempotency-Key header (a fresh UUID)",
                               {{"Idempotency-Key", "required"}});
  }
  return *key;
}

std::string Fingerprint(std::string_view data) {
  return auth::Sha256Hex(data);
}

asio::awaitable<std::optional<StoredAnswer>> FindAnswer(pg::Pool& db, std::string scope, std::string key,
                                                        std::string fingerprint) {
  auto rows = co_await db.Execute(kFindAnswer, pg::Params().Add(scope).Add(key));
  co_return Decide(rows, fingerprint, key);
}

asio::awaitable<std::optional<StoredAnswer>> FindAnswer(pg::Transaction& tx, std::string scope, std::string key,
                                                        std::string fingerprint) {
  auto rows = co_await tx.Execute(kFindAnswer, pg::Params().Add(scope).Add(key));
  co_return Decide(rows, fingerprint, key);
}

asio::awaitable<void> SaveAnswer(pg::Transaction& tx, std::string scope, std::string key, std::string fingerprint,
                                 const StoredAnswer& answer) {
  co_await tx.Execute(kSaveAnswer,
                      pg::Params().Add(scope).Add(key).Add(fingerprint).Add(answer.status).Add(answer.body));
}

http::Response ToResponse(const StoredAnswer& answer) {
  return http::Response::Json(answer.status, answer.body);
}

}  // namespace comptoir::service
