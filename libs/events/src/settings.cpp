#include "comptoir/events/settings.hpp"

#include <algorithm>

namespace comptoir::events {

Settings LoadSettings(config::Source& s) {
  Settings settings;
  settings.enabled = s.Bool("events.enabled", true);
  settings.redis_url = s.String("events.redis_url", s.String("redis.url", ""));
  settings.stream = s.String("events.stream", "comptoir:events");
  s.Check(!settings.stream.empty(), "events.stream", "must not be empty");
  settings.stream_max_len = s.Int("events.stream_max_len", 1'000'000, 1000, 1'000'000'000);
  settings.poll_interval = std::chrono::milliseconds(s.Int("events.poll_interval_ms", 100, 5, 60000));
  settings.batch_size = s.Int("events.batch_size", 100, 1, 10000);
  settings.max_backoff = std::chrono::milliseconds(s.Int("events.max_backoff_ms", 5000, 100, 600000));
  settings.claim_idle = std::chrono::milliseconds(s.Int("events.claim_idle_ms", 30000, 100, 86'400'000));
  return settings;
}

std::chrono::milliseconds Backoff(int failures, std::chrono::milliseconds max) {
  if (failures <= 0) return std::chrono::milliseconds(0);
  const int shift = std::min(failures - 1, 20);
  return std::min(max, std::chrono::milliseconds(100LL << shift));
}

}  // namespace comptoir::events
