#include "comptoir/http/runtime.hpp"

#include <boost/asio/executor_work_guard.hpp>

namespace comptoir::http {
namespace {
thread_local std::size_t t_worker = 0;
}

Runtime::Runtime(int threads) {
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  for (int i = 0; i < threads; ++i) {
    // Concurrency hint 1: each context is run by exactly one thread, so Asio can skip locking.
    contexts_.push_back(std::make_unique<boost::asio::io_context>(1));
    guards_.push_back(std::make_unique<Guard>(contexts_.back()->get_executor()));
  }
}

Runtime::~Runtime() {
  Stop();
  // Destroy the loops last-to-first: objects owned by worker 0 (acceptors) may be kept alive by
  // coroutine frames of other workers, which are destroyed with their loop.
  while (!contexts_.empty()) contexts_.pop_back();
}

void Runtime::Run() {
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < contexts_.size(); ++i) {
    threads.emplace_back([this, i] {
      t_worker = i;
      contexts_[i]->run();
    });
  }
  t_worker = 0;
  contexts_[0]->run();
  for (auto& t : threads) t.join();
}

void Runtime::Stop() {
  guards_.clear();
  for (auto& c : contexts_) c->stop();
}

std::size_t Runtime::CurrentWorker() noexcept { return t_worker; }

}  // namespace comptoir::http
