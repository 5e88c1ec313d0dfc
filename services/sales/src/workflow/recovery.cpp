#include "workflow/recovery.hpp"

#include "comptoir/log.hpp"

namespace comptoir::sales {
namespace {

constexpr std::int64_t kBatch = 100;

}  // namespace

boost::asio::awaitable<bool> UndoIntent(Repository& repository, const Stock& stock, const StockIntent& intent,
                                        const http::Request& origin) {
  if (!co_await stock.Reverse(origin, intent.inventory_key)) {
    co_await repository.NoteIntentFailure(intent.inventory_key, "inventory did not reverse the movement");
    co_return false;
  }
  pg::Transaction tx = co_await repository.db().Begin();
  if (intent.return_id) co_await repository.CancelReturn(tx, *intent.return_id);
  co_await repository.MarkReversed(tx, intent.inventory_key);
  co_await tx.Commit();
  log::Info("stock movement reversed", {{"key", intent.inventory_key}, {"kind", intent.kind}});
  co_return true;
}

http::Request Recovery::Origin(const StockIntent& intent) {
  http::Request origin;
  origin.request_id = "recovery-" + intent.inventory_key;
  return origin;
}

boost::asio::awaitable<void> Recovery::RecoverOnce() {
  std::vector<StockIntent> stale = co_await repository_.StaleIntents(settings_.stale.count(), kBatch);
  for (StockIntent& intent : stale) {
    try {
      // A `moving` intent is taken over only if its request has not recorded it meanwhile (conditional).
      if (intent.state == "moving") {
        const bool taken = co_await repository_.StartCompensating(intent.inventory_key);
        if (!taken) continue;
      }
      log::Warn("recovering an unfinished stock movement",
                {{"key", intent.inventory_key}, {"state", intent.state}, {"attempts", intent.attempts}});
      co_await UndoIntent(repository_, stock_, intent, Origin(intent));
    } catch (const std::exception& e) {
      log::Warn("stock intent not recovered; retried at the next pass",
                {{"key", intent.inventory_key}, {"error", e.what()}});
    }
  }
}

}  // namespace comptoir::sales
