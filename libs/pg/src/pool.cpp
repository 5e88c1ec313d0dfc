// Asynchronous libpq on Asio: connections, per-worker pool shards and transactions.
//
// Every libpq call here is non-blocking: connections are opened with PQconnectStartParams/PQconnectPoll and
// set non-blocking, queries are sent with PQsend* + PQflush and read with PQconsumeInput/PQisBusy/PQgetResult,
// and the coroutine waits on the socket (stream_descriptor::async_wait) between steps. A shard, its idle
// connections and its waiters belong to one worker thread, so nothing here takes a lock.
#include <algorithm>
#include <cctype>
#include <deque>
#include <list>
#include <map>
#include <mutex>
#include <unordered_set>

#include <libpq-fe.h>
#include <poll.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "comptoir/log.hpp"
#include "comptoir/metrics.hpp"
#include "comptoir/pg/pg.hpp"

namespace comptoir::pg {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using Clock = std::chrono::steady_clock;

namespace detail {

/// Metric families shared by every Pool on one registry (a registry refuses nothing, so each name is
/// added once); the `pool` label tells pools apart.
struct Families {
  metrics::Family<metrics::Gauge>* connections = nullptr;
  metrics::Family<metrics::Counter>* queries = nullptr;
  metrics::Family<metrics::Histogram>* duration = nullptr;
  metrics::Family<metrics::Counter>* errors = nullptr;
};

std::shared_ptr<Families> FamiliesFor(metrics::Registry& registry) {
  // Weak entries: once every pool of a registry is gone, the registry may be too, and its address reused.
  static std::mutex mutex;
  static std::map<metrics::Registry*, std::weak_ptr<Families>> known;
  std::lock_guard lock(mutex);
  if (auto existing = known[&registry].lock()) return existing;
  auto families = std::make_shared<Families>();
  families->connections =
      &registry.AddGauge("db_pool_connections", "Open database connections by state", {"pool", "state"});
  families->queries = &registry.AddCounter("db_queries_total", "Database statements executed", {"pool"});
  families->duration =
      &registry.AddHistogram("db_query_duration_seconds", "Database statement duration in seconds", {"pool"});
  families->errors = &registry.AddCounter("db_errors_total", "Database errors by code", {"pool", "code"});
  known[&registry] = families;
  return families;
}

/// The children of one pool; updated from every worker (they are atomics).
struct PoolMetrics {
  PoolMetrics(metrics::Registry& registry, const std::string& pool)
      : families(FamiliesFor(registry)),
        name(pool),
        idle(&families->connections->WithLabels({pool, "idle"})),
        busy(&families->connections->WithLabels({pool, "busy"})),
        queries(&families->queries->WithLabels({pool})),
        duration(&families->duration->WithLabels({pool})) {}

  void Error(const std::string& code) const { families->errors->WithLabels({name, code}).Inc(); }

