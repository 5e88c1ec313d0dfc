// The keep-alive pools of upstream connections, one per worker and target. An idle connection is
// closed once it has been idle for upstream_keepalive_idle_timeout (shorter than the upstreams'
// own idle timeout, so the gateway closes first) and as soon as the upstream is seen closing it
// (like nginx's keepalive module, which closes a cached connection that becomes readable): a
// request never goes out on a connection already known to be gone.
#include <sys/socket.h>

#include <cerrno>

#include "session.hpp"

namespace comptoir::gateway {
namespace proxy_detail {
namespace {

// Whether an idle connection is still open and quiet: a non-blocking peek that finds nothing to
// read. End of stream (the upstream closed it), bytes nobody asked for, or an error: not usable.
bool QuietAndOpen(tcp::socket& socket) {
  char byte = 0;
  const ssize_t n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

bool Usable(UpstreamConnection& conn, Clock::time_point now, std::chrono::milliseconds idle_timeout) {
  return now - conn.idle_since < idle_timeout && conn.buffer.size() == 0 && QuietAndOpen(conn.stream.socket());
}

}  // namespace

std::unique_ptr<UpstreamConnection> TakeIdleConnection(Gateway::Impl& impl, std::size_t worker,
                                                       const std::string& key) {
  auto& pools = impl.pools[worker];
  auto it = pools.find(key);
  if (it == pools.end()) return nullptr;
  auto& pool = it->second;
  const auto now = Clock::now();
  // The most recently used first: the least likely to have been closed.
  while (!pool.empty()) {
    std::unique_ptr<UpstreamConnection> conn = std::move(pool.back());
    pool.pop_back();
    if (Usable(*conn, now, impl.options.upstream_keepalive_idle_timeout)) return conn;
  }
  return nullptr;
}

void PutIdleConnection(Gateway::Impl& impl, std::size_t worker, const std::string& key,
                       std::unique_ptr<UpstreamConnection>& conn) {
  if (impl.options.upstream_keepalive_idle_timeout.count() <= 0) return;  // keep-alive to upstreams off
  auto& pool = impl.pools[worker][key];
  if (pool.size() >= impl.options.upstream_idle_per_target) return;
  conn->stream.expires_never();
  conn->idle_since = Clock::now();
  pool.push_back(std::move(conn));
}

void PruneIdleConnections(Gateway::Impl& impl, std::size_t worker) {
  const auto now = Clock::now();
  for (auto& [key, pool] : impl.pools[worker]) {
    std::erase_if(pool, [&](const std::unique_ptr<UpstreamConnection>& conn) {
      return !Usable(*conn, now, impl.options.upstream_keepalive_idle_timeout);
    });
  }
}

}  // namespace proxy_detail
}  // namespace comptoir::gateway
