#include "cache/freshness.hpp"

#include <functional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "comptoir/http/server.hpp"
#include "comptoir/log.hpp"

namespace comptoir::product {
namespace asio = boost::asio;
using asio::awaitable;
using Clock = std::chrono::steady_clock;

namespace {

// $1 reader, $2 applied version, $3 lease (ms). The lease is extended only if the applied version is the
// latest committed one; the answer is that version (so a missed notification is noticed).
constexpr pg::Statement kRenew{
    "product.cache_renew",
    "INSERT INTO cache_readers AS r (reader_id, seen_version, lease_until)"
    " SELECT $1::uuid, $2::bigint, CASE WHEN $2::bigint >= v.v THEN now() + make_interval(secs => $3::bigint / 1000.0)"
    " ELSE now() END FROM catalogue_version v"
    " ON CONFLICT (reader_id) DO UPDATE SET seen_version = GREATEST(r.seen_version, EXCLUDED.seen_version),"
    " lease_until = CASE WHEN EXCLUDED.lease_until > now() THEN EXCLUDED.lease_until ELSE r.lease_until END"
    " RETURNING (SELECT v FROM catalogue_version)"};
constexpr const char* kChannel = "comptoir_catalogue";
constexpr pg::Statement kLeave{"product.cache_leave", "DELETE FROM cache_readers WHERE reader_id = $1::uuid"};
// Readers gone for an hour (a crash leaves its row; its lease ran out long ago).
constexpr pg::Statement kForget{"product.cache_forget",
                                "DELETE FROM cache_readers WHERE lease_until < now() - interval '1 hour'"};
constexpr pg::Statement kVersion{"product.catalogue_version", "SELECT v FROM catalogue_version"};
// Live leases that have not applied $1 yet.
constexpr pg::Statement kBehind{
    "product.cache_behind",
    "SELECT count(*) FROM cache_readers WHERE lease_until > now() AND seen_version < $1::bigint"};

}  // namespace

struct Freshness::State : std::enable_shared_from_this<Freshness::State> {
  State(pg::Pool& d, ResponseCache& c, CacheSettings s) : db(d), cache(c), settings(s), reader(http::NewUuid()) {}
  pg::Pool& db;
  ResponseCache& cache;
  CacheSettings settings;
  std::string reader;
  std::atomic<std::int64_t> applied{0};
  std::atomic<bool> running{false};
  int loops = 0;  // loops still running (worker 0 only)
  std::unique_ptr<asio::steady_timer> wake;

  void Applied(std::int64_t version) {
    // Empties first, then records: a renewal never reports a version whose answers could still be served.
    cache.InvalidateAll();
    std::int64_t seen = applied.load();
    while (seen < version && !applied.compare_exchange_weak(seen, version)) {
    }
  }

  awaitable<void> RenewOnce() {
    for (int round = 0; round < 3; ++round) {
      const auto sent = Clock::now();
      const std::int64_t mine = applied.load();
      pg::Result r = co_await db.Execute(
          kRenew, pg::Params().Add(reader).Add(mine).Add(static_cast<std::int64_t>(settings.lease.count())));
      const std::int64_t latest = r[0].Int(0);
      if (latest <= mine) {
        // Served until shortly before the row's lease ends, counted from before the renewal left.
        const auto margin = std::min(settings.lease / 4, std::chrono::milliseconds(250));
        if (running) cache.SetLeaseUntil(sent + settings.lease - margin);
        co_return;
      }
      Applied(latest);  // a change this instance did not hear of: forget everything, then report it
    }
  }