  std::shared_ptr<Families> families;
  std::string name;
  metrics::Gauge* idle;
  metrics::Gauge* busy;
  metrics::Counter* queries;
  metrics::Histogram* duration;
};

/// One task waiting for a connection; woken by cancelling its timer (FIFO, on the shard's thread).
struct Waiter {
  explicit Waiter(asio::io_context& io) : timer(io) {}
  asio::steady_timer timer;
  std::shared_ptr<Connection> connection;  ///< handed over by Release
  bool slot = false;                       ///< a connection slot handed over when one was closed
};

/// A connection out of the pool, and whether it had been used before (stale after a server restart).
struct Lease {
  std::shared_ptr<Connection> connection;
  bool reused = false;
};

PgError Unavailable() {
  return {ErrorKind::kUnavailable, "db.unavailable", "the database is unavailable", "", ""};
}

PgError Timeout() {
  return {ErrorKind::kTimeout, "db.timeout", "the database did not answer in time", "", ""};
}

PgError Closed() {
  return {ErrorKind::kInternal, "db.transaction_closed", "the transaction is already finished", "", ""};
}

void NoticeProcessor(void* /*arg*/, const char* message) {
  std::string_view text(message);
  while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  log::Debug("database notice", {{"message", text}});
}

using log::LogFailure;

}  // namespace detail

/// One libpq connection of a shard. Used by one task at a time, on the shard's thread.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  explicit Connection(Pool::Shard& shard);
  ~Connection() { Close(); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  awaitable<void> Connect(const PoolOptions& options, Clock::time_point deadline);
  /// Runs a named statement, preparing it first if this connection has not yet.
  awaitable<Result> Execute(const Statement& statement, const Params& params, Clock::time_point deadline);
  /// Runs unprepared SQL (simple protocol); `command` receives the last command tag, e.g. "ROLLBACK".
  awaitable<Result> Script(std::string_view sql, Clock::time_point deadline, std::string* command = nullptr);

  /// Delivers the notifications that arrive, for as long as the connection lives (LISTEN was run on it).
  awaitable<void> Notifications(const std::function<void(std::string_view)>& notify,
                                const std::function<bool()>& keep_going);

  /// Whether an idle connection can serve again: reads whatever the server sent meanwhile (a server
  /// that shut down leaves an error and EOF there), without blocking.
  bool Usable();
  /// Whether a connection coming back from a task can go to the idle list.
  [[nodiscard]] bool Reusable() const {
    return conn_ != nullptr && !broken_ && PQstatus(conn_) == CONNECTION_OK &&
           PQtransactionStatus(conn_) == PQTRANS_IDLE;
  }
  [[nodiscard]] bool broken() const noexcept { return broken_; }
  /// Whether the last failed statement may have reached the server (then it must not be retried).
  [[nodiscard]] bool request_sent() const noexcept { return request_sent_; }
  void MarkBroken() noexcept { broken_ = true; }
  [[nodiscard]] Pool::Shard& shard() const noexcept { return shard_; }
  [[nodiscard]] asio::io_context& io() const noexcept;
  void Close() noexcept;

 private:
  awaitable<Result> ExecuteImpl(const Statement& statement, const Params& params, Clock::time_point deadline);
  awaitable<Result> ScriptImpl(std::string_view sql, Clock::time_point deadline, std::string* command);
  /// Runs `work` (a statement on this connection) and records it in the pool's metrics.
  awaitable<Result> Measured(awaitable<Result> work);
  awaitable<void> Wait(asio::posix::descriptor_base::wait_type type, Clock::time_point deadline);
  awaitable<void> Flush(Clock::time_point deadline);
  awaitable<Result> Collect(Clock::time_point deadline, std::string* command);
  PgError ConnectionError();
  PgError ResultError(const PGresult* result);
  void ResetSocket();
  void ReleaseSocket() noexcept;

  Pool::Shard& shard_;
  PGconn* conn_ = nullptr;
  // Wraps libpq's socket without owning it: released (never closed) before PQfinish or a socket change.
  std::optional<asio::posix::stream_descriptor> socket_;
  asio::steady_timer timer_;
  std::uint64_t wait_generation_ = 0;
  bool timed_out_ = false;
  bool broken_ = false;
  bool request_sent_ = false;
  std::unordered_set<std::string> prepared_;
};

struct Pool::Shard {
  Shard(asio::io_context& context, const PoolOptions& pool_options, std::shared_ptr<const detail::PoolMetrics> m)
      : io(context), options(pool_options), metrics(std::move(m)) {}
  ~Shard() {
    for (auto& c : idle) c->Close();
  }

  awaitable<detail::Lease> Acquire(Clock::time_point cap);
  awaitable<std::shared_ptr<Connection>> Open(Clock::time_point cap);
  void Release(std::shared_ptr<Connection> connection);
  void Discard(const std::shared_ptr<Connection>& connection);
  void FreeSlot();
  void Count(metrics::Gauge* gauge, double delta) const {
    if (metrics) gauge->Inc(delta);
  }
  [[nodiscard]] Clock::time_point StatementDeadline() const {
    if (options.statement_timeout.count() <= 0) return Clock::time_point::max();
    return Clock::now() + options.statement_timeout + std::chrono::seconds(1);
  }

