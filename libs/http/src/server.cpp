#include "comptoir/http/server.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <random>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include "comptoir/error.hpp"
#include "comptoir/http/beast_support.hpp"
#include "comptoir/http/log_context.hpp"
#include "comptoir/log.hpp"
#include "comptoir/metrics.hpp"
#include "request_head.hpp"

namespace comptoir::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
constexpr int kMaxStatus = 600;

// Metrics of one route, resolved once so the hot path takes no lock after the first request.
struct RouteMetrics {
  metrics::Histogram* latency = nullptr;
  std::array<std::atomic<metrics::Counter*>, kMaxStatus> by_status{};
  std::string label;
  std::string method;
};

std::mt19937_64& Rng() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng;
}

std::string Hex(std::uint64_t value, int digits) {
  return fmt::format("{:0{}x}", value, digits);
}

bool IsLowerHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

std::string NewUuid() {
  // Called for every request (ids): no formatting library, one allocation.
  static constexpr char kHex[] = "0123456789abcdef";
  std::uint64_t hi = Rng()();
  std::uint64_t lo = Rng()();
  hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // RFC 4122 variant
  std::string out(36, '-');
  std::size_t pos = 0;
  auto put = [&](std::uint64_t v, int nibbles, int shift_from) {
    for (int i = 0; i < nibbles; ++i) {
      if (out[pos] == '-' && (pos == 8 || pos == 13 || pos == 18 || pos == 23)) ++pos;
      out[pos++] = kHex[(v >> (shift_from - 4 * i)) & 0xF];
    }
  };
  put(hi, 16, 60);
  put(lo, 16, 60);
  return out;
}

bool ValidRequestId(std::string_view id) {
  if (id.empty() || id.size() > 200) return false;
  for (char c : id) {
    if (c < 0x21 || c > 0x7E) return false;
  }
  return true;
}

std::string NextTraceparent(std::string_view incoming) {
  // version "00" - trace-id (32 hex) - parent-id (16 hex) - flags (2 hex)
  std::string trace_id;
  std::string flags = "01";
  if (incoming.size() == 55 && incoming[2] == '-' && incoming[35] == '-' && incoming[52] == '-' &&
      IsLowerHex(incoming.substr(0, 2)) && incoming.substr(0, 2) != "ff" && IsLowerHex(incoming.substr(3, 32)) &&
      IsLowerHex(incoming.substr(36, 16)) && IsLowerHex(incoming.substr(53, 2)) &&
      incoming.substr(3, 32) != std::string(32, '0') && incoming.substr(36, 16) != std::string(16, '0')) {
    trace_id = std::string(incoming.substr(3, 32));
    flags = std::string(incoming.substr(53, 2));
  } else {
    trace_id = Hex(Rng()(), 16) + Hex(Rng()(), 16);
  }
  std::uint64_t span = Rng()() | 1;  // never all zeros
  return "00-" + trace_id + "-" + Hex(span, 16) + "-" + flags;
}

