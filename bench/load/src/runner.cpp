// The executors on Asio: each runtime worker runs its share of a scenario (every W-th iteration or VU)
// with its own VUs and recorder, on the project's keep-alive HTTP client; the recorders merge at the end.
#include "runner.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <iostream>
#include <memory>
#include <stdexcept>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "comptoir/http/runtime.hpp"
#include "comptoir/http/server.hpp"

namespace comptoir::load {
namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;

/// One worker's share of one scenario.
class Part : public std::enable_shared_from_this<Part> {
 public:
  Part(const Scenario& s, const Target& t, const Shared& sh, http::Client& c, std::size_t w, std::size_t n,
       Clock::time_point start, std::chrono::milliseconds interval)
      : scenario(s),
        config(s.executor),
        target(t),
        shared(sh),
        client(c),
        worker(w),
        workers(n),
        start(start),
        recorder(start, interval) {}

  const Scenario& scenario;
  const ExecutorConfig& config;
  const Target& target;
  const Shared& shared;
  http::Client& client;
  std::size_t worker;
  std::size_t workers;
  Clock::time_point start;
  Recorder recorder;
  std::vector<std::unique_ptr<Vu>> vus;
  int in_flight = 0;
  int target_vus = 0;  // ramping-vus: VUs of this worker that should run now
  bool ended = false;
  Clock::time_point last_end{};

  /// This worker's share of a count split over the workers (worker 0 takes the remainder first).
  [[nodiscard]] int Share(int total) const {
    const int n = static_cast<int>(workers);
    return total / n + (static_cast<int>(worker) < total % n ? 1 : 0);
  }
  Vu& NewVu() {
    vus.push_back(std::make_unique<Vu>(*this, static_cast<int>(vus.size() * workers + worker)));
    return *vus.back();
  }
  /// Starts the scenario's clock; what the setup recorded (sign-ins and their checks) is kept.
  void Begin(Clock::time_point at) {
    Recorder fresh(at, recorder.interval());
    fresh.Merge(recorder);
    recorder = fresh;
    start = at;
  }
  [[nodiscard]] int Busy() const {
    int n = 0;
    for (const auto& v : vus) n += v->busy ? 1 : 0;
    return n;
  }
};

// ---------------------------------------------------------------------------------------------------
// Vu

Vu::Vu(Part& part, int id)
    : part_(part), id_(id), rng_(std::hash<std::string>{}(part.shared.run_id) ^ (0x9e3779b97f4a7c15ULL * (id + 1))) {}

const Shared& Vu::shared() const noexcept {
  return part_.shared;
}

std::string Vu::NewKey() {
  return http::NewUuid();
}

bool Vu::Check(std::string_view name, bool ok, std::string_view detail) {
  return part_.recorder.Check(name, ok, detail);
}

awaitable<void> Vu::Sleep(Seconds seconds) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(std::chrono::duration_cast<Clock::duration>(seconds));
  co_await timer.async_wait(use_awaitable);
}

namespace {
std::string ExpectText(const std::vector<int>& expect) {
  std::string text;
  for (int s : expect) text += (text.empty() ? "" : "|") + std::to_string(s);
  return text;
}
std::string Excerpt(std::string_view body) {
  std::string out(body.substr(0, 300));
  for (char& c : out) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return out;
}
}  // namespace