  awaitable<void> RenewLoop() {
    asio::steady_timer& timer = *wake;
    try {
      co_await db.Execute(kForget);
    } catch (const std::exception& e) {
      log::Warn("product cache: cannot forget old readers", {{"error", e.what()}});
    }
    while (running) {
      try {
        co_await RenewOnce();
      } catch (const std::exception& e) {
        cache.EndLease();  // cannot tell whether the catalogue changed: stop serving from memory
        log::Warn("product cache: lease not renewed", {{"error", e.what()}});
      }
      timer.expires_after(settings.renew);
      boost::system::error_code ec;
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    --loops;
  }

  awaitable<void> ListenLoop() {
    // `self` keeps the state alive while the loop runs; the callbacks hold a plain pointer. (They held
    // copies of `self`: g++ 12 destroys the temporaries of a co_await expression twice when the awaited
    // coroutine throws, so each lost listener released one reference too many, and after a PostgreSQL
    // restart the state was freed under the renewal loop — a heap-use-after-free the chaos suite found.)
    auto self = shared_from_this();
    State* state = this;
    const std::function<void(std::string_view)> notified = [state](std::string_view payload) {
      std::int64_t version = 0;
      for (char c : payload) version = c >= '0' && c <= '9' ? version * 10 + (c - '0') : version;
      state->Applied(version);
      if (state->wake) state->wake->cancel();  // report it now rather than at the next renewal
    };
    const std::function<bool()> keep_going = [state] { return state->running.load(); };
    const std::function<void()> listening = [] {};
    asio::steady_timer pause(co_await asio::this_coro::executor);
    while (running) {
      bool lost = false;
      try {
        co_await db.Listen(kChannel, listening, notified, keep_going);
      } catch (const std::exception& e) {
        // Renewals keep the cache correct without notifications (writes then wait up to a renewal).
        log::Warn("product cache: listener lost", {{"error", e.what()}});
        lost = true;
      }
      if (lost) {
        pause.expires_after(std::chrono::seconds(1));
        boost::system::error_code ec;
        co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      }
    }
    --loops;
  }
};

Freshness::Freshness(pg::Pool& db, ResponseCache& cache, CacheSettings settings)
    : state_(std::make_shared<State>(db, cache, settings)) {}

Freshness::~Freshness() {
  state_->running = false;
}

namespace {
struct LogEnd {
  const char* what;
  void operator()(const std::exception_ptr& e) const {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      log::Error(what, {{"error", ex.what()}});
    }
  }
};
awaitable<void> Renewing(std::shared_ptr<Freshness::State> s) {
  co_await s->RenewLoop();
}
awaitable<void> Listening(std::shared_ptr<Freshness::State> s) {
  co_await s->ListenLoop();
}
}  // namespace

void Freshness::Start(asio::io_context& io) {
  if (!state_->settings.enabled || state_->running) return;
  state_->running = true;
  state_->wake = std::make_unique<asio::steady_timer>(io);
  state_->loops = 2;
  asio::co_spawn(io, Listening(state_), LogEnd{"product cache listener ended"});
  asio::co_spawn(io, Renewing(state_), LogEnd{"product cache renewal ended"});
}

awaitable<void> Freshness::Stop() {
  auto s = state_;
  if (!s->running) co_return;
  s->running = false;
  s->cache.EndLease();
  if (s->wake) s->wake->cancel();
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (int i = 0; i < 300 && s->loops > 0; ++i) {  // the listener notices within a second
    timer.expires_after(std::chrono::milliseconds(10));
    co_await timer.async_wait(asio::use_awaitable);
  }
  try {
    co_await s->db.Execute(kLeave, pg::Params().Add(s->reader));
  } catch (const std::exception& e) {
    log::Warn("product cache: reader row not removed (its lease runs out)", {{"error", e.what()}});
  }
}

awaitable<void> Freshness::AwaitPublished() {
  auto s = state_;
  s->cache.InvalidateAll();  // this instance at once
  const auto limit = Clock::now() + s->settings.lease + std::chrono::seconds(1);
  asio::steady_timer timer(co_await asio::this_coro::executor);
  bool unanswered = false;
  try {
    pg::Result version = co_await s->db.Execute(kVersion);
    const std::int64_t committed = version[0].Int(0);
    auto pause = std::chrono::milliseconds(1);
    while (Clock::now() < limit) {
      pg::Result behind = co_await s->db.Execute(kBehind, pg::Params().Add(committed));
      if (behind[0].Int(0) == 0) co_return;
      timer.expires_after(pause);
      co_await timer.async_wait(asio::use_awaitable);
      pause = std::min(pause * 2, std::chrono::milliseconds(20));
    }
    log::Warn("product cache: a reader did not apply a change within its lease", {{"version", committed}});
  } catch (const std::exception& e) {
    // The database does not answer: no instance can renew its lease either, so once one lease has passed
    // none serves from before this write.
    log::Warn("product cache: waiting a whole lease before acknowledging a write", {{"error", e.what()}});
    unanswered = true;
  }
  if (unanswered) {
    timer.expires_at(limit);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

}  // namespace comptoir::product
