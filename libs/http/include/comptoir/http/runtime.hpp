#pragma once
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>

namespace comptoir::http {

/// Shard-per-thread event loops: one io_context per worker thread. A connection lives its whole
/// life on one worker, and per-worker resources (database pools, HTTP client pools) need no locks.
class Runtime {
 public:
  /// `threads` <= 0 means one per core.
  explicit Runtime(int threads);
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;
  ~Runtime();

  [[nodiscard]] std::size_t size() const noexcept { return contexts_.size(); }
  [[nodiscard]] boost::asio::io_context& Context(std::size_t worker) { return *contexts_[worker]; }
  /// The io_context of the calling worker thread (worker 0 outside workers).
  [[nodiscard]] boost::asio::io_context& Current() { return *contexts_[CurrentWorker() % contexts_.size()]; }

  /// Runs every event loop, the calling thread being worker 0; returns after Stop() once all loops end.
  void Run();
  /// Ends every loop (pending work is abandoned; call after a graceful drain).
  void Stop();

  /// Index of the worker the calling thread runs (0 outside workers).
  static std::size_t CurrentWorker() noexcept;

 private:
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  using Guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  std::vector<std::unique_ptr<Guard>> guards_;
};

}  // namespace comptoir::http