  asio::io_context& io;
  const PoolOptions& options;
  std::shared_ptr<const detail::PoolMetrics> metrics;
  std::vector<std::shared_ptr<Connection>> idle;  // LIFO: the warmest connection first
  std::size_t open = 0;                           // idle + busy + connecting
  std::list<std::shared_ptr<detail::Waiter>> waiters;
};

// ---------------------------------------------------------------------------------------------------------------
// Connection

Connection::Connection(Pool::Shard& shard) : shard_(shard), timer_(shard.io) {}

asio::io_context& Connection::io() const noexcept {
  return shard_.io;
}

void Connection::ReleaseSocket() noexcept {
  if (socket_) {
    socket_->release();
    socket_.reset();
  }
}

void Connection::ResetSocket() {
  // libpq may open a new socket at any PQconnectPoll step (next host, SSL/GSS fallback), possibly with the
  // same number as a closed one: register the current one afresh.
  ReleaseSocket();
  const int fd = PQsocket(conn_);
  if (fd < 0) throw ConnectionError();
  socket_.emplace(shard_.io, fd);
}

void Connection::Close() noexcept {
  ++wait_generation_;
  try {
    timer_.cancel();
  } catch (const std::exception&) {
    // cancelling a timer only fails on programming errors; closing must go on regardless
  }
  ReleaseSocket();
  if (conn_ != nullptr) {
    PQfinish(conn_);
    conn_ = nullptr;
  }
  broken_ = true;
}

PgError Connection::ConnectionError() {
  broken_ = true;
  std::string_view message = conn_ != nullptr ? PQerrorMessage(conn_) : "no connection";
  while (!message.empty() && message.back() == '\n') message.remove_suffix(1);
  log::Warn("database connection failed", {{"error", message}, {"pool", shard_.options.application_name}});
  return detail::Unavailable();
}

PgError Connection::ResultError(const PGresult* result) {
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  const char* constraint = PQresultErrorField(result, PG_DIAG_CONSTRAINT_NAME);
  PgError error = MapError(state != nullptr ? state : "", primary != nullptr ? primary : "",
                           constraint != nullptr ? constraint : "");
  if (error.kind() == ErrorKind::kUnavailable || PQstatus(conn_) == CONNECTION_BAD) broken_ = true;
  if (error.kind() == ErrorKind::kInternal) {
    // Clients only see the SQLSTATE; the server's message is for the logs.
    log::Error("database error", {{"sqlstate", error.sqlstate()}, {"message", primary != nullptr ? primary : ""}});
  }
  return error;
}

awaitable<void> Connection::Connect(const PoolOptions& options, Clock::time_point deadline) {
  char* parse_error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(options.conninfo.c_str(), &parse_error);
  if (parsed == nullptr) {
    log::Error("invalid database connection string", {{"error", parse_error != nullptr ? parse_error : ""}});
    PQfreemem(parse_error);
    throw PgError(ErrorKind::kInternal, "db.bad_conninfo", "invalid database connection string", "", "");
  }
  std::vector<std::string> keys;
  std::vector<std::string> values;
  // First, so that the connection string's own options (the last of a setting wins) can turn it back on.
  std::string server_options = options.jit ? "" : "-c jit=off";
  for (const PQconninfoOption* o = parsed; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    const std::string_view key = o->keyword;
    if (key == "options") {
      if (!server_options.empty()) server_options += ' ';
      server_options += o->val;
    } else if (key != "application_name") {
      keys.emplace_back(key);
      values.emplace_back(o->val);
    }
  }
  PQconninfoFree(parsed);
  if (options.statement_timeout.count() > 0) {
    if (!server_options.empty()) server_options += ' ';
    server_options += "-c statement_timeout=" + std::to_string(options.statement_timeout.count());
  }
  keys.emplace_back("application_name");
  values.push_back(options.application_name);
  if (!server_options.empty()) {
    keys.emplace_back("options");
    values.push_back(server_options);
  }
  std::vector<const char*> key_ptrs;
  std::vector<const char*> value_ptrs;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    key_ptrs.push_back(keys[i].c_str());
    value_ptrs.push_back(values[i].c_str());
  }
  key_ptrs.push_back(nullptr);
  value_ptrs.push_back(nullptr);

