// service::TokenCache against a real HTTP server standing in for customer's token endpoint (the real customer is
// exercised by the services' integration tests): one fetch for many callers, renewal before expiry while the
// others keep the current token, failures reported to every waiter, the current token kept when a renewal fails.
#include <atomic>
#include <future>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>

#include "comptoir/auth/auth.hpp"
#include "comptoir/error.hpp"
#include "comptoir/http/client.hpp"
#include "comptoir/http/server.hpp"
#include "comptoir/metrics.hpp"
#include "comptoir/service/token_cache.hpp"

namespace comptoir::service {
namespace {
namespace asio = boost::asio;
using namespace std::chrono_literals;

// What the fake token endpoint answers next.
struct Issuer {
  std::atomic<int> calls{0};
  std::atomic<int> status{200};
  std::atomic<int> expires_in{300};
  std::atomic<int> delay_ms{0};
  std::mutex mutex;
  std::vector<std::string> bodies;
  std::vector<std::string> authorizations;
};

asio::awaitable<http::Response> Answer(Issuer& issuer, http::Request& request) {
  int n = ++issuer.calls;
  {
    std::lock_guard lock(issuer.mutex);
    issuer.bodies.push_back(request.body);
    issuer.authorizations.push_back(std::string(request.headers.Get("Authorization").value_or("")));
  }
  if (issuer.delay_ms > 0) {
    asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::milliseconds(issuer.delay_ms.load()));
    co_await timer.async_wait(asio::use_awaitable);
  }
  if (issuer.status != 200) {
    throw ApiError(KindOfStatus(issuer.status), "auth.invalid_client", "client authentication failed");
  }
  co_return http::Response::Json(
      200, boost::json::serialize(boost::json::object{{"access_token", "token-" + std::to_string(n)},
                                                      {"token_type", "Bearer"},
                                                      {"expires_in", issuer.expires_in.load()},
                                                      {"scope", "movements:sale"}}));
}

class TokenCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router.Add(http::Method::kPost, std::string(kServiceTokenPath),
               [this](http::Request& request) { return Answer(issuer, request); });
    http::ServerOptions options;
    options.access_log = false;
    server = std::make_unique<http::Server>(runtime, options, router, registry);
    server->Start();
    client = std::make_unique<http::Client>(runtime, http::ClientOptions{});
    ServiceCredentials credentials;
    credentials.client_id = "sales";
    credentials.client_secret = "a secret: with & odd = characters";
    credentials.issuer.name = "customer";
    credentials.issuer.port = server->port();
    cache = std::make_unique<TokenCache>(runtime, *client, credentials);
    thread = std::thread([this] { runtime.Run(); });
  }
  void TearDown() override {
    runtime.Stop();
    thread.join();
  }

  // `n` concurrent Token() calls on `worker`; each result is the token or "error:<code>".
  std::vector<std::string> Tokens(int n, std::string audience = "inventory", std::size_t worker = 0) {
    std::vector<std::future<std::string>> futures;
    for (int i = 0; i < n; ++i) {
      futures.push_back(asio::co_spawn(runtime.Context(worker), Get(cache.get(), audience), asio::use_future));
    }
    std::vector<std::string> out;
    for (auto& f : futures) out.push_back(f.get());
    return out;
  }
  static asio::awaitable<std::string> Get(TokenCache* cache, std::string audience) {
    try {
      co_return co_await cache->Token(std::move(audience));
    } catch (const ApiError& e) {
      co_return "error:" + e.code();
    }
  }

  http::Runtime runtime{2};
  http::Router router;
  metrics::Registry registry;
  Issuer issuer;
  std::unique_ptr<http::Server> server;
  std::unique_ptr<http::Client> client;
  std::unique_ptr<TokenCache> cache;
  std::thread thread;
};

