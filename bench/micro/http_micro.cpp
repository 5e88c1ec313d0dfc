// Micro-benchmarks of the request path's pure parts: routing, query parsing, metrics, problem+json.
#include <benchmark/benchmark.h>

#include "comptoir/error.hpp"
#include "comptoir/http/router.hpp"
#include "comptoir/http/server.hpp"
#include "comptoir/metrics.hpp"

namespace {
using comptoir::http::Method;

boost::asio::awaitable<comptoir::http::Response> Noop(comptoir::http::Request&) {
  co_return comptoir::http::Response::Empty(204);
}

comptoir::http::Router MakeRouter() {
  comptoir::http::Router router;
  for (const char* p : {"/api/v1/products", "/api/v1/products/{id}", "/api/v1/products/by-sku/{sku}",
                        "/api/v1/categories", "/api/v1/categories/{id}", "/health", "/ready", "/metrics",
                        "/openapi.json", "/docs", "/docs/{file}"}) {
    router.Add(Method::kGet, p, Noop);
    router.Add(Method::kPut, p, Noop);
  }
  return router;
}

void BM_RouterFind(benchmark::State& state) {
  auto router = MakeRouter();
  std::vector<std::pair<std::string, std::string>> params;
  for (auto _ : state) {
    auto m = router.Find(Method::kGet, "/api/v1/products/by-sku/ALIM-0009", params);
    benchmark::DoNotOptimize(m.route);
  }
}
BENCHMARK(BM_RouterFind);

void BM_QueryParse(benchmark::State& state) {
  comptoir::http::Request r;
  r.query = "q=caf%C3%A9&category_id=3&sort=-price_cents&page=2&per_page=20";
  for (auto _ : state) benchmark::DoNotOptimize(r.QueryParams());
}
BENCHMARK(BM_QueryParse);

void BM_HistogramObserve(benchmark::State& state) {
  comptoir::metrics::Histogram h(comptoir::metrics::DefaultLatencyBuckets());
  for (auto _ : state) h.Observe(0.0042);
}
BENCHMARK(BM_HistogramObserve)->Threads(1)->Threads(2);

void BM_ProblemJson(benchmark::State& state) {
  auto e = comptoir::ApiError::NotFound("product.not_found", "no product with id 99");
  for (auto _ : state) benchmark::DoNotOptimize(comptoir::ProblemJson(e, "0b7c1c9e-7b0e-4c55-9a59-0f3a5f0b5d1e"));
}
BENCHMARK(BM_ProblemJson);

void BM_NewUuid(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(comptoir::http::NewUuid());
}
BENCHMARK(BM_NewUuid);

}  // namespace

BENCHMARK_MAIN();
