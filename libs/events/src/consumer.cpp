#include "comptoir/events/consumer.hpp"

#include <charconv>
#include <optional>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "background.hpp"
#include "comptoir/http/log_context.hpp"
#include "comptoir/log.hpp"
#include "comptoir/metrics.hpp"

namespace comptoir::events {
namespace asio = boost::asio;
using asio::awaitable;

namespace {

constexpr pg::Statement kRecord{
    "events.consumer.record",
    "INSERT INTO processed_events (event_id, type, source, stream_id) VALUES ($1::text, $2::text, $3::text, $4::text)"
    " ON CONFLICT (event_id) DO NOTHING RETURNING event_id"};
constexpr pg::Statement kRecordSkipped{
    "events.consumer.record_skipped",
    "INSERT INTO processed_events (event_id, type, source, stream_id, skipped)"
    " VALUES ($1::text, $2::text, $3::text, $4::text, $5::text) ON CONFLICT (event_id) DO NOTHING"};

std::string StringField(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v && v->is_string()) return std::string(v->as_string());
  return {};
}

bool IsNoGroup(const std::exception& e) {
  return std::string_view(e.what()).find("NOGROUP") != std::string_view::npos;
}

}  // namespace

StreamEvent ParseEntry(std::string stream_id, const std::vector<redis::Reply>& fields) {
  StreamEvent event;
  event.stream_id = std::move(stream_id);
  std::string payload;
  for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
    if (!fields[i].IsString() || !fields[i + 1].IsString()) continue;
    if (fields[i].String() == "payload") payload = fields[i + 1].String();
    if (fields[i].String() == "source") event.source = fields[i + 1].String();
  }
  boost::system::error_code ec;
  boost::json::value envelope = boost::json::parse(payload, ec);
  if (ec || !envelope.is_object()) {
    throw ApiError::Validation("events.malformed", "stream entry " + event.stream_id + " has no JSON envelope");
  }
  const auto& o = envelope.as_object();
  event.id = StringField(o, "id");
  event.type = StringField(o, "type");
  if (auto source = StringField(o, "source"); !source.empty()) event.source = std::move(source);
  event.occurred_at = StringField(o, "occurred_at");
  event.correlation_id = StringField(o, "correlation_id");
  event.trace_id = StringField(o, "trace_id");
  if (const auto* data = o.if_contains("data")) event.data = *data;
  if (event.id.empty() || event.type.empty()) {
    throw ApiError::Validation("events.malformed", "stream entry " + event.stream_id + " has no event id or type");
  }
  return event;
}

std::pair<std::int64_t, std::int64_t> StreamPosition(std::string_view stream_id) {
  const auto dash = stream_id.find('-');
  if (dash == std::string_view::npos) return {0, 0};
  std::int64_t ms = 0;
  std::int64_t seq = 0;
  auto a = std::from_chars(stream_id.data(), stream_id.data() + dash, ms);
  auto b = std::from_chars(stream_id.data() + dash + 1, stream_id.data() + stream_id.size(), seq);
  if (a.ec != std::errc() || b.ec != std::errc()) return {0, 0};
  return {ms, seq};
}

struct Consumer::State {
  http::Runtime& runtime;
  pg::Pool& db;
  redis::Client& redis;
  Settings settings;
  ConsumerOptions options;
  Handler handler;
  asio::steady_timer timer;
  bool running = false;
  bool stopping = false;
  bool group_ready = false;
  bool own_pending = true;  ///< re-read this consumer's pending entries before new ones
  std::function<void()> on_stopped;
  metrics::Counter* consumed = nullptr;
  metrics::Counter* duplicates = nullptr;
  metrics::Counter* skipped = nullptr;
  metrics::Counter* failures = nullptr;
  metrics::Gauge* lag = nullptr;      ///< entries of the stream not yet delivered to the group
  metrics::Gauge* pending = nullptr;  ///< entries delivered to the group and not acknowledged
  std::chrono::steady_clock::time_point last_lag_check{};
  /// The loop's log context: names the event being applied (see HandleEntry).
  std::shared_ptr<log::RequestContext> log_context = std::make_shared<log::RequestContext>();

  State(http::Runtime& r, pg::Pool& d, redis::Client& c, Settings s, ConsumerOptions o, Handler h)
      : runtime(r),
        db(d),
        redis(c),
        settings(std::move(s)),
        options(std::move(o)),
        handler(std::move(h)),
        timer(r.Context(0)) {}
};