struct Session;

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
  Impl(Runtime& rt, ServerOptions opts, const Router& r, metrics::Registry& registry)
      : runtime(rt),
        options(std::move(opts)),
        router(r),
        acceptor(rt.Context(0)),
        requests(registry.AddCounter("http_requests_total", "HTTP requests served, by route, method and status",
                                     {"route", "method", "status"})),
        latency(registry.AddHistogram("http_request_duration_seconds", "Time to answer HTTP requests, by route",
                                      {"route", "method"})),
        in_flight(registry.AddGauge("http_requests_in_flight", "HTTP requests being handled").WithLabels({})),
        connections(registry.AddGauge("http_connections_open", "Open client connections").WithLabels({})),
        sessions(rt.size()) {
    for (const auto& route : router.routes()) {
      auto m = std::make_unique<RouteMetrics>();
      m->label = route.pattern;
      m->method = std::string(MethodName(route.method));
      m->latency = &latency.WithLabels({m->label, m->method});
      route_metrics.emplace(&route, std::move(m));
    }
  }

  RouteMetrics& MetricsFor(const Route* route, Method method) {
    if (route != nullptr) return *route_metrics.at(route);
    // Unmatched requests share one series per method, so scanners cannot blow up label cardinality.
    auto idx = static_cast<std::size_t>(method);
    return *unmatched[idx];
  }

  void Count(RouteMetrics& m, int status, double seconds) {
    m.latency->Observe(seconds);
    if (status < 0 || status >= kMaxStatus) status = 0;
    auto* counter = m.by_status[status].load(std::memory_order_acquire);
    if (counter == nullptr) {
      counter = &requests.WithLabels({m.label, m.method, std::to_string(status)});
      m.by_status[status].store(counter, std::memory_order_release);
    }
    counter->Inc();
  }

  Runtime& runtime;
  ServerOptions options;
  const Router& router;
  tcp::acceptor acceptor;
  metrics::Family<metrics::Counter>& requests;
  metrics::Family<metrics::Histogram>& latency;
  metrics::Gauge& in_flight;
  metrics::Gauge& connections;
  std::unordered_map<const Route*, std::unique_ptr<RouteMetrics>> route_metrics;
  std::array<std::unique_ptr<RouteMetrics>, 8> unmatched;
  std::atomic<bool> stopping{false};
  std::atomic<bool> accepting{false};  ///< the accept loop is running (its pending accept owns a socket)
  std::atomic<int> open_sessions{0};
  std::size_t next_worker = 0;  // touched only by the acceptor's thread
  std::uint16_t bound_port = 0;
  // Sessions per worker, touched only on that worker's thread (so shutdown can close idle ones).
  std::vector<std::unordered_set<Session*>> sessions;
};

struct Session {
  beast::tcp_stream* stream = nullptr;
  bool idle = true;
};

namespace {

Response ProblemResponse(const ApiError& error, const std::string& request_id) {
  Response r = Response::Text(error.status(), ProblemJson(error, request_id), "application/problem+json");
  return r;
}

asio::awaitable<Response> Dispatch(Server::Impl& impl, Request& request, const Route*& matched) {
  if (impl.options.guard) {
    if (auto refused = impl.options.guard(request)) co_return std::move(*refused);
  }
  auto match = impl.router.Find(request.method, request.path, request.path_params);
  if (match.outcome == Router::Outcome::kNotFound) {
    co_return ProblemResponse(ApiError::NotFound("route.not_found", "no resource at " + request.path),
                              request.request_id);
  }
  if (match.outcome == Router::Outcome::kMethodNotAllowed) {
    Response r = ProblemResponse(ApiError(ErrorKind::kMethodNotAllowed, "route.method_not_allowed",
                                          request.method_name + " is not allowed on " + request.path),
                                 request.request_id);
    r.headers.Set("Allow", match.allow);
    co_return r;
  }
  matched = match.route;
  try {
    co_return co_await match.route->handler(request);
  } catch (const ApiError& e) {
    if (e.status() >= 500) {
      log::Warn("request failed", {{"code", e.code()}, {"detail", e.detail()}, {"request_id", request.request_id}});
    }
    co_return ProblemResponse(e, request.request_id);
  } catch (const std::exception& e) {
    log::Error("unhandled exception",
               {{"error", e.what()}, {"request_id", request.request_id}, {"path", request.path}});
  }
  co_return ProblemResponse(ApiError::Internal("internal", "an unexpected error occurred; quote the request id"),
                            request.request_id);
}

bhttp::response<bhttp::string_body> ToBeast(Response&& in, unsigned version, bool keep_alive, bool head) {
  bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(in.status), version};
  for (const auto& [name, value] : in.headers) out.insert(name, value);
  out.body() = std::move(in.body);
  out.keep_alive(keep_alive);
  out.prepare_payload();
  if (head) out.body().clear();
  return out;
}