awaitable<Reply> Vu::Send(Call call) {
  http::Request request;
  request.method = call.method;
  request.method_name = std::string(http::MethodName(call.method));
  request.target = call.path;
  request.body = std::move(call.body);
  request.headers.Set("X-API-Key", part_.target.api_key);
  if (!call.bearer.empty()) request.headers.Set("Authorization", "Bearer " + call.bearer);
  if (!request.body.empty()) request.headers.Set("Content-Type", "application/json");
  for (const auto& [name, value] : call.headers) request.headers.Set(name, value);
  const std::uint64_t bytes_out = request.body.size() + request.target.size();

  const auto sent = Clock::now();
  // Open loop: the first request of an iteration is timed from when it was due, so a stall of the
  // system (or of this runner) shows as latency instead of vanishing into fewer requests.
  const auto intended = intended_.value_or(sent);
  intended_.reset();
  http::ClientResult result =
      co_await part_.client.Send(part_.target.host, part_.target.port, std::move(request), part_.target.timeout);
  const auto now = Clock::now();
  Reply reply;
  if (result.error) {
    reply.error = result.error.message();
  } else {
    reply.status = result.response.status;
    reply.body = std::move(result.response.body);
    reply.headers = std::move(result.response.headers);
  }
  reply.ok = reply.status != 0 && std::find(call.expect.begin(), call.expect.end(), reply.status) != call.expect.end();
  Recorder::Sample sample;
  sample.name = call.name;
  sample.status = reply.status;
  sample.failed = !reply.ok;
  sample.latency_us =
      static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(now - intended).count());
  sample.service_us =
      static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(now - sent).count());
  sample.bytes_in = reply.body.size();
  sample.bytes_out = bytes_out;
  sample.setup = setup_phase_;
  part_.recorder.Request(sample, now);
  std::string detail;
  if (!reply.ok) {
    detail = reply.status == 0 ? call.name + ": no answer (" + reply.error + ")"
                               : call.name + ": status " + std::to_string(reply.status) + ": " + Excerpt(reply.body);
  }
  Check(call.name + " status " + ExpectText(call.expect), reply.ok, detail);
  co_return reply;
}

// ---------------------------------------------------------------------------------------------------
// Executors

namespace {

using PartPtr = std::shared_ptr<Part>;

std::uint64_t Micros(Clock::duration d) {
  return static_cast<std::uint64_t>(
      std::max<std::int64_t>(0, std::chrono::duration_cast<std::chrono::microseconds>(d).count()));
}

// Runs the VU's setup when it is not ready; false when it still is not.
awaitable<bool> EnsureReady(Part& part, Vu& vu) {
  if (vu.state().ready && vu.state().token_expires != Clock::time_point{} && Clock::now() >= vu.state().token_expires) {
    vu.state().ready = false;  // sign in again before the token expires
  }
  if (vu.state().ready || part.scenario.setup == nullptr) {
    vu.state().ready = true;
    co_return true;
  }
  vu.SetSetupPhase(true);
  try {
    co_await part.scenario.setup(vu);
  } catch (const std::exception& e) {
    vu.Check(part.scenario.name + ": VU setup completed", false, e.what());
    vu.state().ready = false;
  }
  vu.SetSetupPhase(false);
  co_return vu.state().ready;
}

// One iteration, timed from `due`; exceptions of the scenario code count as a failed check.
awaitable<void> OneIteration(Part& part, Vu& vu, Clock::time_point due, bool open_loop) {
  if (!co_await EnsureReady(part, vu)) {
    // Without a sign-in the iteration cannot run; it is not counted as one (the setup check failed).
    co_return;
  }
  if (open_loop) vu.SetIntended(due);
  std::string failure;
  try {
    co_await part.scenario.iteration(vu);
  } catch (const std::exception& e) {
    failure = e.what();
  }
  if (!failure.empty()) vu.Check(part.scenario.name + ": iteration completed", false, failure);
  ++vu.state().iteration;
  const auto now = Clock::now();
  part.recorder.Iteration(Micros(now - due), now);
  part.last_end = std::max(part.last_end, now);
}

awaitable<void> ArrivalIteration(PartPtr part, Vu* vu, Clock::time_point due) {
  co_await OneIteration(*part, *vu, due, true);
  vu->busy = false;
  --part->in_flight;
}

struct LogEscape {
  void operator()(const std::exception_ptr& e) const {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      std::cerr << "comptoir-load: task failed: " << ex.what() << "\n";
    }
  }
};

awaitable<void> WaitInFlight(Part& part, Clock::time_point limit) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (part.in_flight > 0 && Clock::now() < limit) {
    timer.expires_after(std::chrono::milliseconds(5));
    co_await timer.async_wait(use_awaitable);
  }
  for (int i = 0; i < part.in_flight; ++i) part.recorder.Interrupted();
}

