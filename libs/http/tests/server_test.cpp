// The server and the client together over real loopback sockets.
#include <future>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "comptoir/error.hpp"
#include "comptoir/http/client.hpp"
#include "comptoir/http/server.hpp"
#include "comptoir/metrics.hpp"

namespace comptoir::http {
namespace {
namespace asio = boost::asio;

asio::awaitable<Response> Echo(Request& request) {
  boost::json::object o;
  o["id"] = request.PathParam("id");
  o["q"] = request.Query("q").value_or("");
  o["request_id"] = request.request_id;
  o["traceparent"] = request.traceparent;
  o["body"] = request.body;
  co_return Response::Json(200, boost::json::serialize(o));
}

asio::awaitable<Response> Refuse(Request&) {
  throw ApiError::Conflict("thing.conflict", "that thing already exists");
  co_return Response::Empty(200);
}

asio::awaitable<Response> Crash(Request&) {
  throw std::runtime_error("secret internal detail");
  co_return Response::Empty(200);
}

asio::awaitable<Response> Slow(Request&) {
  asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::milliseconds(300));
  co_await timer.async_wait(asio::use_awaitable);
  co_return Response::Text(200, "finished");
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router.Add(Method::kGet, "/things/{id}", Echo);
    router.Add(Method::kPost, "/things/{id}", Echo);
    router.Add(Method::kPost, "/refuse", Refuse);
    router.Add(Method::kGet, "/crash", Crash);
    router.Add(Method::kGet, "/slow", Slow);
    ServerOptions options;
    options.body_limit = 1024;
    options.access_log = false;
    options.shutdown_grace = std::chrono::milliseconds(3000);
    server = std::make_unique<Server>(runtime, options, router, registry);
    server->Start();
    client = std::make_unique<Client>(runtime, ClientOptions{});
    thread = std::thread([this] { runtime.Run(); });
  }
  void TearDown() override {
    runtime.Stop();
    thread.join();
  }

  ClientResult Call(Method method, std::string target, std::string body = {}, Headers headers = {}) {
    Request r;
    r.method = method;
    r.method_name = std::string(MethodName(method));
    r.target = std::move(target);
    r.body = std::move(body);
    r.headers = std::move(headers);
    return asio::co_spawn(runtime.Context(0), client->Send("127.0.0.1", server->port(), r), asio::use_future).get();
  }

  Runtime runtime{2};
  Router router;
  metrics::Registry registry;
  std::unique_ptr<Server> server;
  std::unique_ptr<Client> client;
  std::thread thread;
};

TEST_F(ServerTest, RoutesWithParamsQueryAndBody) {
  auto result = Call(Method::kPost, "/things/42?q=caf%C3%A9", "hello");
  ASSERT_FALSE(result.error) << result.error.message();
  EXPECT_EQ(result.response.status, 200);
  auto body = boost::json::parse(result.response.body).as_object();
  EXPECT_EQ(body.at("id").as_string(), "42");
  EXPECT_EQ(body.at("q").as_string(), "café");
  EXPECT_EQ(body.at("body").as_string(), "hello");
}

TEST_F(ServerTest, GeneratesOrEchoesRequestIdAndPropagatesTrace) {
  auto generated = Call(Method::kGet, "/things/1");
  auto id = generated.response.headers.Get("X-Request-ID");
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(id->size(), 36u);

  Headers h;
  h.Add("X-Request-ID", "my-request-1");
  h.Add("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  auto echoed = Call(Method::kGet, "/things/1", "", h);
  EXPECT_EQ(echoed.response.headers.Get("X-Request-ID").value(), "my-request-1");
  auto body = boost::json::parse(echoed.response.body).as_object();
  EXPECT_EQ(body.at("request_id").as_string(), "my-request-1");
  EXPECT_EQ(std::string(body.at("traceparent").as_string()).substr(0, 35),
            "00-4bf92f3577b34da6a3ce929d0e0e4736");
}

TEST_F(ServerTest, UnknownRouteIsProblem404) {
  auto result = Call(Method::kGet, "/nowhere");
  EXPECT_EQ(result.response.status, 404);
  EXPECT_EQ(result.response.headers.Get("Content-Type").value(), "application/problem+json");
  auto body = boost::json::parse(result.response.body).as_object();
  EXPECT_EQ(body.at("code").as_string(), "route.not_found");
  EXPECT_EQ(body.at("request_id").as_string(), result.response.headers.Get("X-Request-ID").value());
}

TEST_F(ServerTest, WrongMethodIs405WithAllow) {
  auto result = Call(Method::kDelete, "/things/1");
  EXPECT_EQ(result.response.status, 405);
  EXPECT_EQ(result.response.headers.Get("Allow").value(), "GET, HEAD, POST");
  EXPECT_EQ(boost::json::parse(result.response.body).at("status").as_int64(), 405);
}

TEST_F(ServerTest, ApiErrorBecomesProblemJson) {
  auto result = Call(Method::kPost, "/refuse");
  EXPECT_EQ(result.response.status, 409);
  EXPECT_EQ(boost::json::parse(result.response.body).at("code").as_string(), "thing.conflict");
}

TEST_F(ServerTest, UnknownExceptionIsGeneric500WithoutDetails) {
  auto result = Call(Method::kGet, "/crash");
  EXPECT_EQ(result.response.status, 500);
  EXPECT_EQ(result.response.body.find("secret"), std::string::npos);
}

TEST_F(ServerTest, BodyOverLimitIs413) {
  auto result = Call(Method::kPost, "/things/1", std::string(5000, 'x'));
  ASSERT_FALSE(result.error) << result.error.message();
  EXPECT_EQ(result.response.status, 413);
}

TEST_F(ServerTest, KeepAliveServesManyRequestsOnOneConnection) {
  for (int i = 0; i < 20; ++i) EXPECT_EQ(Call(Method::kGet, "/things/1").response.status, 200);
  auto text = registry.Render();
  EXPECT_NE(text.find("http_connections_open 1\n"), std::string::npos) << text;
}

TEST_F(ServerTest, MetricsPerRouteAndStatus) {
  Call(Method::kGet, "/things/1");
  Call(Method::kGet, "/things/2");
  Call(Method::kGet, "/nowhere");
  auto text = registry.Render();
  EXPECT_NE(text.find("http_requests_total{route=\"/things/{id}\",method=\"GET\",status=\"200\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("http_request_duration_seconds_count{route=\"/things/{id}\",method=\"GET\"} 2\n"),
            std::string::npos);
}

TEST_F(ServerTest, ShutdownLetsInFlightRequestsFinish) {
  Request r;
  r.method = Method::kGet;
  r.target = "/slow";
  auto pending = asio::co_spawn(runtime.Context(1), client->Send("127.0.0.1", server->port(), r), asio::use_future);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::promise<void> drained;
  server->Shutdown([&drained] { drained.set_value(); });
  auto result = pending.get();
  ASSERT_FALSE(result.error) << result.error.message();
  EXPECT_EQ(result.response.status, 200);
  EXPECT_EQ(result.response.body, "finished");
  EXPECT_EQ(drained.get_future().wait_for(std::chrono::seconds(5)), std::future_status::ready);
  // No new connections once shut down.
  auto refused = Call(Method::kGet, "/things/1");
  EXPECT_TRUE(refused.error);
}

}  // namespace
}  // namespace comptoir::http
