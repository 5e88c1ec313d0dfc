#pragma once
// For the few components that speak Beast directly (the gateway's streaming proxy). Services
// never include this: they see comptoir::http::Request/Response only.
#include <chrono>
#include <cstdint>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>

namespace comptoir::http {

/// Connects `stream` to host:port within `timeout` (numeric addresses skip the resolver) and
/// disables Nagle. Returns the error instead of throwing.
boost::asio::awaitable<boost::system::error_code> ConnectStream(boost::beast::tcp_stream& stream,
                                                                const std::string& host, std::uint16_t port,
                                                                std::chrono::milliseconds timeout);

/// Accepts the next connection on `acceptor` and re-homes its descriptor on `socket`'s loop (a
/// worker), with Nagle disabled. The accept itself runs on the acceptor's loop, so a pending accept
/// never owns another loop's socket and the loops can be destroyed in any order.
boost::asio::awaitable<boost::system::error_code> AcceptOnto(boost::asio::ip::tcp::acceptor& acceptor,
                                                             boost::asio::ip::tcp::socket& socket);

}  // namespace comptoir::http
