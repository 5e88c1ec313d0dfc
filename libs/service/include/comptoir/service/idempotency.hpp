#pragma once
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "comptoir/http/message.hpp"
#include "comptoir/pg/pg.hpp"

namespace comptoir::service {

/// Writes that must not happen twice take an `Idempotency-Key` header (DESIGN §3): the same key and
/// body give the same answer, once. Each service that uses this has, in its migrations:
///
///   CREATE TABLE idempotency_keys (
///     scope text NOT NULL, key text NOT NULL, fingerprint text NOT NULL,
///     status int NOT NULL, body text NOT NULL, created_at timestamptz NOT NULL DEFAULT now(),
///     PRIMARY KEY (scope, key));
///
/// Pattern: FindAnswer before doing anything; do the write and SaveAnswer in one transaction. A
/// concurrent duplicate blocks on the key until the first commits, then fails with a unique violation
/// (`pg::PgError::IsUniqueViolation()`): read the winner's answer with FindAnswer and return it.

/// The answer of a write, as it was sent.
struct StoredAnswer {
  int status = 200;
  std::string body;
};

/// The request's `Idempotency-Key` (1–255 visible ASCII characters), nullopt when absent;
/// 400 `request.invalid_idempotency_key` when malformed.
std::optional<std::string> IdempotencyKeyOf(const http::Request& request);

/// Same as IdempotencyKeyOf, but 400 `request.idempotency_key_required` when absent.
std::string RequireIdempotencyKey(const http::Request& request);

/// SHA-256 (hex) of what identifies a request besides its key (usually the body).
std::string Fingerprint(std::string_view data);

/// The stored answer of `scope`/`key`. A key reused with another fingerprint is refused with
/// 422 `request.idempotency_key_reused`.
boost::asio::awaitable<std::optional<StoredAnswer>> FindAnswer(pg::Pool& db, std::string scope, std::string key,
                                                               std::string fingerprint);
boost::asio::awaitable<std::optional<StoredAnswer>> FindAnswer(pg::Transaction& tx, std::string scope,
                                                               std::string key, std::string fingerprint);

/// Records the answer in the transaction of the write.
boost::asio::awaitable<void> SaveAnswer(pg::Transaction& tx, std::string scope, std::string key,
                                        std::string fingerprint, const StoredAnswer& answer);

/// The stored answer as an HTTP response (JSON body).
http::Response ToResponse(const StoredAnswer& answer);

}  // namespace comptoir::service
