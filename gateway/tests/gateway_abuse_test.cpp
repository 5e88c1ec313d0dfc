// The gateway under abuse (issue 19 §4): slowloris clients, header floods, 10,000 idle connections, clients
// that never read their answer, an upstream that never answers. Each time the gateway goes on serving the
// others and its memory stays bounded. Real `comptoir gateway` and backend processes, raw sockets as the
// abusers (a well-behaved HTTP client would not do what they do).
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "support.hpp"

namespace {
using namespace gateway_test;
using namespace std::chrono_literals;

std::string OneRoute(const Backend& b, const std::string& extra = {}) {
  return R"(_format_version: "3.0"
services:
  - name: shop
    url: http://)" + b.target() +
         R"(
    read_timeout: 1000
    routes:
      - name: shop
        paths: [/api/v1]
        strip_path: false
)" + extra;
}

/// A TCP connection to the gateway's proxy port, closed with the object.
class RawClient {
 public:
  explicit RawClient(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) throw std::runtime_error("socket: " + std::string(std::strerror(errno)));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      const std::string error = std::strerror(errno);
      ::close(fd_);
      throw std::runtime_error("connect: " + error);
    }
  }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;
  RawClient(RawClient&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  ~RawClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  /// Sends `data`; false once the gateway closed the connection.
  bool Send(std::string_view data) {
    while (!data.empty()) {
      auto n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }
  /// Whether the gateway closed the connection (end of stream or reset), without waiting; what it sent
  /// before closing is read and dropped.
  bool ClosedByPeer() {
    char buf[4096];
    for (;;) {
      auto n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
      if (n == 0) return true;
      if (n < 0) return errno != EAGAIN && errno != EWOULDBLOCK;
    }
  }
  /// Reads until the end of an answer head or `timeout`; returns what came.
  std::string ReadHead(std::chrono::milliseconds timeout) {
    std::string got;
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (got.find("\r\n\r\n") == std::string::npos && std::chrono::steady_clock::now() < until) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      char buf[4096];
      auto n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) break;
      got.append(buf, static_cast<std::size_t>(n));
    }
    return got;
  }
  /// A small receive buffer, so that an answer this client never reads fills the gateway's side first.
  void ShrinkReceiveBuffer() {
    int size = 4096;
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  }

 private:
  int fd_ = -1;
};

/// Resident memory of a process, in MiB (VmRSS of /proc/<pid>/status).
double RssMiB(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return -1;
}

int ActiveConnections(const Gateway& gw) {
  auto r = gw.Admin("GET", "/status");
  if (r.status != 200) return -1;
  return static_cast<int>(ParseJson(r.body).at("server").at("connections_active").to_number<double>());
}

/// `n` ordinary requests, each of which must be answered 200 by the backend.
int Served(const Gateway& gw, int n) {
  int ok = 0;
  for (int i = 0; i < n; ++i) {
    auto r = gw.Get("/api/v1/ordinary");
    if (r.status == 200) {
      ++ok;
    } else {
      std::cerr << "an ordinary request got " << r.status << " " << r.body.substr(0, 200) << "\n";
    }
  }
  return ok;
}

