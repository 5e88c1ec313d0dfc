#include "comptoir/http/client.hpp"

#include "comptoir/http/beast_support.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <unordered_map>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

namespace comptoir::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {
constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

using Clock = std::chrono::steady_clock;

struct PooledConnection {
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  Clock::time_point idle_since;
  // Beast reads at most the free capacity (512 bytes on an empty buffer): start with room.
  explicit PooledConnection(asio::any_io_executor ex) : stream(std::move(ex)) { buffer.reserve(16 * 1024); }
};

using Pool = std::vector<std::unique_ptr<PooledConnection>>;

// Still open and quiet: a non-blocking peek finds nothing (end of stream: the server closed it;
// bytes: something nobody asked for).
bool QuietAndOpen(beast::tcp_stream& stream) {
  char byte = 0;
  const ssize_t n = ::recv(stream.socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

bool Usable(PooledConnection& c, Clock::time_point now, std::chrono::milliseconds idle_timeout) {
  return now - c.idle_since < idle_timeout && c.buffer.size() == 0 && QuietAndOpen(c.stream);
}

bool Idempotent(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE" || method == "OPTIONS" ||
         method == "TRACE";
}

// Hop-by-hop headers are the connection's business, not the message's.
bool IsHopByHop(std::string_view name) {
  return IEquals(name, "Connection") || IEquals(name, "Keep-Alive") || IEquals(name, "Transfer-Encoding") ||
         IEquals(name, "Content-Length") || IEquals(name, "Upgrade") || IEquals(name, "Proxy-Connection") ||
         IEquals(name, "TE") || IEquals(name, "Trailer");
}
}  // namespace

struct Client::Impl {
  Impl(Runtime& rt, ClientOptions opts) : runtime(rt), options(opts), idle(rt.size()), swept(rt.size()) {}

  /// A usable idle connection from `pool`, closing the unusable ones on the way; nullptr if none.
  std::unique_ptr<PooledConnection> Take(Pool& pool) {
    const auto now = Clock::now();
    while (!pool.empty()) {
      auto conn = std::move(pool.back());
      pool.pop_back();
      if (Usable(*conn, now, options.idle_timeout)) return conn;
    }
    return nullptr;
  }

  /// Closes the worker's idle connections that timed out or were closed by their server, at most
  /// once a second (so a pool of a host no longer called does not keep its sockets).
  void Sweep(std::size_t worker) {
    const auto now = Clock::now();
    if (now - swept[worker] < std::chrono::seconds(1)) return;
    swept[worker] = now;
    for (auto& [key, pool] : idle[worker]) {
      std::erase_if(pool,
                    [&](const std::unique_ptr<PooledConnection>& c) { return !Usable(*c, now, options.idle_timeout); });
    }
  }

  Runtime& runtime;
  ClientOptions options;
  // Idle keep-alive connections by "host:port", one map per worker (only touched on that worker).
  std::vector<std::unordered_map<std::string, Pool>> idle;
  std::vector<Clock::time_point> swept;
};

Client::Client(Runtime& runtime, ClientOptions options) : impl_(std::make_unique<Impl>(runtime, options)) {}
Client::~Client() = default;

asio::awaitable<ClientResult> Client::Send(std::string host, std::uint16_t port, Request request,
                                           std::chrono::milliseconds timeout) {
  const auto worker = Runtime::CurrentWorker() % impl_->idle.size();
  impl_->Sweep(worker);
  auto& pool = impl_->idle[worker][host + ":" + std::to_string(port)];
  if (timeout.count() == 0) timeout = impl_->options.request_timeout;

  bhttp::request<bhttp::string_body> out{
      bhttp::string_to_verb(request.method_name.empty() ? MethodName(request.method)
                                                        : std::string_view(request.method_name)),
      request.target.empty() ? "/" : request.target, 11};
  for (const auto& [name, value] : request.headers) {
    if (!IsHopByHop(name) && !IEquals(name, "Host")) out.insert(name, value);
  }
  out.set(bhttp::field::host, request.headers.Get("Host").value_or(host + ":" + std::to_string(port)));
  out.body() = request.body;
  out.keep_alive(true);
  out.prepare_payload();

  ClientResult result;
  const bool idempotent = Idempotent(out.method_string());
  // A reused connection may have been closed by the server while idle, in the moment between the
  // check before use and the request: one more try on a new connection (see the class comment).
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::unique_ptr<PooledConnection> conn;
    bool reused = false;
    if (attempt == 0) conn = impl_->Take(pool);
    if (conn) {
      reused = true;
    } else {
      conn = std::make_unique<PooledConnection>(co_await asio::this_coro::executor);
      auto ec = co_await ConnectStream(conn->stream, host, port, impl_->options.connect_timeout);
      if (ec) {
        result.error = ec;
        result.before_send = true;
        co_return result;
      }
    }
    conn->stream.expires_after(timeout);
    auto [wec, written] = co_await bhttp::async_write(conn->stream, out, kUseTuple);
    if (wec) {
      result.error = wec;
      result.before_send = reused;
      if (reused) continue;
      co_return result;
    }
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(impl_->options.body_limit);
    auto [rec, read] = co_await bhttp::async_read(conn->stream, conn->buffer, parser, kUseTuple);
    if (rec) {
      result.error = rec;
      // Nothing back on a reused connection: the server had closed it. The request left whole, so
      // it goes again only if it is idempotent.
      if (reused && read == 0 && (rec == bhttp::error::end_of_stream || rec == asio::error::connection_reset) &&
          idempotent) {
        continue;
      }
      co_return result;
    }
    auto response = parser.release();
    result.error = {};
    result.before_send = false;
    result.response.status = static_cast<int>(response.result_int());
    for (const auto& field : response) {
      if (!IsHopByHop(field.name_string())) result.response.headers.Add(field.name_string(), field.value());
    }
    result.response.body = std::move(response.body());
    if (response.keep_alive() && pool.size() < impl_->options.max_idle_per_host &&
        impl_->options.idle_timeout.count() > 0) {
      conn->stream.expires_never();
      conn->idle_since = Clock::now();
      pool.push_back(std::move(conn));
    }
    co_return result;
  }
  co_return result;
}

}  // namespace comptoir::http
