#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "comptoir/pg/pg.hpp"

namespace comptoir::sales {

/// A receipt to send by e-mail, as queued (ADR 0161): sent by the mailer in the background, retried with
/// backoff; its attempts and last error are visible to staff.
struct ReceiptEmail {
  std::int64_t id = 0;
  std::int64_t sale_id = 0;
  std::string recipient;
  bool copy = false;
  std::string status = "queued";  ///< queued | sent | failed
  int attempts = 0;
  std::optional<std::string> last_error;
  std::string next_attempt_at;
  std::optional<std::string> sent_at;
  std::string requested_by;
  std::string message_id;  ///< the Message-ID header, the same on every attempt
  std::string created_at;
};

/// Receipt lookups and the e-mail queue in PostgreSQL (tables `sales`, `receipt_emails`).
class ReceiptStore {
 public:
  explicit ReceiptStore(pg::Pool& db) : db_(db) {}

  /// The id of the sale with that receipt number ("S4-000034").
  boost::asio::awaitable<std::optional<std::int64_t>> SaleIdByNumber(std::string receipt_number);

  /// Queues a receipt e-mail; with an `idempotency_key` already used, the first request's row (`created` false).
  struct Queued {
    ReceiptEmail email;
    bool created = true;
  };
  boost::asio::awaitable<Queued> Enqueue(std::int64_t sale_id, std::string recipient, bool copy,
                                         std::string requested_by, std::optional<std::string> idempotency_key);
  boost::asio::awaitable<std::vector<ReceiptEmail>> ListEmails(std::int64_t sale_id);

  /// Takes up to `limit` due e-mails for `lease_ms` (counted as an attempt): another sender skips them until the
  /// lease ends, so that two processes never send the same one at once.
  boost::asio::awaitable<std::vector<ReceiptEmail>> ClaimDue(int limit, std::int64_t lease_ms);
  boost::asio::awaitable<void> MarkSent(std::int64_t id);
  /// A failed attempt: retried after `retry_in_ms`, or `failed` for good when `give_up`.
  boost::asio::awaitable<void> MarkFailed(std::int64_t id, std::string error, std::int64_t retry_in_ms, bool give_up);

 private:
  pg::Pool& db_;
};

}  // namespace comptoir::sales