namespace {

awaitable<void> EnsureGroup(Consumer::State& s) {
  if (s.group_ready) co_return;
  std::vector<std::string> args1{"XGROUP", "CREATE", s.settings.stream, s.options.group, "0", "MKSTREAM"};
  redis::Reply r = co_await s.redis.Command(std::move(args1));
  if (r.IsError() && r.Error().find("BUSYGROUP") == std::string::npos) r.ThrowIfError();
  s.group_ready = true;
}

awaitable<void> ApplyEntry(Consumer::State& s, std::optional<StreamEvent> event, std::string stream_id);

// Applies one entry exactly once (see the header), then acknowledges it.
awaitable<void> HandleEntry(Consumer::State& s, const redis::Reply& entry) {
  const auto& parts = entry.Array();
  if (parts.size() < 2 || !parts[0].IsString()) co_return;
  const std::string stream_id = parts[0].String();
  if (parts[1].IsNil()) {
    // The entry was trimmed from the stream while pending: nothing to apply.
    std::vector<std::string> args2{"XACK", s.settings.stream, s.options.group, stream_id};
    co_await s.redis.Command(std::move(args2));
    co_return;
  }
  std::optional<StreamEvent> event;
  bool malformed = false;
  try {
    event = ParseEntry(stream_id, parts[1].Array());
  } catch (const ApiError& e) {
    log::Error("event skipped: malformed stream entry", {{"stream_id", stream_id}, {"error", e.detail()}});
    if (s.skipped) s.skipped->Inc();
    malformed = true;
  }
  if (malformed) {
    std::vector<std::string> args3{"XACK", s.settings.stream, s.options.group, stream_id};
    co_await s.redis.Command(std::move(args3));
    co_return;
  }
  // Applied under the request id and trace id that caused the event (its correlation id, its trace id): the
  // consumer's loop runs on an executor that makes `log_context` current (Consumer::Start), so every line of the
  // event carries them.
  struct Named {
    log::RequestContext& context;
    ~Named() {
      context.request_id.clear();
      context.trace_id.clear();
    }
  } named{*s.log_context};
  s.log_context->request_id = event->correlation_id;
  s.log_context->trace_id = event->trace_id;
  co_await ApplyEntry(s, std::move(event), stream_id);
}

// Applies a parsed entry once (processed_events), or records it as skipped, then acknowledges it.
awaitable<void> ApplyEntry(Consumer::State& s, std::optional<StreamEvent> event, std::string stream_id) {
  std::optional<std::string> skip_reason;
  {
    pg::Transaction tx = co_await s.db.Begin();
    pg::Result fresh =
        co_await tx.Execute(kRecord, pg::Params().Add(event->id).Add(event->type).Add(event->source).Add(stream_id));
    if (fresh.empty()) {
      co_await tx.Rollback();
      if (s.duplicates) s.duplicates->Inc();
    } else {
      try {
        co_await s.handler(tx, *event);
        co_await tx.Commit();
        if (s.consumed) s.consumed->Inc();
        log::Info("event applied", {{"group", s.options.group},
                                    {"event_id", event->id},
                                    {"type", event->type},
                                    {"source", event->source}});
      } catch (const ApiError& e) {
        if (e.kind() != ErrorKind::kValidation) throw;
        skip_reason = e.detail();
      }
    }
  }
  if (skip_reason) {
    // Data the handler cannot apply (a contract mismatch): record it as skipped so that it does not block
    // the stream, and say so loudly. Rebuilding after the fix applies it.
    log::Error("event skipped: the handler refused it",
               {{"event_id", event->id}, {"type", event->type}, {"error", *skip_reason}});
    co_await s.db.Execute(
        kRecordSkipped,
        pg::Params().Add(event->id).Add(event->type).Add(event->source).Add(stream_id).Add(*skip_reason));
    if (s.skipped) s.skipped->Inc();
  }
  std::vector<std::string> args4{"XACK", s.settings.stream, s.options.group, stream_id};
  co_await s.redis.Command(std::move(args4));
}

// Handles the entries of an XREADGROUP/XAUTOCLAIM entry list in order; returns how many.
awaitable<std::size_t> HandleEntries(Consumer::State& s, const redis::Reply& entries) {
  std::size_t handled = 0;
  for (const redis::Reply& entry : entries.Array()) {
    if (s.stopping) break;
    if (!entry.IsArray()) continue;
    co_await HandleEntry(s, entry);
    ++handled;
  }
  co_return handled;
}

awaitable<std::size_t> Poll(Consumer::State& s) {
  co_await EnsureGroup(s);
  const bool pending = s.own_pending;
  std::vector<std::string> command{"XREADGROUP",       "GROUP", s.options.group,
                                   s.options.consumer, "COUNT", std::to_string(s.settings.batch_size)};
  if (!pending) {
    command.push_back("BLOCK");
    command.push_back(std::to_string(s.options.block.count()));
  }
  command.insert(command.end(), {"STREAMS", s.settings.stream, pending ? "0" : ">"});
  redis::Reply reply = co_await s.redis.Command(std::move(command));
  if (reply.IsError()) {
    if (reply.Error().find("NOGROUP") != std::string::npos) s.group_ready = false;  // Redis lost it
    reply.ThrowIfError();
  }
  if (reply.IsNil() || reply.Array().empty()) {
    s.own_pending = false;
    co_return 0;
  }
  const redis::Reply& entries = reply.Array()[0].Array().at(1);
  if (pending && entries.Array().empty()) s.own_pending = false;
  co_return co_await HandleEntries(s, entries);
}

awaitable<std::size_t> Claim(Consumer::State& s) {
  co_await EnsureGroup(s);
  std::size_t handled = 0;
  std::string cursor = "0-0";
  do {
    std::vector<std::string> claim{"XAUTOCLAIM",
                                   s.settings.stream,
                                   s.options.group,
                                   s.options.consumer,
                                   std::to_string(s.settings.claim_idle.count()),
                                   cursor,
                                   "COUNT",
                                   std::to_string(s.settings.batch_size)};
    redis::Reply reply = co_await s.redis.Command(std::move(claim));
    if (reply.IsError() && reply.Error().find("NOGROUP") != std::string::npos) s.group_ready = false;
    reply.ThrowIfError();
    const auto& parts = reply.Array();
    cursor = parts.at(0).String();
    const std::size_t n = co_await HandleEntries(s, parts.at(1));
    if (n > 0) log::Info("claimed events left pending by another consumer", {{"count", n}});
    handled += n;
  } while (cursor != "0-0" && !s.stopping);
  co_return handled;
}

// Reads the group's lag and pending count (XINFO GROUPS) into the gauges, at most every 5 s. Redis leaves `lag`
// empty when it cannot know it (entries deleted from the middle of the stream): the gauge keeps its last value.
awaitable<void> UpdateLag(Consumer::State& s) {
  const auto now = std::chrono::steady_clock::now();
  if (s.lag == nullptr || now - s.last_lag_check < std::chrono::seconds(5)) co_return;
  s.last_lag_check = now;
  std::vector<std::string> command{"XINFO", "GROUPS", s.settings.stream};
  redis::Reply reply = co_await s.redis.Command(std::move(command));
  if (!reply.IsArray()) co_return;  // no stream yet (an error reply), nothing to report
  for (const redis::Reply& group : reply.Array()) {
    if (!group.IsArray()) continue;
    const auto& fields = group.Array();
    bool ours = false;
    std::optional<std::int64_t> lag, pending;
    for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
      if (!fields[i].IsString()) continue;
      const std::string& name = fields[i].String();
      if (name == "name" && fields[i + 1].IsString()) ours = fields[i + 1].String() == s.options.group;
      if (name == "lag" && fields[i + 1].IsInteger()) lag = fields[i + 1].Integer();
      if (name == "pending" && fields[i + 1].IsInteger()) pending = fields[i + 1].Integer();
    }
    if (!ours) continue;
    if (lag) s.lag->Set(static_cast<double>(*lag));
    if (pending) s.pending->Set(static_cast<double>(*pending));
  }
}

