#include "comptoir/testing/http.hpp"

#include <algorithm>
#include <cctype>
#include <exception>
#include <stdexcept>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

namespace comptoir::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

struct Call {
  std::uint16_t port;
  std::string method;
  std::string target;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds timeout;
  std::string source;  ///< local address to connect from; empty: the kernel's choice
};

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// The beast stream's deadline covers connect, write and read together: it is set once.
asio::awaitable<HttpResult> Exchange(Call call) {
  auto executor = co_await asio::this_coro::executor;
  beast::tcp_stream stream(executor);
  stream.expires_after(call.timeout);
  asio::ip::tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), call.port);
  if (!call.source.empty()) {
    stream.socket().open(asio::ip::tcp::v4());
    stream.socket().bind(asio::ip::tcp::endpoint(asio::ip::make_address(call.source), 0));
  }
  co_await stream.async_connect(endpoint, asio::use_awaitable);

  bhttp::request<bhttp::string_body> request;
  request.version(11);
  request.method_string(call.method);
  request.target(call.target);
  request.set(bhttp::field::host, "127.0.0.1:" + std::to_string(call.port));
  request.set(bhttp::field::connection, "close");
  bool has_content_type = false;
  for (const auto& [name, value] : call.headers) {
    if (Lower(name) == "content-type") has_content_type = true;
    request.insert(name, value);
  }
  if (!call.body.empty() && !has_content_type) request.set(bhttp::field::content_type, "application/json");
  request.body() = std::move(call.body);
  request.prepare_payload();
  co_await bhttp::async_write(stream, request, asio::use_awaitable);

  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  if (call.method == "HEAD") parser.skip(true);
  co_await bhttp::async_read(stream, buffer, parser, asio::use_awaitable);
  auto& response = parser.get();

  HttpResult result;
  result.status = static_cast<int>(response.result_int());
  for (const auto& field : response) {
    std::string name = Lower(std::string(field.name_string()));
    auto [it, inserted] = result.headers.emplace(name, std::string(field.value()));
    if (!inserted) it->second += ", " + std::string(field.value());
  }
  result.body = std::move(response.body());
  beast::error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  co_return result;
}

}  // namespace

HttpResult HttpFrom(std::string source, std::uint16_t port, std::string method, std::string target, std::string body,
                    std::vector<std::pair<std::string, std::string>> headers, std::chrono::milliseconds timeout) {
  asio::io_context io;
  std::exception_ptr failure;
  HttpResult result;
  std::string what = method + " " + target;
  asio::co_spawn(io,
                 Exchange(Call{port, std::move(method), std::move(target), std::move(body), std::move(headers), timeout,
                               std::move(source)}),
                 [&](std::exception_ptr e, HttpResult r) {
                   failure = e;
                   result = std::move(r);
                 });
  io.run();
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& e) {
      throw std::runtime_error("HTTP " + what + " on port " + std::to_string(port) + ": " + e.what());
    }
  }
  return result;
}

HttpResult Http(std::uint16_t port, std::string method, std::string target, std::string body,
                std::vector<std::pair<std::string, std::string>> headers, std::chrono::milliseconds timeout) {
  return HttpFrom({}, port, std::move(method), std::move(target), std::move(body), std::move(headers), timeout);
}

}  // namespace comptoir::testing
