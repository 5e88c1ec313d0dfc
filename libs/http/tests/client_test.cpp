// The pooled client's idle connections (what service::Peer uses between services): closed before
// the servers close them, never used once a server closed them, and a request that may have been
// processed never sent twice. Real loopback sockets.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <thread>

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include "comptoir/http/client.hpp"
#include "comptoir/http/server.hpp"
#include "comptoir/metrics.hpp"

namespace comptoir::http {
namespace {
namespace asio = boost::asio;
using namespace std::chrono_literals;

asio::awaitable<Response> Ok(Request& request) {
  co_return Response::Text(200, request.method_name);
}

/// One server (its idle keep-alive timeout given) and one client, on a one-worker runtime.
class PooledClient : public ::testing::Test {
 protected:
  void Start(std::chrono::milliseconds server_idle, ClientOptions client_options) {
    router.Add(Method::kGet, "/x", Ok);
    router.Add(Method::kPost, "/x", Ok);
    ServerOptions options;
    options.read_timeout = server_idle;
    options.access_log = false;
    server = std::make_unique<Server>(runtime, options, router, registry);
    server->Start();
    client = std::make_unique<Client>(runtime, client_options);
    thread = std::thread([this] { runtime.Run(); });
  }
  void TearDown() override {
    runtime.Stop();
    if (thread.joinable()) thread.join();
  }
  ClientResult Call(Method method, std::uint16_t port, const std::string& target = "/x") {
    Request r;
    r.method = method;
    r.method_name = std::string(MethodName(method));
    r.target = target;
    return asio::co_spawn(runtime.Context(0), client->Send("127.0.0.1", port, r), asio::use_future).get();
  }
  int OpenConnections() {
    const auto text = registry.Render();
    const auto at = text.find("\nhttp_connections_open ");
    return at == std::string::npos ? -1 : std::atoi(text.c_str() + at + std::strlen("\nhttp_connections_open "));
  }

  Runtime runtime{1};
  Router router;
  metrics::Registry registry;
  std::unique_ptr<Server> server;
  std::unique_ptr<Client> client;
  std::thread thread;
};

// The client's idle timeout is shorter than the server's: the client closes its idle connections
// (at its next call, whichever host it goes to) before the server would.
TEST_F(PooledClient, IdleConnectionsAreClosedAfterTheClientsIdleTimeout) {
  ClientOptions options;
  options.idle_timeout = 300ms;
  Start(30s, options);
  ASSERT_EQ(Call(Method::kGet, server->port()).response.status, 200);
  EXPECT_EQ(OpenConnections(), 1);
  std::this_thread::sleep_for(1200ms);
  // A call elsewhere (nobody listens there) sweeps the worker's pools.
  EXPECT_TRUE(Call(Method::kGet, 1).error);
  EXPECT_EQ(OpenConnections(), 0);
  EXPECT_EQ(Call(Method::kPost, server->port()).response.status, 200);
}

// The server closed the pooled connection while it was idle (its timeout, 200 ms, is the shorter
// one): the next call, a POST, goes on a new connection and is answered.
TEST_F(PooledClient, AConnectionTheServerClosedIsNotUsed) {
  Start(200ms, ClientOptions{});
  ASSERT_EQ(Call(Method::kGet, server->port()).response.status, 200);
  std::this_thread::sleep_for(600ms);
  auto post = Call(Method::kPost, server->port());
  ASSERT_FALSE(post.error) << post.error.message();
  EXPECT_EQ(post.response.status, 200);
  EXPECT_EQ(post.response.body, "POST");
}

// A server that answers the first request of each connection and closes the connection when the
// next one arrives (the moment no check before use can see): a GET is sent again on a new
// connection, a POST is not (it reached the server, which may have processed it).
TEST_F(PooledClient, ARequestThatLeftWholeIsRetriedOnlyWhenIdempotent) {
  Start(30s, ClientOptions{});
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof addr;
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(listener, 16), 0);
  ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &length), 0);
  const auto port = ntohs(addr.sin_port);
  std::atomic<int> requests{0};
  std::thread upstream([&] {
    for (;;) {
      const int fd = ::accept(listener, nullptr, nullptr);
      if (fd < 0) return;
      timeval two_seconds{2, 0};  // a client that keeps the connection does not hold the thread
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &two_seconds, sizeof two_seconds);
      std::string pending;
      char buf[4096];
      int heads = 0;
      while (heads < 2) {
        const auto end = pending.find("\r\n\r\n");
        if (end != std::string::npos) {
          pending.erase(0, end + 4);
          ++requests;
          if (++heads == 1) {
            const std::string answer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
            ::send(fd, answer.data(), answer.size(), MSG_NOSIGNAL);
          }
          continue;
        }
        const auto n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        pending.append(buf, static_cast<std::size_t>(n));
      }
      ::close(fd);
    }
  });
  EXPECT_EQ(Call(Method::kGet, port).response.status, 200);
  EXPECT_EQ(Call(Method::kGet, port).response.status, 200) << "a GET is sent again on a new connection";
  const int before = requests.load();
  auto post = Call(Method::kPost, port);
  EXPECT_TRUE(post.error);
  EXPECT_FALSE(post.before_send);
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(requests.load(), before + 1) << "the POST reached the server twice";
  ::shutdown(listener, SHUT_RDWR);
  ::close(listener);
  upstream.join();
}

}  // namespace
}  // namespace comptoir::http