TEST_F(TokenCacheTest, FiftyCallersShareOneFetchThenTheCachedToken) {
  issuer.delay_ms = 200;  // every caller arrives while the first fetch is in flight
  auto tokens = Tokens(50);
  EXPECT_EQ(issuer.calls, 1);
  for (const auto& t : tokens) EXPECT_EQ(t, "token-1");
  EXPECT_EQ(Tokens(10), std::vector<std::string>(10, "token-1"));
  EXPECT_EQ(issuer.calls, 1);
  // The client authenticates with HTTP Basic (id and secret form-encoded, RFC 6749 §2.3.1) and names the audience.
  std::lock_guard lock(issuer.mutex);
  EXPECT_EQ(issuer.bodies[0], "grant_type=client_credentials&audience=inventory");
  auto basic = auth::Base64UrlDecode(issuer.authorizations[0].substr(6));
  ASSERT_TRUE(basic.has_value());
  EXPECT_EQ(*basic, "sales:a%20secret%3A%20with%20%26%20odd%20%3D%20characters");
}

TEST_F(TokenCacheTest, OneTokenPerAudienceAndPerWorker) {
  EXPECT_EQ(Tokens(1, "inventory"), std::vector<std::string>{"token-1"});
  EXPECT_EQ(Tokens(1, "payment"), std::vector<std::string>{"token-2"});
  EXPECT_EQ(Tokens(1, "inventory", 1), std::vector<std::string>{"token-3"});  // no lock shared between workers
  EXPECT_EQ(Tokens(3, "inventory"), std::vector<std::string>(3, "token-1"));
  EXPECT_EQ(issuer.calls, 3);
}

TEST_F(TokenCacheTest, RenewsInTheLastQuarterWhileTheOthersKeepTheCurrentToken) {
  issuer.expires_in = 4;  // renewal from 3 s, never used past 3.6 s
  EXPECT_EQ(Tokens(1), std::vector<std::string>{"token-1"});
  std::this_thread::sleep_for(3100ms);
  issuer.delay_ms = 300;
  auto tokens = Tokens(20);
  EXPECT_EQ(issuer.calls, 2);
  int current = 0;
  int renewed = 0;
  for (const auto& t : tokens) (t == "token-1" ? current : renewed) += 1;
  EXPECT_EQ(renewed, 1) << "only the caller that renews waits for the new token";
  EXPECT_EQ(current, 19);
  EXPECT_EQ(Tokens(5), std::vector<std::string>(5, "token-2"));
}

TEST_F(TokenCacheTest, ARefusalReachesEveryWaiterAndIsNotCached) {
  issuer.status = 401;
  issuer.delay_ms = 100;
  auto tokens = Tokens(10);
  EXPECT_EQ(issuer.calls, 1);
  for (const auto& t : tokens) EXPECT_EQ(t, "error:auth.service_token_unavailable");
  issuer.status = 200;
  issuer.delay_ms = 0;
  EXPECT_EQ(Tokens(1), std::vector<std::string>{"token-2"});  // the next caller tries again
}

TEST_F(TokenCacheTest, AFailedRenewalKeepsTheCurrentTokenUntilItNearsExpiry) {
  issuer.expires_in = 4;
  EXPECT_EQ(Tokens(1), std::vector<std::string>{"token-1"});
  std::this_thread::sleep_for(3100ms);
  issuer.status = 503;
  EXPECT_EQ(Tokens(1), std::vector<std::string>{"token-1"});
  EXPECT_EQ(issuer.calls, 2);
  std::this_thread::sleep_for(600ms);  // past 90 % of its life: no longer sent
  EXPECT_EQ(Tokens(1), std::vector<std::string>{"error:auth.service_token_unavailable"});
}

TEST_F(TokenCacheTest, CustomerDownIsA503) {
  ServiceCredentials nowhere;
  nowhere.client_id = "order";
  nowhere.client_secret = "x";
  nowhere.issuer.name = "customer";
  nowhere.issuer.port = 1;  // nothing listens there
  nowhere.issuer.timeout = 1000ms;
  cache = std::make_unique<TokenCache>(runtime, *client, nowhere);
  EXPECT_EQ(Tokens(3), std::vector<std::string>(3, "error:auth.service_token_unavailable"));
}

TEST(ServiceCredentials, TheSecretIsRequired) {
  config::Source source("", [](const std::string&) { return std::optional<std::string>(); });
  (void)LoadServiceCredentials(source, "sales");
  try {
    source.ThrowIfErrors();
    FAIL() << "no error";
  } catch (const config::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("COMPTOIR_SALES_CLIENT_SECRET"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace comptoir::service
