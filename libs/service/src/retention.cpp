#include "comptoir/service/retention.hpp"

#include <limits>

#include "comptoir/events/retention.hpp"
#include "comptoir/log.hpp"
#include "comptoir/metrics.hpp"
#include "comptoir/service/periodic.hpp"

namespace comptoir::service {
namespace asio = boost::asio;
using asio::awaitable;

namespace {

constexpr pg::Statement kPurgeIdempotencyKeys{
    "service.retention.idempotency_keys",
    "DELETE FROM idempotency_keys WHERE (scope, key) IN (SELECT scope, key FROM idempotency_keys"
    " WHERE created_at < now() - make_interval(secs => $1::bigint) LIMIT $2::bigint)"};

awaitable<std::int64_t> PurgeWith(pg::Statement statement, pg::Pool& db, std::chrono::seconds age, std::int64_t batch) {
  pg::Result result =
      co_await db.Execute(statement, pg::Params().Add(static_cast<std::int64_t>(age.count())).Add(batch));
  co_return result.AffectedRows();
}

awaitable<std::int64_t> PurgeProcessed(redis::Client* redis, std::string stream, pg::Pool& db, std::chrono::seconds age,
                                       std::int64_t batch) {
  // Nothing the stream still holds may lose its row; an empty stream can deliver nothing again.
  std::optional<std::int64_t> oldest = co_await events::OldestEntryMs(*redis, stream);
  std::int64_t floor = oldest.value_or(std::numeric_limits<std::int64_t>::max());
  pg::Result result = co_await db.Execute(
      events::kPurgeProcessedEvents, pg::Params().Add(static_cast<std::int64_t>(age.count())).Add(batch).Add(floor));
  co_return result.AffectedRows();
}

double NowEpochSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

RetentionJob PurgeByStatement(std::string table, std::int64_t default_days, pg::Statement statement) {
  RetentionJob job;
  job.table = std::move(table);
  job.default_days = default_days;
  job.purge = [statement](pg::Pool& db, std::chrono::seconds age, std::int64_t batch) {
    return PurgeWith(statement, db, age, batch);
  };
  return job;
}

RetentionJob IdempotencyKeysRetention(std::int64_t default_days) {
  return PurgeByStatement("idempotency_keys", default_days, kPurgeIdempotencyKeys);
}

RetentionJob PublishedOutboxRetention(std::int64_t default_days) {
  return PurgeByStatement("outbox", default_days, events::kPurgePublishedOutbox);
}

RetentionJob ProcessedEventsRetention(redis::Client& redis, std::string stream, std::int64_t default_days) {
  RetentionJob job;
  job.table = "processed_events";
  job.default_days = default_days;
  redis::Client* client = &redis;
  job.purge = [client, stream = std::move(stream)](pg::Pool& db, std::chrono::seconds age, std::int64_t batch) {
    return PurgeProcessed(client, stream, db, age, batch);
  };
  return job;
}

RetentionSettings LoadRetentionSettings(config::Source& source) {
  RetentionSettings s;
  s.enabled = source.Bool("retention.enabled", true);
  s.interval = std::chrono::milliseconds(source.Int("retention.interval_ms", 3'600'000, 100, 7LL * 86'400'000));
  s.batch_size = source.Int("retention.batch_size", 1000, 1, 100'000);
  s.max_batches = source.Int("retention.max_batches", 100, 1, 100'000);
  return s;
}

std::vector<ResolvedRetention> ResolveRetention(config::Source& source, const std::string& service,
                                                std::vector<RetentionJob> jobs) {
  std::vector<ResolvedRetention> resolved;
  for (RetentionJob& job : jobs) {
    std::int64_t days = source.Int(service + ".retention." + job.table + "_days", job.default_days, 1, 3650);
    resolved.push_back(ResolvedRetention{std::move(job), std::chrono::hours(24 * days)});
  }
  return resolved;
}

struct Retention::State {
  State(pg::Pool& d, std::string s, RetentionSettings r, std::vector<ResolvedRetention> j)
      : db(d), service(std::move(s)), settings(r), jobs(std::move(j)) {}
  pg::Pool& db;
  std::string service;
  RetentionSettings settings;
  std::vector<ResolvedRetention> jobs;
  std::unique_ptr<Periodic> periodic;
  std::vector<metrics::Counter*> purged;
  std::vector<metrics::Counter*> failures;
  std::vector<metrics::Gauge*> last_run;
};

namespace {

awaitable<std::int64_t> RunJobs(std::shared_ptr<Retention::State> s) {
  std::int64_t total = 0;
  for (std::size_t i = 0; i < s->jobs.size(); ++i) {
    const ResolvedRetention& job = s->jobs[i];
    std::int64_t deleted = 0;
    std::optional<std::string> error;
    try {
      for (std::int64_t round = 0; round < s->settings.max_batches; ++round) {
        std::int64_t n = co_await job.job.purge(s->db, job.age, s->settings.batch_size);
        deleted += n;
        if (!s->purged.empty()) s->purged[i]->Inc(static_cast<double>(n));
        if (n < s->settings.batch_size) break;
      }
      if (!s->last_run.empty()) s->last_run[i]->Set(NowEpochSeconds());
    } catch (const std::exception& e) {
      error = e.what();
    }
    if (error) {
      if (!s->failures.empty()) s->failures[i]->Inc();
      log::Warn("retention: purge failed; retried at the next run",
                {{"service", s->service}, {"table", job.job.table}, {"error", *error}});
    }
    if (deleted > 0) {
      log::Info("retention: old rows purged",
                {{"service", s->service},
                 {"table", job.job.table},
                 {"rows", deleted},
                 {"older_than_days", static_cast<std::int64_t>(job.age.count() / 86400)}});
    }
    total += deleted;
  }
  co_return total;
}

// The periodic task holds the state weakly: the state owns the task.
awaitable<void> RunRound(std::weak_ptr<Retention::State> weak) {
  if (auto s = weak.lock()) co_await RunJobs(std::move(s));
}

}  // namespace

Retention::Retention(asio::io_context& io, pg::Pool& db, std::string service, RetentionSettings settings,
                     std::vector<ResolvedRetention> jobs, metrics::Registry* registry)
    : state_(std::make_shared<State>(db, std::move(service), settings, std::move(jobs))) {
  if (registry != nullptr) {
    auto& purged =
        registry->AddCounter("retention_rows_purged_total", "Rows deleted by the retention job, per table", {"table"});
    auto& failures =
        registry->AddCounter("retention_failures_total", "Retention runs of a table that failed", {"table"});
    auto& last = registry->AddGauge("retention_last_run_timestamp_seconds",
                                    "End of the last successful retention run of a table (Unix time)", {"table"});
    for (const ResolvedRetention& job : state_->jobs) {
      state_->purged.push_back(&purged.WithLabels({job.job.table}));
      state_->failures.push_back(&failures.WithLabels({job.job.table}));
      state_->last_run.push_back(&last.WithLabels({job.job.table}));
    }
  }
  std::weak_ptr<State> weak = state_;
  state_->periodic =
      std::make_unique<Periodic>(io, "retention", state_->settings.interval, [weak]() { return RunRound(weak); });
}

Retention::~Retention() = default;

void Retention::Start() {
  state_->periodic->Start(true);
}

awaitable<void> Retention::Stop() {
  co_await state_->periodic->Stop();
}

awaitable<std::int64_t> Retention::RunOnce() {
  co_return co_await RunJobs(state_);
}

}  // namespace comptoir::service
