#include "comptoir/events/relay.hpp"

#include <atomic>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include "background.hpp"
#include "comptoir/log.hpp"
#include "comptoir/metrics.hpp"

namespace comptoir::events {
namespace asio = boost::asio;
using asio::awaitable;

namespace {

// One relay per database at a time: a transaction-scoped advisory lock, released by COMMIT/ROLLBACK (no
// session state to lose when a pooled connection is dropped).
constexpr pg::Statement kTryLock{"events.relay.lock",
                                 "SELECT pg_try_advisory_xact_lock(hashtext('comptoir.outbox_relay'))"};
constexpr pg::Statement kSelectBatch{
    "events.relay.batch",
    "SELECT seq, id::text, type, aggregate_type || ':' || aggregate_id, payload::text FROM outbox"
    " WHERE published_at IS NULL ORDER BY seq LIMIT $1::bigint FOR UPDATE"};
constexpr pg::Statement kMarkPublished{
    "events.relay.mark", "UPDATE outbox SET published_at = now() WHERE seq = ANY($1::bigint[])"};
constexpr pg::Statement kBacklog{
    "events.relay.backlog",
    "SELECT count(*), COALESCE(EXTRACT(EPOCH FROM now() - min(occurred_at)), 0)::float8 FROM outbox"
    " WHERE published_at IS NULL"};

}  // namespace

struct Relay::State {
  http::Runtime& runtime;
  pg::Pool& db;
  redis::Client& redis;
  Settings settings;
  std::string source;
  asio::steady_timer timer;
  bool running = false;
  bool stopping = false;
  std::function<void()> on_stopped;
  metrics::Gauge* backlog = nullptr;
  metrics::Gauge* lag = nullptr;
  metrics::Counter* published = nullptr;
  metrics::Counter* failures = nullptr;

  State(http::Runtime& r, pg::Pool& d, redis::Client& c, Settings s, std::string src)
      : runtime(r), db(d), redis(c), settings(std::move(s)), source(std::move(src)), timer(r.Context(0)) {}
};

namespace {

awaitable<std::size_t> PublishRound(Relay::State& s) {
  pg::Transaction tx = co_await s.db.Begin();
  pg::Result locked = co_await tx.Execute(kTryLock);
  if (!locked[0].Bool(0)) {
    co_await tx.Rollback();
    co_return 0;  // another process of this service is publishing
  }
  pg::Result rows = co_await tx.Execute(kSelectBatch, pg::Params().Add(s.settings.batch_size));
  if (rows.empty()) {
    co_await tx.Commit();
    co_return 0;
  }
  std::vector<std::vector<std::string>> commands;
  std::string seqs = "{";
  const std::string max_len = std::to_string(s.settings.stream_max_len);
  for (int i = 0; i < rows.size(); ++i) {
    pg::Row row = rows[i];
    const std::string seq(row.Text(0));
    if (i > 0) seqs += ',';
    seqs += seq;
    commands.push_back({"XADD", s.settings.stream, "MAXLEN", "~", max_len, "*", "id", std::string(row.Text(1)),
                        "type", std::string(row.Text(2)), "source", s.source, "aggregate",
                        std::string(row.Text(3)), "seq", seq, "payload", std::string(row.Text(4))});
  }
  seqs += '}';
  std::vector<redis::Reply> replies = co_await s.redis.Pipeline(std::move(commands));
  for (const redis::Reply& reply : replies) reply.ThrowIfError();
  co_await tx.Execute(kMarkPublished, pg::Params().Add(seqs));
  co_await tx.Commit();
  if (s.published) s.published->Inc(static_cast<double>(rows.size()));
  co_return static_cast<std::size_t>(rows.size());
}

awaitable<std::int64_t> Measure(Relay::State& s) {
  pg::Result r = co_await s.db.Execute(kBacklog);
  const std::int64_t backlog = r[0].Int(0);
  if (s.backlog) s.backlog->Set(static_cast<double>(backlog));
  if (s.lag) s.lag->Set(r[0].Double(1));
  co_return backlog;
}

// The publishing loop. State is shared (not captured by a lambda) so that Stop() can reach the timer.
awaitable<void> RunRelay(std::shared_ptr<Relay::State> s) {
  int failures = 0;
  auto last_measure = std::chrono::steady_clock::now() - std::chrono::hours(1);
  log::Info("outbox relay started", {{"service", s->source}, {"stream", s->settings.stream}});
  while (!s->stopping) {
    std::chrono::milliseconds pause = s->settings.poll_interval;
    try {
      const std::size_t published = co_await PublishRound(*s);
      if (failures > 0) log::Info("outbox relay recovered", {{"service", s->source}, {"failures", failures}});
      failures = 0;
      // A full batch means more rows are waiting: go on at once.
      if (published == static_cast<std::size_t>(s->settings.batch_size)) pause = std::chrono::milliseconds(0);
    } catch (const std::exception& e) {
      ++failures;
      if (s->failures) s->failures->Inc();
      pause = Backoff(failures, s->settings.max_backoff);
      // Log the first failure and then every tenth: Redis down for minutes must not flood the log.
      if (failures == 1 || failures % 10 == 0) {
        log::Warn("outbox relay cannot publish; events wait in the outbox",
                  {{"service", s->source}, {"error", e.what()}, {"failures", failures},
                   {"retry_ms", static_cast<std::int64_t>(pause.count())}});
      }
    }
    const auto now = std::chrono::steady_clock::now();
    if (now - last_measure >= std::chrono::seconds(1)) {
      last_measure = now;
      try {
        co_await Measure(*s);
      } catch (const std::exception&) {
        // the database is down: the gauges keep their last value
      }
    }
    if (s->stopping) break;
    if (pause.count() > 0) {
      s->timer.expires_after(pause);
      boost::system::error_code ec;
      co_await s->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
  }
  log::Info("outbox relay stopped", {{"service", s->source}});
}


}  // namespace

Relay::Relay(http::Runtime& runtime, pg::Pool& db, redis::Client& redis, Settings settings, std::string source,
             metrics::Registry* registry)
    : state_(std::make_shared<State>(runtime, db, redis, std::move(settings), std::move(source))) {
  if (registry) {
    state_->backlog = &registry->AddGauge("outbox_backlog", "Outbox rows not yet published to the stream").WithLabels({});
    state_->lag = &registry->AddGauge("outbox_lag_seconds", "Age of the oldest unpublished outbox row").WithLabels({});
    state_->published =
        &registry->AddCounter("outbox_published_total", "Outbox rows published to the stream").WithLabels({});
    state_->failures =
        &registry->AddCounter("outbox_publish_failures_total", "Relay rounds that failed (Redis or database down)")
             .WithLabels({});
  }
}

Relay::~Relay() = default;

void Relay::Start() {
  auto s = state_;
  detail::StartLoop(s, RunRelay, [s](const std::exception& e) {
    log::Error("outbox relay ended with an error", {{"service", s->source}, {"error", e.what()}});
  });
}

void Relay::Stop(std::function<void()> done) { detail::StopLoop(state_, std::move(done)); }

awaitable<std::size_t> Relay::PublishOnce() { co_return co_await PublishRound(*state_); }
awaitable<std::int64_t> Relay::MeasureBacklog() { co_return co_await Measure(*state_); }

}  // namespace comptoir::events