  conn_ = PQconnectStartParams(key_ptrs.data(), value_ptrs.data(), 0);
  if (conn_ == nullptr) throw detail::Unavailable();
  PQsetNoticeProcessor(conn_, detail::NoticeProcessor, nullptr);
  if (PQstatus(conn_) == CONNECTION_BAD) throw ConnectionError();

  // Before the first poll libpq wants the socket writable (the TCP connect completing).
  PostgresPollingStatusType status = PGRES_POLLING_WRITING;
  while (status != PGRES_POLLING_OK) {
    if (status == PGRES_POLLING_FAILED) throw ConnectionError();
    ResetSocket();
    try {
      co_await Wait(status == PGRES_POLLING_READING ? asio::posix::descriptor_base::wait_read
                                                    : asio::posix::descriptor_base::wait_write,
                    deadline);
    } catch (const PgError& e) {
      if (e.kind() != ErrorKind::kTimeout) throw;
      // A server that does not complete the handshake in time is unavailable, not slow.
      log::Warn("database connection timed out", {{"pool", options.application_name}});
      broken_ = true;
      throw detail::Unavailable();
    }
    status = PQconnectPoll(conn_);
  }
  if (PQsetnonblocking(conn_, 1) != 0) throw ConnectionError();
  ResetSocket();
}

bool Connection::Usable() {
  if (conn_ == nullptr || broken_ || PQstatus(conn_) != CONNECTION_OK) return false;
  // An idle connection has nothing to read unless the server spoke meanwhile: a notice, or, when it shut
  // down, a FATAL report followed by EOF. PQconsumeInput reads one chunk without looking further, so read
  // (and parse, via PQisBusy) while the socket stays readable; EOF then fails PQconsumeInput.
  for (int i = 0; i < 8; ++i) {
    pollfd pending{PQsocket(conn_), POLLIN, 0};
    if (::poll(&pending, 1, 0) <= 0) break;
    if (PQconsumeInput(conn_) == 0) return false;
    PQisBusy(conn_);
    if (PQstatus(conn_) != CONNECTION_OK) return false;
  }
  return PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) == PQTRANS_IDLE && PQisBusy(conn_) == 0;
}

awaitable<void> Connection::Wait(asio::posix::descriptor_base::wait_type type, Clock::time_point deadline) {
  if (Clock::now() >= deadline) {
    broken_ = true;
    throw detail::Timeout();
  }
  // The timer cancels the socket wait; the generation keeps a late timer handler from touching a later wait.
  const std::uint64_t generation = ++wait_generation_;
  timed_out_ = false;
  timer_.expires_at(deadline);
  timer_.async_wait([weak = weak_from_this(), generation](const boost::system::error_code& ec) {
    if (ec) return;
    auto self = weak.lock();
    if (!self || self->wait_generation_ != generation || !self->socket_) return;
    self->timed_out_ = true;
    boost::system::error_code ignored;
    self->socket_->cancel(ignored);
  });
  boost::system::error_code ec;
  co_await socket_->async_wait(type, asio::redirect_error(use_awaitable, ec));
  ++wait_generation_;
  timer_.cancel();
  if (timed_out_) {
    // The statement may still run; the connection is in an unknown state, so it is closed, not reused.
    broken_ = true;
    throw detail::Timeout();
  }
  if (ec) {
    broken_ = true;
    log::Warn("database socket wait failed", {{"error", ec.message()}});
    throw detail::Unavailable();
  }
}

awaitable<void> Connection::Flush(Clock::time_point deadline) {
  for (;;) {
    const int pending = PQflush(conn_);
    if (pending == 0) co_return;
    if (pending < 0) throw ConnectionError();
    co_await Wait(asio::posix::descriptor_base::wait_write, deadline);
    // libpq asks to read what the server sends meanwhile, so that neither side stalls on a full buffer.
    if (PQconsumeInput(conn_) == 0) throw ConnectionError();
  }
}