awaitable<void> RunConsumer(std::shared_ptr<Consumer::State> s) {
  int failures = 0;
  auto last_claim = std::chrono::steady_clock::now() - std::chrono::hours(1);
  log::Info("event consumer started",
            {{"group", s->options.group}, {"consumer", s->options.consumer}, {"stream", s->settings.stream}});
  while (!s->stopping) {
    std::chrono::milliseconds pause{0};
    try {
      const auto now = std::chrono::steady_clock::now();
      if (now - last_claim >= s->settings.claim_idle / 2) {
        last_claim = now;
        co_await Claim(*s);
      }
      co_await Poll(*s);
      co_await UpdateLag(*s);
      if (failures > 0) log::Info("event consumer recovered", {{"group", s->options.group}});
      failures = 0;
    } catch (const std::exception& e) {
      ++failures;
      if (s->failures) s->failures->Inc();
      s->own_pending = true;  // an entry may have been left unacknowledged: read own pending entries first
      if (IsNoGroup(e)) s->group_ready = false;
      pause = Backoff(failures, s->settings.max_backoff);
      if (failures == 1 || failures % 10 == 0) {
        log::Warn("event consumer cannot read or apply events; retrying",
                  {{"group", s->options.group},
                   {"error", e.what()},
                   {"failures", failures},
                   {"retry_ms", static_cast<std::int64_t>(pause.count())}});
      }
    }
    if (s->stopping) break;
    if (pause.count() > 0) {
      s->timer.expires_after(pause);
      boost::system::error_code ec;
      co_await s->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
  }
  log::Info("event consumer stopped", {{"group", s->options.group}});
}

}  // namespace

