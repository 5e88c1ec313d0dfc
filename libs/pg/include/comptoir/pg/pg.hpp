#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "comptoir/error.hpp"
#include "comptoir/http/runtime.hpp"

typedef struct pg_result PGresult;

namespace comptoir::metrics {
class Registry;
}

namespace comptoir::pg {

/// A database failure, already mapped from its SQLSTATE to an ApiError kind:
/// 23505 unique_violation -> conflict "db.unique_violation"; 23503 foreign_key_violation -> conflict
/// "db.foreign_key_violation"; 23514 check_violation / 22xxx data exceptions -> validation
/// "db.invalid_value"; 40001/40P01 -> conflict "db.serialization_failure" (retryable);
/// 57014 query_canceled -> timeout "db.timeout"; connection failures (08xxx, no server, 57P01..03)
/// -> unavailable "db.unavailable"; anything else -> internal "db.error".
class PgError : public ApiError {
 public:
  PgError(ErrorKind kind, std::string code, std::string detail, std::string sqlstate, std::string constraint);
  [[nodiscard]] const std::string& sqlstate() const noexcept { return sqlstate_; }
  /// Name of the violated constraint, when the server reports one.
  [[nodiscard]] const std::string& constraint() const noexcept { return constraint_; }
  [[nodiscard]] bool IsUniqueViolation() const noexcept { return sqlstate_ == "23505"; }

 private:
  std::string sqlstate_;
  std::string constraint_;
};

/// Maps a SQLSTATE (and message) to the typed error above. Exposed for unit tests.
PgError MapError(std::string_view sqlstate, std::string message, std::string constraint);

/// A named statement, prepared once per connection on first use. Keep them as constants next to
/// the repository: `constexpr pg::Statement kFindProduct{"product.find", "SELECT ... WHERE id = $1"};`
struct Statement {
  std::string_view name;
  std::string_view sql;
};

/// Positional text parameters for $1..$n.
class Params {
 public:
  Params() = default;
  Params& Add(std::string_view text);
  Params& Add(const std::string& text) { return Add(std::string_view(text)); }
  Params& Add(const char* text) { return Add(std::string_view(text)); }
  Params& Add(std::int64_t value);
  Params& Add(int value) { return Add(static_cast<std::int64_t>(value)); }
  Params& Add(bool value);
  Params& AddNull();
  template <class T>
  Params& Add(const std::optional<T>& value) {
    return value ? Add(*value) : AddNull();
  }

  [[nodiscard]] int size() const noexcept { return static_cast<int>(values_.size()); }
  [[nodiscard]] const char* const* values() const noexcept { return pointers_.data(); }
  void Freeze();  ///< fixes pointers_ after the last Add (called by the library)

 private:
  std::vector<std::optional<std::string>> values_;
  std::vector<const char*> pointers_;
};

/// One row of a Result; columns by index, text format.
class Row {
 public:
  Row(const PGresult* result, int row) : result_(result), row_(row) {}
  [[nodiscard]] bool IsNull(int column) const;
  [[nodiscard]] std::string_view Text(int column) const;
  [[nodiscard]] std::optional<std::string_view> OptText(int column) const;
  [[nodiscard]] std::int64_t Int(int column) const;
  [[nodiscard]] std::optional<std::int64_t> OptInt(int column) const;
  [[nodiscard]] bool Bool(int column) const;
  [[nodiscard]] double Double(int column) const;

 private:
  const PGresult* result_;
  int row_;
};

/// The outcome of one statement; owns the PGresult.
class Result {
 public:
  Result() = default;
  explicit Result(PGresult* result);
  [[nodiscard]] int size() const noexcept;  ///< number of rows
  [[nodiscard]] bool empty() const noexcept { return size() == 0; }
  [[nodiscard]] Row operator[](int row) const { return Row(result_.get(), row); }
  [[nodiscard]] std::int64_t AffectedRows() const;  ///< for INSERT/UPDATE/DELETE

 private:
  struct Deleter {
    void operator()(PGresult* r) const noexcept;
  };
  std::unique_ptr<PGresult, Deleter> result_;
};

struct PoolOptions {
  std::string conninfo;  ///< libpq URI or key=value string
  std::string application_name = "comptoir";
  std::size_t max_per_worker = 8;  ///< connections per runtime worker
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds statement_timeout{5000};  ///< server-side and client-side bound
  /// PostgreSQL's JIT compilation of queries (`jit`), off by default (ADR 0182): it starts when a plan's estimated
  /// cost passes `jit_above_cost`, and its 15-120 ms of compiling dwarf any of these services' queries; a small
  /// table that autovacuum never analysed (7 locations) was enough to push a 0.03 ms count past the bar. An
  /// `options=-c jit=on` in the connection string still wins.
  bool jit = false;
  std::chrono::milliseconds acquire_timeout{3000};  ///< waiting for a free connection
};

class Connection;
class Pool;

/// A transaction on one pooled connection. Rolls back unless Commit() was awaited (also when the
/// object is destroyed early, e.g. by an exception): the rollback then runs asynchronously before
/// the connection returns to the pool.
class Transaction {
 public:
  Transaction(Transaction&&) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();

  boost::asio::awaitable<Result> Execute(const Statement& statement, Params params = {});
  /// Unprepared statement(s), simple protocol; for migrations and DDL only.
  boost::asio::awaitable<Result> ExecuteScript(std::string_view sql);
  boost::asio::awaitable<void> Commit();
  boost::asio::awaitable<void> Rollback();

 private:
  friend class Pool;
  Transaction(Pool* pool, std::shared_ptr<Connection> connection);
  Pool* pool_;
  std::shared_ptr<Connection> connection_;
  bool done_ = false;
};

/// Connection pool sharded per runtime worker: asynchronous libpq on Asio (no thread is blocked
/// while a query runs), statements prepared once per connection, bounded waits, reconnection after
/// the server restarts (a broken connection is dropped; the next use opens a new one).
class Pool {
 public:
  Pool(http::Runtime& runtime, PoolOptions options, metrics::Registry* registry = nullptr);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  /// Runs one statement on a pooled connection (autocommit).
  boost::asio::awaitable<Result> Execute(const Statement& statement, Params params = {});
  /// Starts a transaction (BEGIN) on a pooled connection.
  boost::asio::awaitable<Transaction> Begin();
  /// `SELECT 1` within `timeout`; throws PgError (unavailable/timeout) when the database does not answer.
  boost::asio::awaitable<void> Ping(std::chrono::milliseconds timeout);
  /// LISTEN on `channel` over a dedicated connection of its own (not one of the pool's): calls `listening`
  /// once the LISTEN is in effect, then `notify(payload)` for every notification. Returns once
  /// `keep_going()` is false (asked at least every second); throws PgError (unavailable) when the
  /// connection breaks — the caller decides when to listen again. Runs on the calling worker; `channel`
  /// must be a plain identifier.
  boost::asio::awaitable<void> Listen(std::string channel, std::function<void()> listening,
                                      std::function<void(std::string_view)> notify, std::function<bool()> keep_going);

  [[nodiscard]] const PoolOptions& options() const noexcept { return options_; }

  struct Shard;

 private:
  friend class Transaction;
  boost::asio::awaitable<std::shared_ptr<Connection>> Acquire();
  void Release(std::shared_ptr<Connection> connection);
  Shard& CurrentShard();

  http::Runtime& runtime_;
  PoolOptions options_;
  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace comptoir::pg