awaitable<Result> Connection::Collect(Clock::time_point deadline, std::string* command) {
  Result last;
  std::optional<PgError> error;
  for (;;) {
    // Consume before waiting: readiness reported while no wait was pending is not reported again.
    for (;;) {
      if (PQconsumeInput(conn_) == 0) throw ConnectionError();
      if (PQisBusy(conn_) == 0) break;
      co_await Wait(asio::posix::descriptor_base::wait_read, deadline);
    }
    PGresult* raw = PQgetResult(conn_);
    if (raw == nullptr) break;
    Result result(raw);
    switch (PQresultStatus(raw)) {
      case PGRES_COMMAND_OK:
      case PGRES_TUPLES_OK:
      case PGRES_EMPTY_QUERY:
        if (command != nullptr) *command = PQcmdStatus(raw);
        last = std::move(result);
        break;
      case PGRES_COPY_IN:
      case PGRES_COPY_OUT:
      case PGRES_COPY_BOTH:
        // COPY is not supported here; the protocol state is unknown, so the connection goes.
        broken_ = true;
        throw PgError(ErrorKind::kInternal, "db.error", "COPY is not supported", "", "");
      default:
        if (!error) error = ResultError(raw);
        break;
    }
  }
  if (PQstatus(conn_) == CONNECTION_BAD) broken_ = true;
  if (error) throw *error;
  co_return last;
}

awaitable<Result> Connection::ExecuteImpl(const Statement& statement, const Params& params,
                                          Clock::time_point deadline) {
  request_sent_ = false;
  if (conn_ == nullptr || broken_) throw detail::Unavailable();
  const std::string name(statement.name);
  if (!prepared_.contains(name)) {
    const std::string sql(statement.sql);
    if (PQsendPrepare(conn_, name.c_str(), sql.c_str(), 0, nullptr) == 0) throw ConnectionError();
    co_await Flush(deadline);
    co_await Collect(deadline, nullptr);
    prepared_.insert(name);  // only once the server has accepted it
  }
  if (PQsendQueryPrepared(conn_, name.c_str(), params.size(), params.values(), nullptr, nullptr, 0) == 0) {
    throw ConnectionError();
  }
  co_await Flush(deadline);
  request_sent_ = true;
  co_return co_await Collect(deadline, nullptr);
}

awaitable<Result> Connection::ScriptImpl(std::string_view sql, Clock::time_point deadline, std::string* command) {
  request_sent_ = false;
  if (conn_ == nullptr || broken_) throw detail::Unavailable();
  const std::string text(sql);
  if (PQsendQuery(conn_, text.c_str()) == 0) throw ConnectionError();
  co_await Flush(deadline);
  request_sent_ = true;
  co_return co_await Collect(deadline, command);
}

awaitable<void> Connection::Notifications(const std::function<void(std::string_view)>& notify,
                                          const std::function<bool()>& keep_going) {
  while (keep_going()) {
    if (PQconsumeInput(conn_) == 0) throw ConnectionError();
    while (PGnotify* n = PQnotifies(conn_)) {
      const std::string payload(n->extra != nullptr ? n->extra : "");
      PQfreemem(n);
      notify(payload);
    }
    if (PQstatus(conn_) != CONNECTION_OK) throw ConnectionError();
    try {
      co_await Wait(asio::posix::descriptor_base::wait_read, Clock::now() + std::chrono::seconds(1));
    } catch (const PgError& e) {
      if (e.kind() != ErrorKind::kTimeout) throw;
      broken_ = false;  // no statement was in flight: a quiet second leaves the connection as it was
    }
  }
}

awaitable<Result> Connection::Measured(awaitable<Result> work) {
  const detail::PoolMetrics* m = shard_.metrics.get();
  const auto start = Clock::now();
  try {
    Result result = co_await std::move(work);
    if (m != nullptr) {
      m->queries->Inc();
      m->duration->Observe(std::chrono::duration<double>(Clock::now() - start).count());
    }
    co_return result;
  } catch (const PgError& e) {
    if (m != nullptr) {
      m->queries->Inc();
      m->Error(e.code());
    }
    throw;
  }
}

