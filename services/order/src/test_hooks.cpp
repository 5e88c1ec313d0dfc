#include "test_hooks.hpp"

#include <cstdio>
#include <cstdlib>

#include "comptoir/log.hpp"

#ifndef COMPTOIR_TEST_HOOKS
#define COMPTOIR_TEST_HOOKS 0
#endif

namespace comptoir::order {

bool CrashHook::Compiled() noexcept {
  return COMPTOIR_TEST_HOOKS != 0;
}

#if COMPTOIR_TEST_HOOKS

CrashHook CrashHook::Load(config::Source& source) {
  CrashHook hook(source.String("order.crash_after_step", ""), source.String("order.crash_key_prefix", ""));
  std::string_view steps = hook.steps_;
  while (!steps.empty()) {
    std::size_t comma = steps.find(',');
    source.Check(ParseStep(steps.substr(0, comma)).has_value(), "order.crash_after_step",
                 "must list checkout steps separated by commas (e.g. charging,charged)");
    steps = comma == std::string_view::npos ? std::string_view() : steps.substr(comma + 1);
  }
  return hook;
}

bool CrashHook::Wants(Step step, std::string_view key) const {
  std::string_view list = steps_;
  std::string_view name = StepName(step);
  while (!list.empty()) {
    std::size_t comma = list.find(',');
    if (list.substr(0, comma) == name) {
      if (key_prefix_.empty()) return true;
      std::string prefix = key_prefix_ + std::string(name) + "-";
      if (key.substr(0, prefix.size()) == prefix) return true;
    }
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
  }
  return false;
}

void CrashHook::After(Step step, std::string_view key, std::string_view checkout_id) const {
  if (!Wants(step, key)) return;
  log::Error("test crash hook: exiting on purpose",
             {{"checkout_id", std::string(checkout_id)}, {"step", std::string(StepName(step))}});
  std::fflush(nullptr);
  std::_Exit(137);
}

#else  // a build without test hooks: no setting is read, nothing ever exits

CrashHook CrashHook::Load(config::Source& /*source*/) {
  return CrashHook();
}
bool CrashHook::Wants(Step /*step*/, std::string_view /*key*/) const {
  return false;
}
void CrashHook::After(Step /*step*/, std::string_view /*key*/, std::string_view /*checkout_id*/) const {}

#endif

}  // namespace comptoir::order