Consumer::Consumer(http::Runtime& runtime, pg::Pool& db, redis::Client& redis, Settings settings,
                   ConsumerOptions options, Handler handler, metrics::Registry* registry)
    : state_(std::make_shared<State>(runtime, db, redis, std::move(settings), std::move(options), std::move(handler))) {
  if (registry) {
    const std::string& g = state_->options.group;
    state_->consumed =
        &registry->AddCounter("events_consumed_total", "Events applied by a consumer group", {"group"}).WithLabels({g});
    state_->duplicates =
        &registry->AddCounter("events_duplicates_total", "Events delivered again and ignored", {"group"})
             .WithLabels({g});
    state_->skipped =
        &registry->AddCounter("events_skipped_total", "Events recorded as skipped (malformed or refused)", {"group"})
             .WithLabels({g});
    state_->failures =
        &registry
             ->AddCounter("events_consumer_failures_total", "Consumer rounds that failed and were retried", {"group"})
             .WithLabels({g});
    state_->lag = &registry->AddGauge("events_consumer_lag", "Stream entries not yet delivered to the consumer group",
                                      {"group"})
                       .WithLabels({g});
    state_->pending =
        &registry->AddGauge("events_consumer_pending", "Entries delivered to the group and not yet acknowledged",
                            {"group"})
             .WithLabels({g});
  }
}

Consumer::~Consumer() = default;

void Consumer::Start() {
  auto s = state_;
  detail::StartLoopOn(http::WithLogContext(s->runtime.Context(0).get_executor(), s->log_context), s, RunConsumer,
                      [s](const std::exception& e) {
    log::Error("event consumer ended with an error", {{"group", s->options.group}, {"error", e.what()}});
  });
}

void Consumer::Stop(std::function<void()> done) {
  detail::StopLoop(state_, std::move(done));
}

awaitable<std::size_t> Consumer::PollOnce() {
  co_return co_await Poll(*state_);
}
awaitable<std::size_t> Consumer::ClaimStale() {
  co_return co_await Claim(*state_);
}

awaitable<bool> Consumer::Rewind() {
  State& s = *state_;
  co_await EnsureGroup(s);
  std::vector<std::string> args5{"XGROUP", "SETID", s.settings.stream, s.options.group, "0"};
  (co_await s.redis.Command(std::move(args5))).ThrowIfError();
  std::vector<std::string> args6{"XINFO", "STREAM", s.settings.stream};
  redis::Reply info = co_await s.redis.Command(std::move(args6));
  info.ThrowIfError();
  std::int64_t length = 0;
  std::int64_t added = -1;
  const auto& fields = info.Array();
  for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
    if (!fields[i].IsString() || !fields[i + 1].IsInteger()) continue;
    if (fields[i].String() == "length") length = fields[i + 1].Integer();
    if (fields[i].String() == "entries-added") added = fields[i + 1].Integer();
  }
  co_return added < 0 || added == length;
}

awaitable<StreamInfo> Consumer::Describe() {
  State& s = *state_;
  std::vector<std::string> args{"XINFO", "STREAM", s.settings.stream};
  redis::Reply info = co_await s.redis.Command(std::move(args));
  StreamInfo out;
  if (info.IsError()) {
    if (info.Error().find("no such key") != std::string::npos) co_return out;
    info.ThrowIfError();
  }
  out.exists = true;
  const auto& fields = info.Array();
  for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
    if (!fields[i].IsString()) continue;
    const std::string& name = fields[i].String();
    const redis::Reply& value = fields[i + 1];
    if (name == "length" && value.IsInteger()) out.length = value.Integer();
    if (name == "entries-added" && value.IsInteger()) out.entries_added = value.Integer();
    if (name == "first-entry" && value.IsArray() && !value.Array().empty() && value.Array()[0].IsString()) {
      out.first_entry_id = value.Array()[0].String();
    }
  }
  co_return out;
}

}  // namespace comptoir::events