awaitable<Result> Connection::Execute(const Statement& statement, const Params& params, Clock::time_point deadline) {
  co_return co_await Measured(ExecuteImpl(statement, params, deadline));
}

awaitable<Result> Connection::Script(std::string_view sql, Clock::time_point deadline, std::string* command) {
  co_return co_await Measured(ScriptImpl(sql, deadline, command));
}

// ---------------------------------------------------------------------------------------------------------------
// Shard

awaitable<detail::Lease> Pool::Shard::Acquire(Clock::time_point cap) {
  while (!idle.empty()) {
    std::shared_ptr<Connection> connection = std::move(idle.back());
    idle.pop_back();
    if (metrics) metrics->idle->Dec();
    if (connection->Usable()) {
      if (metrics) metrics->busy->Inc();
      co_return detail::Lease{std::move(connection), true};
    }
    Discard(connection);
  }
  // co_await stays out of aggregate initialisers: GCC 12 miscompiles temporaries there.
  if (open < options.max_per_worker) {
    ++open;
    std::shared_ptr<Connection> connection = co_await Open(cap);
    co_return detail::Lease{std::move(connection), false};
  }
  auto waiter = std::make_shared<detail::Waiter>(io);
  waiter->timer.expires_at(std::min(cap, Clock::now() + options.acquire_timeout));
  waiters.push_back(waiter);
  const auto position = std::prev(waiters.end());
  boost::system::error_code ec;
  co_await waiter->timer.async_wait(asio::redirect_error(use_awaitable, ec));
  // A hand-over may race with the timer's expiry: what was handed over wins.
  if (waiter->connection) co_return detail::Lease{std::move(waiter->connection), true};
  if (waiter->slot) {
    std::shared_ptr<Connection> connection = co_await Open(cap);
    co_return detail::Lease{std::move(connection), false};
  }
  waiters.erase(position);
  if (metrics) metrics->Error("db.pool_timeout");
  throw PgError(ErrorKind::kUnavailable, "db.pool_timeout", "no database connection became free in time", "", "");
}

awaitable<std::shared_ptr<Connection>> Pool::Shard::Open(Clock::time_point cap) {
  // The caller holds a slot (counted in `open`); a failure gives it back.
  auto connection = std::make_shared<Connection>(*this);
  std::exception_ptr failure;
  try {
    co_await connection->Connect(options, std::min(cap, Clock::now() + options.connect_timeout));
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure) {
    connection->Close();
    FreeSlot();
    if (metrics) metrics->Error("db.unavailable");
    std::rethrow_exception(failure);
  }
  if (metrics) metrics->busy->Inc();
  co_return connection;
}

void Pool::Shard::Release(std::shared_ptr<Connection> connection) {
  if (metrics) metrics->busy->Dec();
  if (!connection->Reusable()) {
    Discard(connection);
    return;
  }
  if (!waiters.empty()) {
    auto waiter = std::move(waiters.front());
    waiters.pop_front();
    if (metrics) metrics->busy->Inc();
    waiter->connection = std::move(connection);
    waiter->timer.cancel();
    return;
  }
  idle.push_back(std::move(connection));
  if (metrics) metrics->idle->Inc();
}

void Pool::Shard::Discard(const std::shared_ptr<Connection>& connection) {
  connection->Close();
  FreeSlot();
}

void Pool::Shard::FreeSlot() {
  if (!waiters.empty()) {
    // The first waiter opens a new connection in the freed slot.
    auto waiter = std::move(waiters.front());
    waiters.pop_front();
    waiter->slot = true;
    waiter->timer.cancel();
    return;
  }
  --open;
}

// ---------------------------------------------------------------------------------------------------------------
// Pool