// Allocates this worker's pre-allocated VUs and runs their setup (sign-ins) before the clock starts.
// A few at a time: sign-ins are deliberately slow (Argon2id) and limited per client.
awaitable<void> SetupSome(PartPtr part, std::shared_ptr<std::size_t> next) {
  while (*next < part->vus.size()) {
    Vu& vu = *part->vus[(*next)++];
    co_await EnsureReady(*part, vu);
  }
  --part->in_flight;
}

awaitable<void> SetupVus(PartPtr part, int count) {
  for (int i = 0; i < count; ++i) part->NewVu();
  auto next = std::make_shared<std::size_t>(0);
  const auto executor = co_await asio::this_coro::executor;
  for (int i = 0; i < std::min(count, 4); ++i) {
    ++part->in_flight;
    asio::co_spawn(executor, SetupSome(part, next), LogEscape{});
  }
  asio::steady_timer timer(executor);
  while (part->in_flight > 0) {
    timer.expires_after(std::chrono::milliseconds(5));
    co_await timer.async_wait(use_awaitable);
  }
}

awaitable<void> RunArrivalRate(PartPtr part) {
  const auto& config = part->config;
  const int max_vus = std::max(1, part->Share(std::max(config.max_vus, config.pre_allocated_vus)));
  asio::steady_timer timer(co_await asio::this_coro::executor);
  const auto executor = co_await asio::this_coro::executor;
  for (std::uint64_t i = part->worker;; i += part->workers) {
    auto offset = ArrivalOffset(config, i);
    if (!offset) break;
    const auto due = part->start + std::chrono::duration_cast<Clock::duration>(*offset);
    if (due > Clock::now()) {
      timer.expires_at(due);
      co_await timer.async_wait(use_awaitable);
    }
    Vu* vu = nullptr;
    for (auto& candidate : part->vus) {
      if (!candidate->busy) {
        vu = candidate.get();
        break;
      }
    }
    if (vu == nullptr && static_cast<int>(part->vus.size()) < max_vus) vu = &part->NewVu();  // set up on first use
    const auto now = Clock::now();
    if (vu == nullptr) {
      part->recorder.Dropped(now);  // every VU busy and no more allowed: k6's dropped_iterations
      continue;
    }
    vu->busy = true;
    ++part->in_flight;
    part->recorder.Vus(static_cast<int>(part->vus.size()), now);
    asio::co_spawn(executor, ArrivalIteration(part, vu, due), LogEscape{});
  }
  const auto end = part->start + std::chrono::duration_cast<Clock::duration>(ScheduledDuration(config));
  co_await WaitInFlight(
      *part, std::max(Clock::now(), end) + std::chrono::duration_cast<Clock::duration>(config.graceful_stop));
}

awaitable<void> VuLoop(PartPtr part, Vu* vu, int local_index) {
  vu->running = true;
  while (!part->ended && local_index < part->target_vus) {
    vu->busy = true;
    co_await OneIteration(*part, *vu, Clock::now(), false);
    vu->busy = false;
  }
  vu->running = false;
  --part->in_flight;
}

awaitable<void> RunRampingVus(PartPtr part) {
  const auto& config = part->config;
  const auto executor = co_await asio::this_coro::executor;
  asio::steady_timer timer(executor);
  const auto length = std::chrono::duration_cast<Clock::duration>(ScheduledDuration(config));
  const int total_max = MaxVus(config);
  for (;;) {
    const auto now = Clock::now();
    const auto t = now - part->start;
    if (t >= length) break;
    // The VUs of this worker are the global VUs k with k % workers == worker.
    const int global = VusAt(config, std::chrono::duration_cast<Seconds>(t));
    const int mine = global / static_cast<int>(part->workers) +
                     (static_cast<int>(part->worker) < global % static_cast<int>(part->workers) ? 1 : 0);
    part->target_vus = std::min(mine, part->Share(total_max));
    while (static_cast<int>(part->vus.size()) < part->target_vus) part->NewVu();
    for (int k = 0; k < part->target_vus; ++k) {
      Vu* vu = part->vus[static_cast<std::size_t>(k)].get();
      if (!vu->running) {
        ++part->in_flight;
        vu->running = true;
        asio::co_spawn(executor, VuLoop(part, vu, k), LogEscape{});
      }
    }
    part->recorder.Vus(part->Busy(), now);
    timer.expires_after(std::chrono::milliseconds(20));
    co_await timer.async_wait(use_awaitable);
  }
  part->ended = true;
  part->target_vus = 0;
  co_await WaitInFlight(*part, Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                                  std::max(config.graceful_stop, config.graceful_ramp_down)));
}