// Slowloris: 100 clients each send a request head one byte at a time, never finishing it. The head must
// be complete within --client-timeout (2 s here), however often bytes come: they are all cut off, and
// the ordinary shopper is served throughout.
TEST(GatewayAbuse, SlowlorisClientsAreCutOffWhileOthersAreServed) {
  auto dir = TestDir("abuse-slowloris");
  Backend b(dir, "b");
  Gateway gw(dir, OneRoute(b), 2, "gateway", {}, {"--client-timeout", "2"});
  std::vector<RawClient> slow;
  for (int i = 0; i < 100; ++i) {
    slow.emplace_back(gw.proxy());
    ASSERT_TRUE(slow.back().Send("GET /api/v1/slow HTTP/1.1\r\nHost: shop\r\n"));
  }
  const std::string drip = "X-Slow: " + std::string(200, 'a');
  std::size_t at = 0;
  std::vector<bool> closed(slow.size(), false);
  std::size_t closed_count = 0;
  const auto until = std::chrono::steady_clock::now() + 30s;
  while (closed_count < slow.size() && std::chrono::steady_clock::now() < until) {
    for (std::size_t i = 0; i < slow.size(); ++i) {
      if (closed[i]) continue;
      if (slow[i].ClosedByPeer() || !slow[i].Send(std::string_view(&drip[at % drip.size()], 1))) {
        closed[i] = true;
        ++closed_count;
      }
    }
    ++at;
    EXPECT_EQ(Served(gw, 1), 1);
    std::this_thread::sleep_for(200ms);  // a byte every 200 ms: each read comes well within the timeout
  }
  EXPECT_EQ(closed_count, slow.size()) << "slow heads still open after 30 s with a 2 s header timeout";
  EXPECT_EQ(Served(gw, 20), 20);
  EXPECT_TRUE(gw.Running());
}

