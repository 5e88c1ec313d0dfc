#pragma once
#include <chrono>
#include <cstdint>

#include <boost/asio/awaitable.hpp>

#include "comptoir/auth/auth.hpp"
#include "comptoir/http/message.hpp"
#include "peers/peers.hpp"
#include "storage/repository.hpp"

namespace comptoir::sales {

/// `sales.recovery_interval_ms` (default 10 s) and `sales.recovery_stale_ms` (default 60 s: far above the
/// longest a request holds an intent — one inventory call and one transaction).
struct RecoverySettings {
  std::chrono::milliseconds interval{10000};
  std::chrono::milliseconds stale{60000};
};

/// Undoes an intent that is `compensating`: reverses its movement at inventory (a tombstone when the movement
/// never arrived, so that a late one is refused), then — in one transaction — cancels its pending return and
/// marks it `reversed`. False when inventory could not be reached: the intent stays for the next pass.
boost::asio::awaitable<bool> UndoIntent(Repository& repository, const Stock& stock, const StockIntent& intent,
                                        const http::Request& origin);

/// The recovery pass (ADR 0033), at start and every `interval`: intents left `moving` or `compensating` for
/// longer than `stale` — a crash between the stock call and the commit, a failure whose reversal did not get
/// through — are undone. The sale or return was never answered as done, so it is never completed behind
/// the cashier's back; a retry with the same key is then refused (409 `sales.key_abandoned`).
class Recovery {
 public:
  Recovery(Repository& repository, const Stock& stock, RecoverySettings settings)
      : repository_(repository), stock_(stock), settings_(settings) {}

  boost::asio::awaitable<void> RecoverOnce();
  [[nodiscard]] const RecoverySettings& settings() const noexcept { return settings_; }

 private:
  /// The origin of the pass's calls: no one's token (Stock's peer sends sales' own service token, ADR 0008).
  [[nodiscard]] static http::Request Origin(const StockIntent& intent);

  Repository& repository_;
  const Stock& stock_;
  RecoverySettings settings_;
};

}  // namespace comptoir::sales
