// A backend for the gateway integration tests: answers every /api/v1/... request with what it
// received (served_by, method, path, query, headers, body) and X-Instance-Id, so that a test can see
// which instance served it and what the gateway sent. GET /health can be switched to 503 and back.
//   gateway_test_backend --port P --id NAME [--delay-ms N] [--idle-timeout-ms N] [--body-limit BYTES]
// --idle-timeout-ms is its keep-alive idle timeout (libs/http's read timeout, 30 s by default);
// --body-limit its largest request body (16 MiB by default; past it the server answers 413).
// Several --port: one process serving on each (a stand-in for `comptoir serve --service all`);
// GET /ready answers 200 too.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "comptoir/http/router.hpp"
#include "comptoir/http/runtime.hpp"
#include "comptoir/http/server.hpp"
#include "comptoir/metrics.hpp"

namespace {
namespace asio = boost::asio;
namespace json = boost::json;
using comptoir::http::Method;
using comptoir::http::Request;
using comptoir::http::Response;

struct Settings {
  std::string id;
  std::chrono::milliseconds delay{0};
  std::chrono::milliseconds idle_timeout{0};
  std::size_t body_limit = 16 * 1024 * 1024;  // uploads larger than the gateway's replay bound
};

// Set once in main before the server starts; read-only afterwards.
Settings g_settings;
std::atomic<bool> g_healthy{true};

asio::awaitable<Response> Health(Request&) {
  if (!g_healthy.load()) co_return Response::Json(503, R"({"status":"failing"})");
  co_return Response::Json(200, R"({"status":"ok"})");
}

// The server's own metrics (http_connections_open: how many connections the gateway keeps open).
comptoir::metrics::Registry* g_registry = nullptr;
asio::awaitable<Response> Metrics(Request&) {
  co_return Response::Text(200, g_registry->Render(), "text/plain; version=0.0.4");
}

asio::awaitable<Response> FailHealth(Request&) {
  g_healthy.store(false);
  co_return Response::Empty(204);
}

asio::awaitable<Response> HealHealth(Request&) {
  g_healthy.store(true);
  co_return Response::Empty(204);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

asio::awaitable<Response> Echo(Request& request) {
  if (g_settings.delay.count() > 0) {
    asio::steady_timer timer(co_await asio::this_coro::executor, g_settings.delay);
    co_await timer.async_wait(asio::use_awaitable);
  }
  // GET /api/v1/bytes?size=N: an answer of N bytes (a client that never reads a large answer).
  if (request.path == "/api/v1/bytes" && request.query.rfind("size=", 0) == 0) {
    const auto size = static_cast<std::size_t>(std::stoull(request.query.substr(5)));
    co_return Response::Text(200, std::string(std::min<std::size_t>(size, 256u << 20), 'x'), "text/plain");
  }
  json::object headers;
  for (const auto& [name, value] : request.headers) {
    auto key = Lower(name);
    if (auto* existing = headers.if_contains(key)) {
      *existing = std::string(existing->as_string()) + ", " + value;
    } else {
      headers[key] = value;
    }
  }
  json::object body{{"served_by", g_settings.id}, {"method", request.method_name}, {"path", request.path},
                    {"query", request.query},     {"headers", std::move(headers)}, {"body", request.body}};
  Response r = Response::Json(200, json::serialize(body));
  r.headers.Set("X-Instance-Id", g_settings.id);
  co_return r;
}

int Usage() {
  std::cerr << "usage: gateway_test_backend --port P --id NAME [--delay-ms N] [--idle-timeout-ms N] [--body-limit B]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> ports;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (i + 1 >= argc) return Usage();
    std::string value = argv[++i];
    if (arg == "--port") {
      ports.push_back(std::atoi(value.c_str()));
    } else if (arg == "--id") {
      g_settings.id = value;
    } else if (arg == "--delay-ms") {
      g_settings.delay = std::chrono::milliseconds(std::atoi(value.c_str()));
    } else if (arg == "--idle-timeout-ms") {
      g_settings.idle_timeout = std::chrono::milliseconds(std::atoi(value.c_str()));
    } else if (arg == "--body-limit") {
      g_settings.body_limit = static_cast<std::size_t>(std::atoll(value.c_str()));
    } else {
      return Usage();
    }
  }
  if (ports.empty() || g_settings.id.empty()) return Usage();
  for (int port : ports) {
    if (port <= 0 || port > 65535) return Usage();
  }

  comptoir::http::Router router;
  router.Add(Method::kGet, "/health", Health);
  router.Add(Method::kGet, "/ready", Health);
  router.Add(Method::kPost, "/admin/fail-health", FailHealth);
  router.Add(Method::kPost, "/admin/heal-health", HealHealth);
  // The router has no catch-all: /api/v1/ followed by one to three segments, every method.
  for (Method m : {Method::kGet, Method::kHead, Method::kPost, Method::kPut, Method::kPatch, Method::kDelete}) {
    router.Add(m, "/api/v1/{a}", Echo);
    router.Add(m, "/api/v1/{a}/{b}", Echo);
    router.Add(m, "/api/v1/{a}/{b}/{c}", Echo);
  }

  comptoir::http::Runtime runtime(1);
  comptoir::metrics::Registry registry;
  g_registry = &registry;
  router.Add(Method::kGet, "/metrics", Metrics);
  // One server per port; the first one's metrics are served (each server its own registry).
  std::vector<std::unique_ptr<comptoir::metrics::Registry>> extra_registries;
  std::vector<std::unique_ptr<comptoir::http::Server>> servers;
  for (std::size_t i = 0; i < ports.size(); ++i) {
    comptoir::http::ServerOptions options;
    options.name = "gateway-test-backend";
    options.port = static_cast<std::uint16_t>(ports[i]);
    options.access_log = false;
    options.body_limit = g_settings.body_limit;
    if (g_settings.idle_timeout.count() > 0) options.read_timeout = g_settings.idle_timeout;
    options.shutdown_grace = std::chrono::milliseconds(2000);
    comptoir::metrics::Registry* r = &registry;
    if (i > 0) r = extra_registries.emplace_back(std::make_unique<comptoir::metrics::Registry>()).get();
    servers.push_back(std::make_unique<comptoir::http::Server>(runtime, options, router, *r));
    servers.back()->Start();
  }

  auto left = std::make_shared<std::size_t>(servers.size());
  asio::signal_set signals(runtime.Context(0), SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    for (auto& server : servers) {
      server->Shutdown([&runtime, left] {
        if (--*left == 0) runtime.Stop();
      });
    }
  });
  std::cout << "gateway_test_backend " << g_settings.id << " listening on 127.0.0.1:" << servers.front()->port()
            << std::endl;
  runtime.Run();
  return 0;
}
