#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "comptoir/error.hpp"
#include "comptoir/http/runtime.hpp"

namespace comptoir::metrics {
class Registry;
}

namespace comptoir::redis {

/// Where and how to connect.
struct Options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 6379;
  std::string username;  ///< ACL user (Redis 6+); empty means `AUTH <password>` only
  std::string password;  ///< empty: no AUTH
  int database = 0;      ///< SELECTed after connecting when not 0
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds command_timeout{2000};
};

/// Parses `redis://[[user]:password@]host[:port][/db]` (percent-encoded user and password, IPv6 hosts in
/// brackets, port 6379 by default). Throws std::invalid_argument naming what is wrong. Timeouts keep their
/// defaults.
Options ParseUrl(std::string_view url);

/// One reply, copied out of hiredis: nil, integer, (bulk) string, status, error or array of replies.
class Reply {
 public:
  enum class Type { kNil, kInteger, kString, kStatus, kError, kArray };

  Reply() = default;  ///< nil
  static Reply Nil() { return Reply(); }
  static Reply FromInteger(std::int64_t value);
  static Reply FromString(std::string value);
  static Reply FromStatus(std::string value);
  static Reply FromError(std::string message);
  static Reply FromArray(std::vector<Reply> elements);

  [[nodiscard]] Type type() const noexcept { return type_; }
  [[nodiscard]] bool IsNil() const noexcept { return type_ == Type::kNil; }
  [[nodiscard]] bool IsInteger() const noexcept { return type_ == Type::kInteger; }
  /// A bulk string or a status (`+OK`).
  [[nodiscard]] bool IsString() const noexcept { return type_ == Type::kString || type_ == Type::kStatus; }
  [[nodiscard]] bool IsStatus() const noexcept { return type_ == Type::kStatus; }
  [[nodiscard]] bool IsError() const noexcept { return type_ == Type::kError; }
  [[nodiscard]] bool IsArray() const noexcept { return type_ == Type::kArray; }

  /// The accessors throw ApiError internal "redis.unexpected_reply" when the reply has another type.
  [[nodiscard]] std::int64_t Integer() const;
  /// Bulk string (binary-safe) or status text.
  [[nodiscard]] const std::string& String() const;
  /// nullopt for nil, the string otherwise (GET).
  [[nodiscard]] std::optional<std::string> OptString() const;
  [[nodiscard]] const std::vector<Reply>& Array() const;
  /// The error message, e.g. "WRONGTYPE Operation against a key holding the wrong kind of value".
  [[nodiscard]] const std::string& Error() const;

  /// Throws ApiError internal "redis.error" (detail: the message) when this is an error reply.
  const Reply& ThrowIfError() const&;
  Reply ThrowIfError() &&;

 private:
  Type type_ = Type::kNil;
  std::int64_t integer_ = 0;
  std::string text_;
  std::vector<Reply> elements_;
};

/// Asynchronous Redis client (hiredis on Asio coroutines). It keeps one pipelined connection per runtime
/// worker, used only from that worker's thread (no locks): call it from coroutines running on the runtime's
/// workers (a call from elsewhere is forwarded to worker 0's loop, which must then be running).
///
/// Failures: Redis unreachable or the connection lost -> ApiError unavailable "redis.unavailable"; no answer
/// within `command_timeout` -> ApiError timeout "redis.timeout" (the connection is then dropped). A broken
/// connection is replaced on the next call, so the client recovers by itself once Redis is back. Commands
/// in flight when a connection is lost fail (they may or may not have been applied); none is retried.
/// Error replies (WRONGTYPE, ...) are returned as a Reply with IsError(); see Reply::ThrowIfError().
///
/// Metrics (when `registry` is given): redis_commands_total, redis_errors_total{code}.
/// Destroy the client only after the runtime has stopped or every task using it has finished.
class Client {
 public:
  Client(http::Runtime& runtime, Options options, metrics::Registry* registry = nullptr);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  /// One command, arguments binary-safe: `co_await client.Command({"SET", key, value})`.
  boost::asio::awaitable<Reply> Command(std::vector<std::string> args);
  /// Several commands written at once on the same connection; replies in the same order. Either every
  /// reply is returned or the call throws (unavailable/timeout).
  boost::asio::awaitable<std::vector<Reply>> Pipeline(std::vector<std::vector<std::string>> commands);
  /// Runs a Lua script by EVALSHA (its SHA1 computed once per worker), falling back to EVAL when the server
  /// does not know it yet (NOSCRIPT). `script` must stay valid until the call completes.
  boost::asio::awaitable<Reply> Eval(std::string_view script, std::vector<std::string> keys,
                                     std::vector<std::string> args);
  /// PING; throws unavailable/timeout when Redis does not answer PONG.
  boost::asio::awaitable<void> Ping();

  [[nodiscard]] const Options& options() const noexcept { return options_; }

  struct Shard;
  struct Metrics;

 private:
  boost::asio::awaitable<std::vector<Reply>> Execute(std::vector<std::vector<std::string>> commands);
  Shard& CurrentShard();

  http::Runtime& runtime_;
  Options options_;
  std::shared_ptr<const Metrics> metrics_;
  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace comptoir::redis
