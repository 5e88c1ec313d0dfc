#pragma once
#include <string>
#include <string_view>

#include "comptoir/config.hpp"
#include "domain/order.hpp"

namespace comptoir::order {

/// The crash hook of the recovery tests (ADR 0053): the process `_exit`s right after recording a checkout step,
/// as a kill would leave it. It exists only in test builds — CMake option COMPTOIR_TEST_HOOKS, ON in the debug
/// preset the tests use, OFF by default and in the release preset. In any other build nothing reads its settings
/// (they are not even in the binary) and After() does nothing.
class CrashHook {
 public:
  /// Whether this build has the hook (COMPTOIR_TEST_HOOKS).
  static bool Compiled() noexcept;
  /// A test build reads its settings (comma-separated step names, and a key prefix P: only checkouts whose
  /// Idempotency-Key starts with P + step + "-"); a wrong step name is recorded as a problem in `source`.
  /// Any other build reads nothing.
  static CrashHook Load(config::Source& source);

  /// True when the settings ask to exit after recording `step` of the checkout with Idempotency-Key `key`.
  [[nodiscard]] bool Wants(Step step, std::string_view key) const;
  /// Exits the process (status 137, no clean-up) when Wants(step, key).
  void After(Step step, std::string_view key, std::string_view checkout_id) const;

  /// For unit tests of a test build.
  CrashHook(std::string steps, std::string key_prefix) : steps_(std::move(steps)), key_prefix_(std::move(key_prefix)) {}
  CrashHook() = default;

 private:
  std::string steps_;
  std::string key_prefix_;
};

}  // namespace comptoir::order
