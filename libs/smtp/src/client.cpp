// The SMTP conversation on Asio coroutines: nothing here blocks the event loop, and one timer bounds it all.
#include <boost/asio/connect.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "comptoir/smtp/smtp.hpp"

namespace comptoir::smtp {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::use_awaitable;

constexpr std::size_t kMaxReply = 64 * 1024;
// Base64 bodies and headers never contain '_' after "=": the boundary cannot occur inside a part.
constexpr std::string_view kBoundary = "=_comptoir_alternative";

void RequireAddress(std::string_view address) {
  if (address.empty() || address.size() > 254) throw std::invalid_argument("not an e-mail address");
  for (unsigned char c : address) {
    if (c <= 32 || c >= 127 || c == '<' || c == '>') throw std::invalid_argument("not an e-mail address");
  }
}

std::string Trimmed(std::string reply) {
  while (!reply.empty() && (reply.back() == '\n' || reply.back() == '\r')) reply.pop_back();
  return reply;
}

class Conversation {
 public:
  explicit Conversation(tcp::socket& socket) : socket_(socket) {}

  /// Reads one reply (all its lines) and checks its class (2 = positive completion, 3 = intermediate).
  asio::awaitable<void> Expect(std::string_view step, int want_class) {
    std::string reply;
    for (;;) {
      std::size_t n = co_await asio::async_read_until(socket_, asio::dynamic_buffer(buffer_, kMaxReply), "\r\n",
                                                      use_awaitable);
      std::string line = buffer_.substr(0, n);
      buffer_.erase(0, n);
      reply += line;
      if (line.size() < 4 || line[3] != '-') break;
      if (reply.size() > kMaxReply) throw ReplyError(0, std::string(step) + ": reply too long");
    }
    int code = ReplyCode(reply);
    if (code == 0) throw ReplyError(0, std::string(step) + ": not an SMTP reply: " + Trimmed(reply));
    if (code / 100 != want_class) throw ReplyError(code, std::string(step) + ": " + Trimmed(reply));
  }

  asio::awaitable<void> Command(std::string line, std::string_view step, int want_class) {
    co_await asio::async_write(socket_, asio::buffer(line), use_awaitable);
    co_await Expect(step, want_class);
  }

 private:
  tcp::socket& socket_;
  std::string buffer_;
};

asio::awaitable<void> Converse(asio::any_io_executor executor, const Options& options, const Message& message) {
  tcp::resolver resolver(executor);
  auto endpoints = co_await resolver.async_resolve(options.host, std::to_string(options.port), use_awaitable);
  tcp::socket socket(executor);
  co_await asio::async_connect(socket, endpoints, use_awaitable);
  Conversation smtp(socket);
  co_await smtp.Expect("greeting", 2);
  co_await smtp.Command("EHLO " + options.helo_name + "\r\n", "EHLO", 2);
  co_await smtp.Command("MAIL FROM:<" + message.from + ">\r\n", "MAIL FROM", 2);
  co_await smtp.Command("RCPT TO:<" + message.to + ">\r\n", "RCPT TO", 2);
  co_await smtp.Command("DATA\r\n", "DATA", 3);
  co_await smtp.Command(DotStuff(Format(message, kBoundary)), "end of data", 2);
  // The message is accepted: a failed QUIT changes nothing.
  boost::system::error_code ignored;
  co_await asio::async_write(socket, asio::buffer(std::string_view("QUIT\r\n")),
                             asio::redirect_error(use_awaitable, ignored));
  socket.shutdown(tcp::socket::shutdown_both, ignored);
}

// `a || b` waits for the first to *succeed*: a refusal thrown by the conversation would wait for the deadline.
// The outcome is returned instead, and rethrown by Send.
asio::awaitable<std::exception_ptr> Attempt(asio::any_io_executor executor, const Options& options,
                                            const Message& message) {
  try {
    co_await Converse(std::move(executor), options, message);
  } catch (...) {
    co_return std::current_exception();
  }
  co_return nullptr;
}

}  // namespace

asio::awaitable<void> Send(asio::any_io_executor executor, const Options& options, const Message& message) {
  using namespace asio::experimental::awaitable_operators;
  RequireAddress(message.from);
  RequireAddress(message.to);
  asio::steady_timer deadline(executor, options.timeout);
  auto outcome = co_await (Attempt(executor, options, message) || deadline.async_wait(use_awaitable));
  if (outcome.index() == 1) {
    throw boost::system::system_error(asio::error::timed_out, "SMTP server did not answer in time");
  }
  if (std::exception_ptr failure = std::get<0>(outcome)) std::rethrow_exception(failure);
}

}  // namespace comptoir::smtp
