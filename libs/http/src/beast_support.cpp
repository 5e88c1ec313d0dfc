#include "comptoir/http/beast_support.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>

#include "comptoir/http/client.hpp"

namespace comptoir::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

namespace {
constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
}  // namespace

asio::awaitable<boost::system::error_code> ConnectStream(beast::tcp_stream& stream, const std::string& host,
                                                         std::uint16_t port, std::chrono::milliseconds timeout) {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  stream.expires_after(timeout);
  if (!ec) {
    auto [cec] = co_await stream.async_connect(tcp::endpoint(address, port), kUseTuple);
    if (!cec) stream.socket().set_option(tcp::no_delay(true), ec);
    co_return cec;
  }
  tcp::resolver resolver(stream.get_executor());
  auto [rec, results] = co_await resolver.async_resolve(host, std::to_string(port), kUseTuple);
  if (rec) co_return rec;
  auto [cec, endpoint] = co_await stream.async_connect(results, kUseTuple);
  if (!cec) stream.socket().set_option(tcp::no_delay(true), ec);
  co_return cec;
}

asio::awaitable<boost::system::error_code> AcceptOnto(tcp::acceptor& acceptor, tcp::socket& socket) {
  auto [ec, accepted] = co_await acceptor.async_accept(kUseTuple);
  if (ec) co_return ec;
  auto protocol = accepted.local_endpoint(ec).protocol();
  if (!ec) socket.assign(protocol, accepted.release(ec), ec);
  if (!ec) socket.set_option(tcp::no_delay(true), ec);
  co_return ec;
}

bool IsTimeout(const boost::system::error_code& ec) noexcept {
  return ec == beast::error::timeout || ec == asio::error::timed_out;
}

}  // namespace comptoir::http