asio::awaitable<void> WriteProblem(beast::tcp_stream& stream, const ApiError& error, const std::string& request_id) {
  Response r = ProblemResponse(error, request_id);
  r.headers.Set("X-Request-ID", request_id);
  auto out = ToBeast(std::move(r), 11, false, false);
  co_await bhttp::async_write(stream, out, kUseTuple);
}

// `context` is the log context of the session's requests: the session runs on an executor that makes it
// current (log_context.hpp); it names the request being handled, and nothing between requests.
asio::awaitable<void> RunSession(std::shared_ptr<Server::Impl> impl, tcp::socket socket,
                                 std::shared_ptr<log::RequestContext> context) {
  const std::size_t worker = Runtime::CurrentWorker();
  beast::tcp_stream stream(std::move(socket));
  Session session{&stream, true};
  impl->sessions[worker].insert(&session);
  impl->connections.Inc();
  std::string remote;
  {
    boost::system::error_code ec;
    auto ep = stream.socket().remote_endpoint(ec);
    if (!ec) remote = ep.address().to_string();
  }
  beast::flat_buffer buffer;
  buffer.reserve(8 * 1024);  // Beast reads at most the free capacity: room for a whole request
  for (;;) {
    if (impl->stopping.load(std::memory_order_relaxed)) break;
    detail::RequestParser parser;
    detail::ApplyLimits(parser, impl->options);
    stream.expires_after(impl->options.read_timeout);
    session.idle = true;
    auto [ec, bytes] = co_await bhttp::async_read(stream, buffer, parser, kUseTuple);
    session.idle = false;
    if (ec) {
      std::string id = NewUuid();
      if (ec == bhttp::error::body_limit) {
        co_await WriteProblem(
            stream,
            ApiError(ErrorKind::kPayload, "request.too_large",
                     "the request body exceeds " + std::to_string(impl->options.body_limit) + " bytes"),
            id);
      } else if (ec == bhttp::error::header_limit) {
        ApiError e(ErrorKind::kValidation, "request.headers_too_large", "the request headers are too large");
        Response r = Response::Text(431, ProblemJson(e, id), "application/problem+json");
        auto out = ToBeast(std::move(r), 11, false, false);
        co_await bhttp::async_write(stream, out, kUseTuple);
      } else if (bytes > 0 && ec != beast::error::timeout && ec != bhttp::error::end_of_stream &&
                 ec != asio::error::connection_reset && ec != asio::error::operation_aborted &&
                 ec != bhttp::error::partial_message) {
        co_await WriteProblem(stream,
                              ApiError::Validation("request.malformed", "malformed HTTP request: " + ec.message()), id);
      }
      break;
    }
    auto start = Clock::now();
    impl->in_flight.Inc();
    auto beast_request = parser.release();
    const unsigned version = beast_request.version();
    Request request = detail::ToRequest(std::move(beast_request), remote);
    detail::AssignIds(request);
    context->request_id = request.request_id;
    context->trace_id = request.traceparent.substr(3, 32);
    const Route* matched = nullptr;
    Response response = co_await Dispatch(*impl, request, matched);
    response.headers.Set("X-Request-ID", request.request_id);
    const int status = response.status;
    const bool keep_alive = request.keep_alive && !impl->stopping.load(std::memory_order_relaxed);
    const bool head = request.method == Method::kHead;
    auto out = ToBeast(std::move(response), version, keep_alive, head);
    stream.expires_after(impl->options.write_timeout);
    auto [wec, written] = co_await bhttp::async_write(stream, out, kUseTuple);
    double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    impl->in_flight.Dec();
    auto& m = impl->MetricsFor(matched, request.method);
    impl->Count(m, status, seconds);
    if (impl->options.access_log && log::Enabled(log::Level::kInfo)) {
      log::Info("request", {{"method", request.method_name},
                            {"path", request.path},
                            {"route", m.label},
                            {"status", status},
                            {"duration_ms", seconds * 1000.0},
                            {"request_id", request.request_id},
                            {"trace_id", std::string_view(request.traceparent).substr(3, 32)},
                            {"remote", remote}});
    }
    context->request_id.clear();
    context->trace_id.clear();
    if (wec || !keep_alive) break;
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  impl->sessions[worker].erase(&session);
  impl->connections.Dec();
  impl->open_sessions.fetch_sub(1);
}

asio::awaitable<void> AcceptLoop(std::shared_ptr<Server::Impl> impl) {
  struct Done {
    Server::Impl& impl;
    ~Done() { impl.accepting = false; }
  } done{*impl};
  for (;;) {
    // Round-robin over the workers: each connection then lives on one thread.
    auto& target = impl->runtime.Context(impl->next_worker++ % impl->runtime.size());
    tcp::socket socket(target);
    if (auto ec = co_await AcceptOnto(impl->acceptor, socket)) {
      if (ec == asio::error::operation_aborted || impl->stopping) co_return;
      log::Warn("accept failed", {{"error", ec.message()}});
      continue;
    }
    impl->open_sessions.fetch_add(1);
    auto context = std::make_shared<log::RequestContext>();
    asio::co_spawn(WithLogContext(target.get_executor(), context), RunSession(impl, std::move(socket), context),
                   log::LogFailure{"http session"});
  }
}

asio::awaitable<void> DrainThenNotify(std::shared_ptr<Server::Impl> impl, std::function<void()> done) {
  auto deadline = Clock::now() + impl->options.shutdown_grace;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  // The pending accept holds a socket of another worker: wait for the loop to end too, so no
  // operation outlives the loops when the runtime is destroyed.
  while ((impl->open_sessions.load() > 0 || impl->accepting.load()) && Clock::now() < deadline) {
    timer.expires_after(std::chrono::milliseconds(20));
    co_await timer.async_wait(kUseTuple);
  }
  if (impl->open_sessions.load() > 0) {
    log::Warn("shutdown grace period over; closing remaining connections", {{"open", impl->open_sessions.load()}});
  }
  done();
}

void CloseIdle(std::shared_ptr<Server::Impl> impl, std::size_t worker) {
  for (Session* s : impl->sessions[worker]) {
    if (s->idle) s->stream->cancel();
  }
}

}  // namespace

