#pragma once
// The chaos suite's load (ADR 0131): clients of their own, through the gateway like the tills and the shop —
// two cashiers selling and taking returns, one shopper checking out — each at a steady, bounded pace, each
// write retried with its Idempotency-Key the way a real client retries. Every attempt is recorded.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace comptoir::chaos {

using Clock = std::chrono::steady_clock;

enum class Kind { kSale, kReturn, kCheckout };
const char* KindName(Kind kind);

/// One HTTP attempt of an operation.
struct Attempt {
  Kind kind;
  Clock::time_point start;
  Clock::time_point end;
  int status = 0;          ///< 0: no answer (connection refused or reset, or the client's timeout)
  bool timed_out = false;  ///< the client gave up waiting (its timeout)
};

/// One operation as the client saw it: its key, and the id the platform gave when it succeeded.
struct Operation {
  Kind kind;
  std::string key;
  bool succeeded = false;
  std::string id;  ///< sale id, return id or order id
  std::int64_t total_cents = 0;
  Clock::time_point started = Clock::now();
  Clock::time_point ended;
};

/// What the clients saw; shared by the client threads and the suite.
class Journal {
 public:
  void Record(const Attempt& a);
  void Finish(Operation op);
  [[nodiscard]] std::vector<Attempt> AttemptsBetween(Clock::time_point from, Clock::time_point to) const;
  [[nodiscard]] std::vector<Operation> Operations() const;
  /// When the first operation of `kind` that started after `after` succeeded (max() when none yet).
  [[nodiscard]] Clock::time_point FirstSuccessAfter(Kind kind, Clock::time_point after) const;

 private:
  mutable std::mutex mutex_;
  std::vector<Attempt> attempts_;
  std::vector<Operation> operations_;
};

/// Where the clients send their requests, and how long each may take.
struct LoadOptions {
  int gateway_port = 0;
  std::chrono::milliseconds client_timeout{10000};
  std::chrono::milliseconds pace{250};  ///< pause between two operations of one client
  std::chrono::seconds give_up{30};     ///< a write retried this long is abandoned
};

/// The client threads. Start() launches them; Pause() lets each finish the operation it is in and waits;
/// Stop() ends them.
class Load {
 public:
  Load(LoadOptions options, Journal& journal);
  ~Load();
  void Start();
  void Pause();
  void Resume();
  void Stop();

 private:
  void Cashier(std::string email, int location);
  void Shopper(std::string email);
  bool Waiting();

  LoadOptions options_;
  Journal& journal_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> paused_{false};
  std::atomic<int> busy_{0};
  std::vector<std::thread> threads_;
};

}  // namespace comptoir::chaos