Pool::Pool(http::Runtime& runtime, PoolOptions options, metrics::Registry* registry)
    : runtime_(runtime), options_(std::move(options)) {
  std::shared_ptr<const detail::PoolMetrics> m;
  if (registry != nullptr) m = std::make_shared<detail::PoolMetrics>(*registry, options_.application_name);
  if (options_.max_per_worker == 0) options_.max_per_worker = 1;
  for (std::size_t i = 0; i < runtime_.size(); ++i) {
    shards_.push_back(std::make_unique<Shard>(runtime_.Context(i), options_, m));
  }
}

// Connections still out of the pool must not outlive it (they hold their shard): destroy a Pool only after
// the runtime has stopped or every task using it has finished.
Pool::~Pool() {
  for (auto& shard : shards_) {
    if (shard->metrics) shard->metrics->idle->Dec(static_cast<double>(shard->idle.size()));
  }
}

Pool::Shard& Pool::CurrentShard() {
  return *shards_[http::Runtime::CurrentWorker() % shards_.size()];
}

awaitable<std::shared_ptr<Connection>> Pool::Acquire() {
  detail::Lease lease = co_await CurrentShard().Acquire(Clock::time_point::max());
  co_return std::move(lease.connection);
}

void Pool::Release(std::shared_ptr<Connection> connection) {
  Shard& shard = connection->shard();
  shard.Release(std::move(connection));
}

awaitable<Result> Pool::Execute(const Statement& statement, Params params) {
  params.Freeze();
  Shard& shard = CurrentShard();
  // One retry, on a fresh connection, when a previously idle connection turns out dead before the
  // statement was completely sent (e.g. the server restarted meanwhile): the server cannot have run it.
  // Once sent, a lost connection is reported (503) as it may or may not have been applied.
  for (int attempt = 0;; ++attempt) {
    detail::Lease lease = co_await shard.Acquire(Clock::time_point::max());
    std::exception_ptr failure;
    bool retry = false;
    try {
      Result result = co_await lease.connection->Execute(statement, params, shard.StatementDeadline());
      shard.Release(std::move(lease.connection));
      co_return result;
    } catch (const PgError& e) {
      failure = std::current_exception();
      retry = attempt == 0 && lease.reused && e.kind() == ErrorKind::kUnavailable && lease.connection->broken() &&
              !lease.connection->request_sent();
    } catch (...) {
      failure = std::current_exception();
    }
    shard.Release(std::move(lease.connection));
    if (!retry) std::rethrow_exception(failure);
    log::Warn("database connection lost before sending; retrying on a new connection",
              {{"pool", options_.application_name}});
  }
}

awaitable<Transaction> Pool::Begin() {
  Shard& shard = CurrentShard();
  // BEGIN has no effect of its own, so it is retried once on a fresh connection whenever the connection broke.
  for (int attempt = 0;; ++attempt) {
    detail::Lease lease = co_await shard.Acquire(Clock::time_point::max());
    std::exception_ptr failure;
    bool retry = false;
    try {
      co_await lease.connection->Script("BEGIN", shard.StatementDeadline());
      co_return Transaction(this, std::move(lease.connection));
    } catch (const PgError& e) {
      failure = std::current_exception();
      retry = attempt == 0 && lease.reused && e.kind() == ErrorKind::kUnavailable && lease.connection->broken();
    } catch (...) {
      failure = std::current_exception();
    }
    shard.Release(std::move(lease.connection));
    if (!retry) std::rethrow_exception(failure);
  }
}

awaitable<void> Pool::Ping(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  Shard& shard = CurrentShard();
  detail::Lease lease = co_await shard.Acquire(deadline);
  std::exception_ptr failure;
  try {
    co_await lease.connection->Script("SELECT 1", deadline);
  } catch (...) {
    failure = std::current_exception();
  }
  shard.Release(std::move(lease.connection));
  if (failure) std::rethrow_exception(failure);
}