// Header floods: one header of 100 KB, and 5,000 small ones, from 20 clients at once. Each gets Kong's
// 400 "Request header or cookie too large" (the head is limited to 32 KB); meanwhile and afterwards
// ordinary requests are served.
TEST(GatewayAbuse, HeaderFloodsAreRefusedAndOthersServed) {
  auto dir = TestDir("abuse-headers");
  Backend b(dir, "b");
  Gateway gw(dir, OneRoute(b));
  const std::string big = "GET /api/v1/x HTTP/1.1\r\nHost: shop\r\nX-Big: " + std::string(100 * 1024, 'h') + "\r\n\r\n";
  std::string many = "GET /api/v1/x HTTP/1.1\r\nHost: shop\r\n";
  for (int i = 0; i < 5000; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
  many += "\r\n";
  std::atomic<int> refused{0};
  std::atomic<int> other{0};
  std::vector<std::thread> flooders;
  for (int i = 0; i < 20; ++i) {
    flooders.emplace_back([&, i] {
      RawClient c(gw.proxy());
      c.Send(i % 2 == 0 ? big : many);  // the gateway may close before it has read everything
      auto head = c.ReadHead(10s);
      (head.rfind("HTTP/1.1 400", 0) == 0 ? refused : other).fetch_add(1);
    });
  }
  EXPECT_EQ(Served(gw, 20), 20);
  for (auto& t : flooders) t.join();
  EXPECT_EQ(refused.load(), 20);
  EXPECT_EQ(other.load(), 0);
  // The answer's body is Kong's.
  RawClient c(gw.proxy());
  c.Send(big);
  std::string answer = c.ReadHead(10s);
  EXPECT_NE(answer.find("Request header or cookie too large"), std::string::npos) << answer.substr(0, 300);
  EXPECT_EQ(Served(gw, 20), 20);
}

// 10,000 connections opened and left idle: the gateway keeps serving ordinary requests among them, its
// memory grows by a bounded amount per connection, and it closes them at the idle timeout.
TEST(GatewayAbuse, TenThousandIdleConnectionsDoNotStopTheOthers) {
  auto dir = TestDir("abuse-idle");
  Backend b(dir, "b");
  Gateway gw(dir, OneRoute(b), 2, "gateway", {}, {"--client-timeout", "20"});
  ASSERT_EQ(Served(gw, 10), 10);
  const double before = RssMiB(gw.pid());
  std::vector<RawClient> idle;
  idle.reserve(10000);
  for (int i = 0; i < 10000; ++i) idle.emplace_back(gw.proxy());
  // Accepted (not only queued by the kernel): the gateway counts them.
  const auto until = std::chrono::steady_clock::now() + 30s;
  while (ActiveConnections(gw) < 10000 && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(100ms);
  EXPECT_GE(ActiveConnections(gw), 10000);
  EXPECT_EQ(Served(gw, 50), 50);
  const double with_idle = RssMiB(gw.pid());
  std::cout << "gateway RSS: " << before << " MiB before, " << with_idle << " MiB with 10,000 idle connections\n";
  // Bounded per connection: a 512-byte read buffer and the session's coroutine (about 17 KiB each
  // with ASan's redzones and shadow memory in the debug build).
  EXPECT_LT(with_idle - before, 10000 * 32.0 / 1024) << before << " -> " << with_idle;
  // The idle timeout closes them all.
  const auto closing = std::chrono::steady_clock::now() + 60s;
  while (ActiveConnections(gw) > 5 && std::chrono::steady_clock::now() < closing) std::this_thread::sleep_for(500ms);
  EXPECT_LE(ActiveConnections(gw), 5);
  EXPECT_EQ(Served(gw, 10), 10);
}

// Clients that ask for an 8 MB answer and never read it: the gateway relays through a fixed buffer per
// connection, so its memory does not grow with what is stuck; it gives up on each after --client-timeout;
// everyone else is served meanwhile.
TEST(GatewayAbuse, ClientsThatNeverReadTheirAnswerAreDroppedMemoryBounded) {
  auto dir = TestDir("abuse-never-read");
  Backend b(dir, "b");
  Gateway gw(dir, OneRoute(b), 2, "gateway", {}, {"--client-timeout", "3"});
  ASSERT_EQ(Served(gw, 5), 5);
  const double before = RssMiB(gw.pid());
  std::vector<RawClient> stuck;
  for (int i = 0; i < 20; ++i) {
    stuck.emplace_back(gw.proxy());
    stuck.back().ShrinkReceiveBuffer();
    ASSERT_TRUE(stuck.back().Send("GET /api/v1/bytes?size=8000000 HTTP/1.1\r\nHost: shop\r\n\r\n"));
  }
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(Served(gw, 20), 20);
  const double during = RssMiB(gw.pid());
  std::cout << "gateway RSS: " << before << " MiB before, " << during << " MiB with 20 answers of 8 MB unread\n";
  // 20 × 8 MB is 160 MB: far less than that is held.
  EXPECT_LT(during - before, 64.0) << before << " -> " << during;
  // Given up on after the timeout: only the ordinary connections remain.
  const auto until = std::chrono::steady_clock::now() + 60s;
  while (ActiveConnections(gw) > 2 && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(500ms);
  EXPECT_LE(ActiveConnections(gw), 2);
  EXPECT_EQ(Served(gw, 10), 10);
}

// An upstream that never answers: 50 requests to it at once get Kong's 504 after the service's
// read_timeout (1 s); requests to another service are served meanwhile, and the gateway holds nothing
// afterwards.
TEST(GatewayAbuse, AnUpstreamThatNeverAnswersGets504AndOthersAreServed) {
  auto dir = TestDir("abuse-silent-upstream");
  Backend silent(dir, "silent", 600000);  // answers after ten minutes
  Backend fine(dir, "fine");
  const std::string config = OneRoute(fine) + R"(  - name: silent
    url: http://)" + silent.target() +
                             R"(/api/v1
    read_timeout: 1000
    retries: 0
    routes:
      - name: silent
        paths: [/api/v2]
)";
  Gateway gw(dir, config);
  std::vector<std::thread> waiting;
  std::atomic<int> timed_out{0};
  std::mutex mutex;
  std::string other;
  for (int i = 0; i < 50; ++i) {
    waiting.emplace_back([&] {
      auto r = gw.Get("/api/v2/never", {}, 30s);
      if (r.status == 504 && r.body.find("The upstream server is timing out") != std::string::npos) {
        timed_out++;
      } else {
        std::lock_guard lock(mutex);
        other = std::to_string(r.status) + " " + r.body;
      }
    });
  }
  EXPECT_EQ(Served(gw, 20), 20);
  for (auto& t : waiting) t.join();
  EXPECT_EQ(timed_out.load(), 50) << other;
  EXPECT_EQ(Served(gw, 20), 20);
  EXPECT_TRUE(gw.Running());
}

}  // namespace
