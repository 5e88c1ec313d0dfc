#pragma once
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

/// A small asynchronous SMTP client (RFC 5321) for the platform's own e-mails (ADR 0161): one message per
/// connection, EHLO, MAIL FROM, RCPT TO, DATA, QUIT, under one deadline. Plain SMTP to a relay the deployment
/// trusts (a local MTA or the chain's relay); no AUTH, no STARTTLS yet.
namespace comptoir::smtp {

struct Options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 25;
  /// The whole conversation, connection included.
  std::chrono::milliseconds timeout{10000};
  std::string helo_name = "comptoir.local";
};

/// A message with a plain-text body and an optional HTML alternative, both UTF-8.
struct Message {
  std::string from;  ///< envelope and From: address
  std::string from_name;
  std::string to;
  std::string subject;
  std::string message_id;  ///< "<…@…>", the same on every attempt so that a receiver can drop a duplicate
  std::string date;        ///< RFC 5322 date; empty: now
  std::string text;
  std::string html;
};

/// The server refused a command: its reply code (4xx transient, 5xx permanent) and text.
class ReplyError : public std::runtime_error {
 public:
  ReplyError(int code, const std::string& what) : std::runtime_error(what), code_(code) {}
  [[nodiscard]] int code() const noexcept { return code_; }
  [[nodiscard]] bool permanent() const noexcept { return code_ >= 500; }

 private:
  int code_;
};

/// Sends `message` on a new connection. Throws ReplyError when the server refuses, boost::system::system_error
/// for a transport failure, and the same with `timed_out` when the deadline passes. Never blocks the thread.
boost::asio::awaitable<void> Send(boost::asio::any_io_executor executor, const Options& options, const Message& message);

/// The message as RFC 5322 text with CRLF line ends: headers (non-ASCII subject and name as RFC 2047 words),
/// MIME multipart/alternative (or a single text part) with base64 bodies wrapped at 76 characters.
std::string Format(const Message& message, std::string_view boundary);

/// `data` ready for DATA: every line that starts with "." gets another one (RFC 5321 §4.5.2), then "\r\n.\r\n".
std::string DotStuff(std::string_view data);

/// The reply code of a complete reply ("250-…\r\n250 OK\r\n" → 250); 0 when `reply` is not a complete reply.
int ReplyCode(std::string_view reply) noexcept;

/// An RFC 5322 date of `unix_seconds` in UTC ("Sun, 06 Dec 2026 19:03:27 +0000").
std::string Rfc5322Date(std::int64_t unix_seconds);

}  // namespace comptoir::smtp