awaitable<void> RunPart(PartPtr part) {
  if (part->config.type == ExecutorType::kConstantArrivalRate ||
      part->config.type == ExecutorType::kRampingArrivalRate) {
    co_await RunArrivalRate(part);
  } else {
    co_await RunRampingVus(part);
  }
}

struct RuntimeStopper {
  std::shared_ptr<int> remaining;
  http::Runtime* runtime;
  void operator()(const std::exception_ptr& e) const {
    LogEscape{}(e);
    asio::post(runtime->Context(0), [r = remaining, rt = runtime] {
      if (--*r == 0) rt->Stop();
    });
  }
};

// Every worker sets up its VUs (sign-ins), then all start the scenario's clock at the same moment.
struct StartLine {
  int parts = 0;
  std::atomic<int> ready{0};
  std::atomic<std::int64_t> start{0};
};

awaitable<void> PartMain(PartPtr part, std::shared_ptr<StartLine> line) {
  const bool arrival =
      part->config.type == ExecutorType::kConstantArrivalRate || part->config.type == ExecutorType::kRampingArrivalRate;
  co_await SetupVus(part, arrival ? part->Share(part->config.pre_allocated_vus) : 0);
  if (line->ready.fetch_add(1) + 1 == line->parts) {
    line->start = (Clock::now() + std::chrono::milliseconds(20)).time_since_epoch().count();
  }
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (line->start.load() == 0) {
    timer.expires_after(std::chrono::milliseconds(2));
    co_await timer.async_wait(use_awaitable);
  }
  part->Begin(Clock::time_point(Clock::duration(line->start.load())));
  co_await RunPart(part);
}

}  // namespace

bool ScenarioResult::ok() const {
  return std::all_of(thresholds.begin(), thresholds.end(), [](const ThresholdResult& t) { return t.ok; });
}

std::vector<ThresholdResult> Evaluate(const std::vector<Threshold>& thresholds, const Recorder& recorder,
                                      double seconds) {
  std::vector<ThresholdResult> out;
  for (const auto& t : thresholds) {
    ThresholdResult r{t, Observe(t, recorder, seconds), false};
    r.ok = r.value && Holds(t, *r.value);
    out.push_back(r);
  }
  return out;
}

int ExitCode(const std::vector<ScenarioResult>& results) {
  for (const auto& r : results) {
    if (!r.ok()) return 99;
  }
  return 0;
}

ScenarioResult RunScenario(const Scenario& scenario, const Target& target, const Shared& shared,
                           const RunOptions& options, const std::vector<Threshold>& thresholds) {
  http::Runtime runtime(std::max(1, options.threads));
  http::ClientOptions client_options;
  client_options.request_timeout = target.timeout;
  client_options.max_idle_per_host = static_cast<std::size_t>(std::max(64, MaxVus(scenario.executor)));
  http::Client client(runtime, client_options);

  std::vector<PartPtr> parts;
  for (std::size_t w = 0; w < runtime.size(); ++w) {
    parts.push_back(
        std::make_shared<Part>(scenario, target, shared, client, w, runtime.size(), Clock::now(), options.interval));
  }
  auto sync = std::make_shared<StartLine>();
  sync->parts = static_cast<int>(parts.size());
  auto remaining = std::make_shared<int>(static_cast<int>(parts.size()));
  for (auto& part : parts) {
    asio::co_spawn(runtime.Context(part->worker), PartMain(part, sync), RuntimeStopper{remaining, &runtime});
  }
  runtime.Run();

  ScenarioResult result;
  result.name = scenario.name;
  result.description = scenario.description;
  result.executor = scenario.executor;
  result.recorder = parts.front()->recorder;
  auto last_end = parts.front()->last_end;
  for (std::size_t i = 1; i < parts.size(); ++i) {
    result.recorder.Merge(parts[i]->recorder);
    last_end = std::max(last_end, parts[i]->last_end);
  }
  const auto start = parts.front()->start;
  const auto scheduled = ScheduledDuration(scenario.executor).count();
  const double observed = last_end > start ? std::chrono::duration<double>(last_end - start).count() : 0.0;
  result.seconds = std::max(scheduled, observed);
  result.thresholds = Evaluate(thresholds, result.recorder, result.seconds);
  return result;
}

}  // namespace comptoir::load

