#pragma once
#include <chrono>
#include <thread>

namespace comptoir::testing {

/// Polls `done` every 100 ms until it returns true or `limit` has passed, and returns its last answer: for what a
/// background task (a recovery pass, a retention run) does on its own time. The limit only guards against a hang;
/// it is not what a test asserts.
template <class F>
bool Eventually(F&& done, std::chrono::milliseconds limit = std::chrono::seconds(30)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return done();
}

}  // namespace comptoir::testing
