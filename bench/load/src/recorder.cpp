#include "recorder.hpp"

#include <algorithm>

namespace comptoir::load {

void RequestStats::Merge(const RequestStats& other) {
  latency.Merge(other.latency);
  service.Merge(other.service);
  count += other.count;
  failed += other.failed;
  for (const auto& [status, n] : other.statuses) statuses[status] += n;
}

void CheckStats::Merge(const CheckStats& other) {
  passes += other.passes;
  fails += other.fails;
  for (const auto& e : other.examples) {
    if (examples.size() >= kMaxExamples) break;
    examples.push_back(e);
  }
}

void Interval::Merge(const Interval& other) {
  latency.Merge(other.latency);
  requests += other.requests;
  failed += other.failed;
  iterations += other.iterations;
  dropped += other.dropped;
  vus += other.vus;  // workers' VUs add up
}

Recorder::Recorder(Clock::time_point start, std::chrono::milliseconds interval)
    : start_(start), interval_(interval.count() > 0 ? interval : std::chrono::milliseconds(1000)) {}

Interval& Recorder::At(Clock::time_point now) {
  const auto elapsed = now < start_ ? Clock::duration::zero() : now - start_;
  const auto index = static_cast<std::size_t>(elapsed / interval_);
  if (index >= series_.size()) series_.resize(index + 1);
  return series_[index];
}

void Recorder::Request(const Sample& sample, Clock::time_point now) {
  if (sample.setup) {
    auto& stats = by_name_[std::string("setup:").append(sample.name)];
    ++stats.count;
    stats.failed += sample.failed ? 1 : 0;
    ++stats.statuses[sample.status];
    stats.latency.Record(sample.latency_us);
    stats.service.Record(sample.service_us);
    return;
  }
  auto found = by_name_.find(sample.name);
  if (found == by_name_.end()) found = by_name_.emplace(std::string(sample.name), RequestStats{}).first;
  for (RequestStats* stats : {&all_, &found->second}) {
    ++stats->count;
    stats->failed += sample.failed ? 1 : 0;
    ++stats->statuses[sample.status];
    stats->latency.Record(sample.latency_us);
    stats->service.Record(sample.service_us);
  }
  bytes_in_ += sample.bytes_in;
  bytes_out_ += sample.bytes_out;
  Interval& slot = At(now);
  ++slot.requests;
  slot.failed += sample.failed ? 1 : 0;
  slot.latency.Record(sample.latency_us);
}

bool Recorder::Check(std::string_view name, bool ok, std::string_view detail) {
  auto found = checks_.find(name);
  if (found == checks_.end()) found = checks_.emplace(std::string(name), CheckStats{}).first;
  if (ok) {
    ++found->second.passes;
  } else {
    ++found->second.fails;
    if (found->second.examples.size() < CheckStats::kMaxExamples) found->second.examples.emplace_back(detail);
  }
  return ok;
}

void Recorder::Iteration(std::uint64_t duration_us, Clock::time_point now) {
  iteration_.Record(duration_us);
  ++At(now).iterations;
}

void Recorder::Dropped(Clock::time_point now) {
  ++dropped_;
  ++At(now).dropped;
}

void Recorder::Vus(int n, Clock::time_point now) {
  Interval& slot = At(now);
  slot.vus = std::max(slot.vus, n);
  vus_max_ = std::max(vus_max_, n);
}

void Recorder::Merge(const Recorder& other) {
  all_.Merge(other.all_);
  for (const auto& [name, stats] : other.by_name_) by_name_[name].Merge(stats);
  for (const auto& [name, stats] : other.checks_) checks_[name].Merge(stats);
  iteration_.Merge(other.iteration_);
  // Intervals line up when the recorders share the start; a later start shifts the other's series.
  const auto shift = other.start_ > start_ ? static_cast<std::size_t>((other.start_ - start_) / interval_) : 0;
  if (other.series_.size() + shift > series_.size()) series_.resize(other.series_.size() + shift);
  for (std::size_t i = 0; i < other.series_.size(); ++i) series_[i + shift].Merge(other.series_[i]);
  dropped_ += other.dropped_;
  interrupted_ += other.interrupted_;
  bytes_in_ += other.bytes_in_;
  bytes_out_ += other.bytes_out_;
  vus_max_ += other.vus_max_;
}

std::uint64_t Recorder::check_passes() const {
  std::uint64_t n = 0;
  for (const auto& [name, c] : checks_) n += c.passes;
  return n;
}

std::uint64_t Recorder::check_fails() const {
  std::uint64_t n = 0;
  for (const auto& [name, c] : checks_) n += c.fails;
  return n;
}

}  // namespace comptoir::load