awaitable<void> Pool::Listen(std::string channel, std::function<void()> listening,
                             std::function<void(std::string_view)> notify, std::function<bool()> keep_going) {
  for (char c : channel) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) {
      throw PgError(ErrorKind::kInternal, "db.error", "a LISTEN channel must be a plain identifier", "", "");
    }
  }
  // Outside the shard's slots: a listener holds its connection for good, and must not starve the handlers.
  auto connection = std::make_shared<Connection>(CurrentShard());
  std::exception_ptr failure;
  try {
    co_await connection->Connect(options_, Clock::now() + options_.connect_timeout);
    co_await connection->Script("LISTEN " + channel, Clock::now() + options_.connect_timeout);
    listening();
    co_await connection->Notifications(notify, keep_going);
  } catch (...) {
    failure = std::current_exception();
  }
  connection->Close();
  if (failure) std::rethrow_exception(failure);
}

// ---------------------------------------------------------------------------------------------------------------
// Transaction

namespace {

// Runs on the connection's worker after a Transaction was dropped without Commit/Rollback.
awaitable<void> RollbackAndRelease(std::shared_ptr<Connection> connection) {
  std::exception_ptr failure;
  try {
    co_await connection->Script("ROLLBACK", connection->shard().StatementDeadline());
  } catch (...) {
    failure = std::current_exception();
    connection->MarkBroken();  // closed by Release rather than reused in an unknown state
  }
  Pool::Shard& shard = connection->shard();
  shard.Release(std::move(connection));
  if (failure) std::rethrow_exception(failure);
}

}  // namespace

Transaction::Transaction(Pool* pool, std::shared_ptr<Connection> connection)
    : pool_(pool), connection_(std::move(connection)) {}

Transaction::Transaction(Transaction&& other) noexcept
    : pool_(other.pool_), connection_(std::move(other.connection_)), done_(other.done_) {
  other.done_ = true;
}

Transaction::~Transaction() {
  if (!connection_) return;
  std::shared_ptr<Connection> connection = std::move(connection_);
  asio::io_context& io = connection->io();
  if (connection->broken() || io.stopped()) {
    // Nothing to roll back on a broken connection, and no loop to run it on a stopped one: closing the
    // connection makes the server roll back.
    connection->MarkBroken();
    connection->shard().Release(std::move(connection));
    return;
  }
  asio::co_spawn(io, RollbackAndRelease(std::move(connection)), detail::LogFailure{"transaction rollback failed"});
}

awaitable<Result> Transaction::Execute(const Statement& statement, Params params) {
  if (!connection_ || done_) throw detail::Closed();
  params.Freeze();
  co_return co_await connection_->Execute(statement, params, connection_->shard().StatementDeadline());
}

awaitable<Result> Transaction::ExecuteScript(std::string_view sql) {
  if (!connection_ || done_) throw detail::Closed();
  co_return co_await connection_->Script(sql, connection_->shard().StatementDeadline());
}

awaitable<void> Transaction::Commit() {
  if (!connection_ || done_) throw detail::Closed();
  done_ = true;
  std::shared_ptr<Connection> connection = std::move(connection_);
  std::exception_ptr failure;
  try {
    std::string command;
    co_await connection->Script("COMMIT", connection->shard().StatementDeadline(), &command);
    // COMMIT of a transaction in which a statement failed silently rolls back: that is a failure.
    if (command == "ROLLBACK") {
      throw PgError(ErrorKind::kConflict, "db.transaction_aborted",
                    "the transaction was rolled back because one of its statements failed", "25P02", "");
    }
  } catch (...) {
    failure = std::current_exception();
  }
  // Release closes the connection if the outcome left it broken or still inside a transaction.
  Pool::Shard& shard = connection->shard();
  shard.Release(std::move(connection));
  if (failure) std::rethrow_exception(failure);
}

awaitable<void> Transaction::Rollback() {
  if (!connection_ || done_) throw detail::Closed();
  done_ = true;
  std::shared_ptr<Connection> connection = std::move(connection_);
  std::exception_ptr failure;
  try {
    co_await connection->Script("ROLLBACK", connection->shard().StatementDeadline());
  } catch (...) {
    failure = std::current_exception();
    connection->MarkBroken();
  }
  Pool::Shard& shard = connection->shard();
  shard.Release(std::move(connection));
  if (failure) std::rethrow_exception(failure);
}

}  // namespace comptoir::pg