namespace comptoir::load {
namespace {

awaitable<void> FetchCatalogue(const Target& target, http::Client& client, Shared& shared, std::size_t limit,
                               std::string& error) {
  for (int page = 1; shared.products.size() < limit; ++page) {
    http::Request request;
    request.method = http::Method::kGet;
    request.method_name = "GET";
    request.target = "/api/v1/products?per_page=100&sort=id&page=" + std::to_string(page);
    request.headers.Set("X-API-Key", target.api_key);
    auto result = co_await client.Send(target.host, target.port, std::move(request), target.timeout);
    if (result.error || result.response.status != 200) {
      error = "GET /api/v1/products: " +
              (result.error ? result.error.message()
                            : std::to_string(result.response.status) + " " + result.response.body.substr(0, 200));
      co_return;
    }
    boost::system::error_code ec;
    auto body = boost::json::parse(result.response.body, ec);
    if (ec || !body.is_object() || !body.as_object().contains("data")) {
      error = "GET /api/v1/products: not a list";
      co_return;
    }
    const auto& data = body.at("data").as_array();
    for (const auto& item : data) {
      const auto& p = item.as_object();
      if (shared.products.size() >= limit) break;
      // Goods weighed in store (a scale code, ADR 0170) are sold at the till by their label, not by the unit
      // nor online: the scenarios take the others.
      if (const auto* scale = p.if_contains("scale_code"); scale != nullptr && !scale->is_null()) continue;
      shared.products.push_back({p.at("id").to_number<std::int64_t>(), std::string(p.at("sku").as_string()),
                                 p.at("price_cents").to_number<std::int64_t>()});
      // Search terms: the words of the names (lower case, 4 letters or more), each once.
      std::string word;
      const std::string name(p.at("name").as_string());
      for (std::size_t i = 0; i <= name.size(); ++i) {
        const char c = i < name.size() ? name[i] : ' ';
        if (c == ' ' || c == '-' || c == '\'' || c == ',' || c == '(' || c == ')') {
          if (word.size() >= 4 && shared.search_terms.size() < 500 &&
              std::find(shared.search_terms.begin(), shared.search_terms.end(), word) == shared.search_terms.end()) {
            shared.search_terms.push_back(word);
          }
          word.clear();
        } else {
          word.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
        }
      }
    }
    if (data.size() < 100) break;
  }
}

}  // namespace

Shared Prepare(const Target& target, std::size_t catalogue_limit, int shoppers) {
  Shared shared;
  shared.shoppers = shoppers;
  shared.run_id = http::NewUuid().substr(0, 8);
  http::Runtime runtime(1);
  http::Client client(runtime, http::ClientOptions{});
  std::string error;
  asio::co_spawn(runtime.Context(0), FetchCatalogue(target, client, shared, catalogue_limit, error),
                 [&](const std::exception_ptr& e) {
                   if (e) {
                     try {
                       std::rethrow_exception(e);
                     } catch (const std::exception& ex) {
                       error = ex.what();
                     }
                   }
                   runtime.Stop();
                 });
  runtime.Run();
  if (!error.empty()) throw std::runtime_error("cannot read the catalogue: " + error);
  if (shared.products.empty()) throw std::runtime_error("the catalogue has no active product");
  if (shared.search_terms.empty()) shared.search_terms.push_back(shared.products.front().sku);
  return shared;
}

}  // namespace comptoir::load
