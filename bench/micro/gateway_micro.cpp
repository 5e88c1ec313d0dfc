// Micro-benchmarks of the gateway's request head: what issue 16's trace step (StartTrace) adds to the
// refill of a typical request's headers, and the allocations per request (counted by operator new).
// The services' NextTraceparent (libs/http) is measured alongside for comparison.
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "comptoir/gateway/trace_context.hpp"
#include "comptoir/http/server.hpp"

namespace {
std::atomic<std::uint64_t> g_allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace {
namespace gw = comptoir::gateway;
namespace http = comptoir::http;

using Fields = std::vector<std::pair<std::string, std::string>>;

// What a browser's API call through the gateway typically carries.
Fields TypicalHead(bool with_traceparent) {
  Fields f{{"Host", "127.0.0.1:8000"},
           {"User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"},
           {"Accept", "application/json"},
           {"Accept-Language", "fr-CA,fr;q=0.9"},
           {"Accept-Encoding", "gzip, deflate, br"},
           {"X-API-Key", "pos-test-automation-dev-key-2025"},
           {"Authorization", "Bearer eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"},
           {"Connection", "keep-alive"},
           {"Cookie", "session=abc"}};
  if (with_traceparent) f.emplace_back("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  return f;
}

// The proxy's refill of the connection's request headers (HandleRequest), with or without the trace step.
void Refill(benchmark::State& state, bool traced, bool client_traceparent) {
  const Fields head = TypicalHead(client_traceparent);
  http::Headers headers;
  std::string traceparent;
  std::uint64_t allocations = 0;
  for (auto _ : state) {
    const auto before = g_allocations.load(std::memory_order_relaxed);
    headers.Clear();
    for (const auto& [name, value] : head) headers.Add(name, value);
    if (traced) gw::StartTrace(headers, traceparent);
    benchmark::DoNotOptimize(headers);
    allocations += g_allocations.load(std::memory_order_relaxed) - before;
  }
  state.counters["allocs_per_request"] = benchmark::Counter(static_cast<double>(allocations) / state.iterations());
}

void BM_GatewayHeadBefore(benchmark::State& state) {
  Refill(state, false, state.range(0) != 0);
}
BENCHMARK(BM_GatewayHeadBefore)->Arg(0)->Arg(1);

void BM_GatewayHeadWithTrace(benchmark::State& state) {
  Refill(state, true, state.range(0) != 0);
}
BENCHMARK(BM_GatewayHeadWithTrace)->Arg(0)->Arg(1);

void BM_GatewayNextHopTraceparent(benchmark::State& state) {
  std::string out;
  const std::string incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  for (auto _ : state) {
    gw::NextHopTraceparent(incoming, out);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_GatewayNextHopTraceparent);

void BM_ServiceNextTraceparent(benchmark::State& state) {
  const std::string incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  for (auto _ : state) benchmark::DoNotOptimize(http::NextTraceparent(incoming));
}
BENCHMARK(BM_ServiceNextTraceparent);

}  // namespace

BENCHMARK_MAIN();