Server::Server(Runtime& runtime, ServerOptions options, const Router& router, metrics::Registry& registry)
    : impl_(std::make_shared<Impl>(runtime, std::move(options), router, registry)) {
  for (std::size_t i = 0; i < impl_->unmatched.size(); ++i) {
    auto m = std::make_unique<RouteMetrics>();
    m->label = "unmatched";
    m->method = std::string(MethodName(static_cast<Method>(i)));
    m->latency = &impl_->latency.WithLabels({m->label, m->method});
    impl_->unmatched[i] = std::move(m);
  }
}

Server::~Server() = default;

void Server::Start() {
  auto address = asio::ip::make_address(impl_->options.host);
  tcp::endpoint endpoint(address, impl_->options.port);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen(asio::socket_base::max_listen_connections);
  impl_->bound_port = impl_->acceptor.local_endpoint().port();
  impl_->accepting = true;
  asio::co_spawn(impl_->acceptor.get_executor(), AcceptLoop(impl_), log::LogFailure{"http accept loop"});
  log::Info("listening", {{"service", impl_->options.name},
                          {"address", impl_->options.host},
                          {"port", static_cast<int>(impl_->bound_port)}});
}

std::uint16_t Server::port() const noexcept {
  return impl_->bound_port;
}

void Server::Shutdown(std::function<void()> done) {
  auto impl = impl_;
  impl->stopping = true;
  asio::post(impl->acceptor.get_executor(), [impl] {
    boost::system::error_code ec;
    impl->acceptor.close(ec);
  });
  for (std::size_t i = 0; i < impl->runtime.size(); ++i) {
    asio::post(impl->runtime.Context(i), [impl, i] { CloseIdle(impl, i); });
  }
  asio::co_spawn(impl->runtime.Context(0), DrainThenNotify(impl, std::move(done)), log::LogFailure{"http drain"});
}

}  // namespace comptoir::http
