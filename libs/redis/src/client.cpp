// hiredis' asynchronous API driven by Asio, and the per-worker client on top of it.
//
// hiredis has no Asio adapter, so Connection is one: hiredis asks for read/write interest through its ev
// hooks (addRead/delRead/addWrite/delWrite/cleanup) and we answer with stream_descriptor::async_wait on its
// socket, calling redisAsyncHandleRead/Write when the socket is ready. The descriptor never owns the fd (hiredis
// closes it): the cleanup hook release()s it before that. Everything of one connection happens on the thread of
// its worker's io_context, so there is no lock.
//
// A call waits on a steady_timer set to its deadline; the reply callbacks store the replies and cancel the timer.
// hiredis calls every outstanding callback with a NULL reply when the context goes away (connection lost,
// connect failure, or our own redisAsyncFree), which fails the waiting calls with "unavailable". The context is
// never freed from inside a hiredis callback: Drop() defers redisAsyncFree with asio::post.
#include <algorithm>
#include <map>
#include <mutex>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <openssl/evp.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "comptoir/log.hpp"
#include "comptoir/metrics.hpp"
#include "comptoir/redis/redis.hpp"

namespace comptoir::redis {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using namespace std::chrono_literals;

namespace {

ApiError Unavailable(std::string detail) {
  return ApiError::Unavailable("redis.unavailable", std::move(detail));
}

long long Millis(std::chrono::milliseconds d) {
  return static_cast<long long>(d.count());
}

Reply Copy(const redisReply* reply) {
  switch (reply->type) {
    case REDIS_REPLY_INTEGER:
      return Reply::FromInteger(reply->integer);
    case REDIS_REPLY_STRING:
      return Reply::FromString(std::string(reply->str, reply->len));
    case REDIS_REPLY_STATUS:
      return Reply::FromStatus(std::string(reply->str, reply->len));
    case REDIS_REPLY_ERROR:
      return Reply::FromError(std::string(reply->str, reply->len));
    case REDIS_REPLY_ARRAY: {
      std::vector<Reply> elements;
      elements.reserve(reply->elements);
      for (std::size_t i = 0; i < reply->elements; ++i) elements.push_back(Copy(reply->element[i]));
      return Reply::FromArray(std::move(elements));
    }
    default:
      return Reply::Nil();
  }
}

std::string Sha1Hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha1(), nullptr) != 1) {
    throw ApiError::Internal("redis.error", "SHA1 of a Lua script failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(size * 2);
  for (unsigned i = 0; i < size; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xf];
  }
  return hex;
}

using log::LogFailure;

/// The replies of one call (a command or a pipeline), filled in by hiredis callbacks on the worker thread.
struct Pending {
  Pending(asio::io_context& io, std::size_t count) : timer(io), replies(count) {}
  [[nodiscard]] bool Done() const noexcept { return failed || received == replies.size(); }

  asio::steady_timer timer;  // expires at the deadline; cancelled when done, moved when the connection is up
  std::vector<Reply> replies;
  std::size_t received = 0;
  bool failed = false;
  std::string failure;
};

/// hiredis' privdata for one command.
struct Slot {
  std::shared_ptr<Pending> pending;
  std::size_t index;
};

/// Metric families shared by every Client on one registry (each name is added once per registry).
struct Families {
  metrics::Family<metrics::Counter>* commands = nullptr;
  metrics::Family<metrics::Counter>* errors = nullptr;
};

std::shared_ptr<Families> FamiliesFor(metrics::Registry& registry) {
  static std::mutex mutex;
  static std::map<metrics::Registry*, std::weak_ptr<Families>> known;
  std::lock_guard lock(mutex);
  if (auto existing = known[&registry].lock()) return existing;
  auto families = std::make_shared<Families>();
  families->commands = &registry.AddCounter("redis_commands_total", "Redis commands sent");
  families->errors = &registry.AddCounter("redis_errors_total", "Redis failures and error replies by code", {"code"});
  known[&registry] = families;
  return families;
}

// ---------------------------------------------------------------------------------------------------------------
// Connection: one redisAsyncContext on one worker's io_context.

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(asio::io_context& io, std::string endpoint)
      : io_(io), socket_(io), connect_timer_(io), endpoint_(std::move(endpoint)) {}
  ~Connection() { Close(); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Starts a non-blocking connect to `ip` and queues AUTH/SELECT; throws unavailable when that fails at once.
  void Start(const std::string& ip, const Options& options) {
    redisAsyncContext* ac = redisAsyncConnect(ip.c_str(), options.port);
    if (ac == nullptr) throw Unavailable("cannot allocate a Redis connection");
    if (ac->err != 0) {
      std::string why = ac->errstr;
      redisAsyncFree(ac);
      throw Unavailable("cannot connect to Redis at " + endpoint_ + ": " + why);
    }
    ctx_ = ac;
    ac->data = this;
    try {
      socket_.assign(ac->c.fd);
    } catch (const std::exception& e) {
      Close();
      throw Unavailable("cannot watch the Redis socket: " + std::string(e.what()));
    }
    ac->ev.data = this;
    ac->ev.addRead = [](void* self) { static_cast<Connection*>(self)->Want(true, true); };
    ac->ev.delRead = [](void* self) { static_cast<Connection*>(self)->Want(true, false); };
    ac->ev.addWrite = [](void* self) { static_cast<Connection*>(self)->Want(false, true); };
    ac->ev.delWrite = [](void* self) { static_cast<Connection*>(self)->Want(false, false); };
    ac->ev.cleanup = [](void* self) { static_cast<Connection*>(self)->OnCleanup(); };
    redisAsyncSetConnectCallback(ac, &Connection::OnConnect);
    redisAsyncSetDisconnectCallback(ac, &Connection::OnDisconnect);

    connect_timer_.expires_after(options.connect_timeout);
    connect_timer_.async_wait(
        [weak = weak_from_this(), timeout = options.connect_timeout](boost::system::error_code ec) {
          auto self = weak.lock();
          if (ec || !self || self->connected_ || self->ctx_ == nullptr) return;
          self->Drop("no connection within " + std::to_string(Millis(timeout)) + " ms");
        });

    // Queued before any command, so they run first; a failure fails the commands behind them.
    if (!options.password.empty()) {
      std::vector<std::string> auth{"AUTH"};
      if (!options.username.empty()) auth.push_back(options.username);
      auth.push_back(options.password);
      SendSetup(auth, "AUTH");
    }
    if (options.database != 0) SendSetup({"SELECT", std::to_string(options.database)}, "SELECT");
    // The connect completes on the first write event, which hiredis asks for only with a command queued.
    Want(false, true);
  }

  /// Once connected, restarts `pending`'s deadline at `command_timeout` (commands queued while connecting wait for
  /// the connection under connect_timeout, then for the reply under command_timeout).
  void WhenConnected(const std::shared_ptr<Pending>& pending, std::chrono::milliseconds command_timeout) {
    command_timeout_ = command_timeout;
    connect_waiters_.push_back(pending);
  }

  /// Whether new commands may go on this connection (connected or still connecting).
  [[nodiscard]] bool Usable() const noexcept { return ctx_ != nullptr && !broken_; }
  [[nodiscard]] bool connected() const noexcept { return connected_; }

  /// Queues one command; false when the connection cannot take it (then it is dropped).
  bool Send(const std::vector<std::string>& args, const std::shared_ptr<Pending>& pending, std::size_t index) {
    if (!Usable()) return false;
    auto slot = std::make_unique<Slot>(Slot{pending, index});
    if (!Queue(args, &Connection::OnReply, slot.get())) {
      Drop(ctx_ != nullptr && ctx_->err != 0 ? ctx_->errstr : "the connection is closing");
      return false;
    }
    slot.release();  // owned by hiredis until OnReply
    return true;
  }

  /// Marks the connection broken and frees the context soon (never inside a hiredis callback).
  void Drop(std::string reason) {
    if (reason_.empty()) reason_ = std::move(reason);
    if (broken_ && dropping_) return;
    broken_ = true;
    dropping_ = true;
    asio::post(io_, [self = shared_from_this()] { self->Close(); });
  }

  /// Frees the context now; every outstanding callback runs with a NULL reply.
  void Close() {
    if (ctx_ == nullptr) return;
    broken_ = true;
    if (reason_.empty()) reason_ = "the client closed the connection";
    redisAsyncFree(ctx_);  // calls OnCleanup, which clears ctx_
    ctx_ = nullptr;
  }

  /// Why commands on this connection failed.
  [[nodiscard]] std::string Failure(const redisAsyncContext* ac) const {
    std::string why = !reason_.empty()                                           ? reason_
                      : (ac != nullptr && ac->err != 0 && ac->errstr[0] != '\0') ? std::string(ac->errstr)
                                                                                 : std::string("connection lost");
    return "Redis at " + endpoint_ + ": " + why;
  }

 private:
  bool Queue(const std::vector<std::string>& args, redisCallbackFn* callback, void* privdata) {
    argv_.clear();
    lengths_.clear();
    for (const auto& arg : args) {
      argv_.push_back(arg.data());
      lengths_.push_back(arg.size());
    }
    return redisAsyncCommandArgv(ctx_, callback, privdata, static_cast<int>(args.size()), argv_.data(),
                                 lengths_.data()) == REDIS_OK;
  }

  void SendSetup(const std::vector<std::string>& args, const char* what) {
    if (!Queue(args, &Connection::OnSetupReply, const_cast<char*>(what))) Drop("cannot queue " + std::string(what));
  }

  // --- event-loop adapter -------------------------------------------------------------------------------------

  void Want(bool read, bool on) {
    (read ? want_read_ : want_write_) = on;
    if (on) Arm(read);
  }

  // One async_wait per direction at a time; a wait that completes after the interest was withdrawn does nothing.
  void Arm(bool read) {
    bool& waiting = read ? read_waiting_ : write_waiting_;
    if (waiting || ctx_ == nullptr || !socket_.is_open()) return;
    waiting = true;
    socket_.async_wait(read ? asio::posix::stream_descriptor::wait_read : asio::posix::stream_descriptor::wait_write,
                       [self = shared_from_this(), read](boost::system::error_code ec) { self->OnReady(read, ec); });
  }

  void OnReady(bool read, boost::system::error_code ec) {
    (read ? read_waiting_ : write_waiting_) = false;
    if (ctx_ == nullptr || ec == asio::error::operation_aborted) return;
    if (ec) {
      Drop("socket error: " + ec.message());
      return;
    }
    if (!(read ? want_read_ : want_write_)) return;
    // May run reply callbacks, and may free the context (OnCleanup clears ctx_).
    if (read) {
      redisAsyncHandleRead(ctx_);
    } else {
      redisAsyncHandleWrite(ctx_);
    }
    if (ctx_ != nullptr && (read ? want_read_ : want_write_)) Arm(read);
  }

  void OnCleanup() {
    ctx_ = nullptr;
    broken_ = true;
    connect_timer_.cancel();
    // hiredis closes the fd right after this: stop watching it without closing it.
    if (socket_.is_open()) socket_.release();
  }

  // --- hiredis callbacks --------------------------------------------------------------------------------------

  static void OnConnect(const redisAsyncContext* ac, int status) {
    auto* self = static_cast<Connection*>(ac->data);
    if (status == REDIS_OK) {
      self->connected_ = true;
      self->connect_timer_.cancel();
      for (const auto& weak : self->connect_waiters_) {
        if (auto pending = weak.lock(); pending && !pending->Done())
          pending->timer.expires_after(self->command_timeout_);
      }
      self->connect_waiters_.clear();
      return;
    }
    // hiredis frees the context after this callback.
    self->broken_ = true;
    if (self->reason_.empty())
      self->reason_ = std::string("cannot connect: ") + (ac->errstr != nullptr ? ac->errstr : "?");
    log::Warn("redis connect failed", {{"endpoint", self->endpoint_}, {"reason", self->reason_}});
  }

  static void OnDisconnect(const redisAsyncContext* ac, int status) {
    auto* self = static_cast<Connection*>(ac->data);
    const bool unexpected = !self->broken_;
    self->broken_ = true;
    if (unexpected) {
      log::Warn("redis connection lost", {{"endpoint", self->endpoint_}, {"reason", self->Failure(ac)}});
    }
  }

  static void OnSetupReply(redisAsyncContext* ac, void* raw, void* privdata) {
    auto* self = static_cast<Connection*>(ac->data);
    const auto* reply = static_cast<const redisReply*>(raw);
    if (reply == nullptr || reply->type != REDIS_REPLY_ERROR || self->setup_failed_) return;
    // Commands queued behind a failed AUTH/SELECT must not run as if it had worked: OnReply fails them.
    self->setup_failed_ = true;
    self->Drop(std::string(static_cast<const char*>(privdata)) + " failed: " + std::string(reply->str, reply->len));
    log::Warn("redis connection setup failed", {{"endpoint", self->endpoint_}, {"reason", self->reason_}});
  }

  static void OnReply(redisAsyncContext* ac, void* raw, void* privdata) {
    const std::unique_ptr<Slot> slot(static_cast<Slot*>(privdata));
    auto* self = static_cast<Connection*>(ac->data);
    Pending& pending = *slot->pending;
    if (pending.Done()) return;  // an earlier command of the same call failed
    if (raw == nullptr || self->setup_failed_) {
      pending.failed = true;
      pending.failure = self->Failure(ac);
      pending.timer.cancel();
      return;
    }
    pending.replies[slot->index] = Copy(static_cast<const redisReply*>(raw));
    if (++pending.received == pending.replies.size()) pending.timer.cancel();
  }

  asio::io_context& io_;
  asio::posix::stream_descriptor socket_;
  asio::steady_timer connect_timer_;
  std::string endpoint_;
  redisAsyncContext* ctx_ = nullptr;
  bool connected_ = false;
  bool broken_ = false;
  bool dropping_ = false;
  bool setup_failed_ = false;
  bool want_read_ = false, want_write_ = false;
  bool read_waiting_ = false, write_waiting_ = false;
  std::string reason_;
  std::vector<std::weak_ptr<Pending>> connect_waiters_;
  std::chrono::milliseconds command_timeout_{0};
  std::vector<const char*> argv_;
  std::vector<std::size_t> lengths_;
};

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// Shard: the connection(s) of one worker.

struct Client::Metrics {
  explicit Metrics(metrics::Registry& registry)
      : families(FamiliesFor(registry)), commands(&families->commands->WithLabels({})) {}
  void Error(const std::string& code) const { families->errors->WithLabels({code}).Inc(); }

  std::shared_ptr<Families> families;
  metrics::Counter* commands;
};

struct Client::Shard {
  Shard(asio::io_context& context, const Options& client_options)
      : io(context),
        options(client_options),
        endpoint(client_options.host + ":" + std::to_string(client_options.port)) {}

  ~Shard() {
    if (connection) connection->Close();
  }

  /// The current connection, or a new one when there is none or it broke.
  awaitable<std::shared_ptr<Connection>> Acquire() {
    if (connection && connection->Usable()) co_return connection;
    const std::string ip = co_await Resolve();
    // Another call on this worker may have connected while we resolved.
    if (connection && connection->Usable()) co_return connection;
    if (connection) connection->Close();  // frees an already broken context at once
    auto fresh = std::make_shared<Connection>(io, endpoint);
    fresh->Start(ip, options);
    connection = fresh;
    co_return fresh;
  }

  /// An IP address for options.host; host names are resolved without blocking the loop (hiredis would not).
  awaitable<std::string> Resolve() {
    boost::system::error_code ec;
    asio::ip::make_address(options.host, ec);
    if (!ec) co_return options.host;
    using namespace asio::experimental::awaitable_operators;
    asio::ip::tcp::resolver resolver(io);
    asio::steady_timer timer(io, options.connect_timeout);
    try {
      auto result = co_await (resolver.async_resolve(options.host, std::to_string(options.port), use_awaitable) ||
                              timer.async_wait(use_awaitable));
      if (result.index() == 1) throw Unavailable("cannot resolve Redis host " + options.host + ": timed out");
      const auto& endpoints = std::get<0>(result);
      if (endpoints.empty()) throw Unavailable("cannot resolve Redis host " + options.host);
      co_return endpoints.begin()->endpoint().address().to_string();
    } catch (const boost::system::system_error& e) {
      throw Unavailable("cannot resolve Redis host " + options.host + ": " + e.code().message());
    }
  }

  const std::string& ScriptSha(std::string_view script) {
    auto it = script_shas.find(script);
    if (it == script_shas.end()) it = script_shas.emplace(std::string(script), Sha1Hex(script)).first;
    return it->second;
  }

  asio::io_context& io;
  const Options& options;
  std::string endpoint;
  std::shared_ptr<Connection> connection;
  std::map<std::string, std::string, std::less<>> script_shas;  // script -> SHA1, for EVALSHA
};

// ---------------------------------------------------------------------------------------------------------------
// Client

Client::Client(http::Runtime& runtime, Options options, metrics::Registry* registry)
    : runtime_(runtime), options_(std::move(options)) {
  if (registry != nullptr) metrics_ = std::make_shared<Metrics>(*registry);
  for (std::size_t i = 0; i < runtime_.size(); ++i)
    shards_.push_back(std::make_unique<Shard>(runtime_.Context(i), options_));
}

Client::~Client() = default;

Client::Shard& Client::CurrentShard() {
  return *shards_[http::Runtime::CurrentWorker() % shards_.size()];
}

awaitable<Reply> Client::Command(std::vector<std::string> args) {
  std::vector<std::vector<std::string>> commands;
  commands.push_back(std::move(args));
  auto replies = co_await Execute(std::move(commands));
  co_return std::move(replies.front());
}

awaitable<std::vector<Reply>> Client::Pipeline(std::vector<std::vector<std::string>> commands) {
  if (commands.empty()) co_return std::vector<Reply>{};
  co_return co_await Execute(std::move(commands));
}

awaitable<void> Client::Ping() {
  std::vector<std::string> ping{"PING"};  // (a braced list inside co_await trips GCC 12)
  const Reply reply = co_await Command(std::move(ping));
  if (!reply.IsString() || reply.String() != "PONG") {
    throw Unavailable("Redis at " + options_.host + ":" + std::to_string(options_.port) + " answered PING with " +
                      (reply.IsError() ? reply.Error() : std::string("something else than PONG")));
  }
}

awaitable<Reply> Client::Eval(std::string_view script, std::vector<std::string> keys, std::vector<std::string> args) {
  Shard& shard = CurrentShard();
  if (!shard.io.get_executor().running_in_this_thread()) {
    // The SHA cache belongs to the shard's thread.
    co_return co_await asio::co_spawn(shard.io, Eval(script, std::move(keys), std::move(args)), use_awaitable);
  }
  std::vector<std::string> command{"EVALSHA", shard.ScriptSha(script), std::to_string(keys.size())};
  command.reserve(3 + keys.size() + args.size());
  for (auto& key : keys) command.push_back(std::move(key));
  for (auto& arg : args) command.push_back(std::move(arg));
  Reply reply = co_await Command(command);
  if (reply.IsError() && reply.Error().starts_with("NOSCRIPT")) {
    // EVAL also stores the script on the server, so the next EVALSHA finds it.
    command[0] = "EVAL";
    command[1] = std::string(script);
    reply = co_await Command(std::move(command));
  }
  co_return reply;
}

awaitable<std::vector<Reply>> Client::Execute(std::vector<std::vector<std::string>> commands) {
  Shard& shard = CurrentShard();
  if (!shard.io.get_executor().running_in_this_thread()) {
    // Not on a worker of this runtime: run on the shard's loop so that its connection stays single-threaded.
    co_return co_await asio::co_spawn(shard.io, Execute(std::move(commands)), use_awaitable);
  }
  for (const auto& command : commands) {
    if (command.empty()) throw std::invalid_argument("redis: empty command");
  }
  // Kept by value: nothing below may touch the Client once the call waits (it may be destroyed meanwhile).
  const std::shared_ptr<const Metrics> metrics = metrics_;
  const Options& options = options_;
  const auto count_error = [&metrics](const std::string& code) {
    if (metrics) metrics->Error(code);
  };

  std::shared_ptr<Connection> connection;
  try {
    connection = co_await shard.Acquire();
  } catch (const ApiError& e) {
    count_error(e.code());
    throw;
  }
  auto pending = std::make_shared<Pending>(shard.io, commands.size());
  const std::chrono::milliseconds command_timeout = options.command_timeout;
  if (connection->connected()) {
    pending->timer.expires_after(command_timeout);
  } else {
    // Bounded by the connect timeout until connected, then by the command timeout.
    pending->timer.expires_after(options.connect_timeout + command_timeout);
    connection->WhenConnected(pending, command_timeout);
  }
  for (std::size_t i = 0; i < commands.size(); ++i) {
    if (!connection->Send(commands[i], pending, i)) {
      pending->failed = true;
      pending->failure = connection->Failure(nullptr);
      break;
    }
  }
  if (metrics) metrics->commands->Inc(static_cast<double>(commands.size()));

  // Woken when done, at the deadline, or when the deadline moves (expires_after cancels the wait).
  while (!pending->Done() && asio::steady_timer::clock_type::now() < pending->timer.expiry()) {
    boost::system::error_code ec;
    co_await pending->timer.async_wait(asio::redirect_error(use_awaitable, ec));
  }
  if (pending->failed) {
    count_error("redis.unavailable");
    throw Unavailable(pending->failure);
  }
  if (!pending->Done()) {
    // The late replies would still reach their callbacks, but a server that stalls one command stalls the
    // ones behind it too: start over on a new connection.
    connection->Drop("the connection was dropped after a command timed out");
    count_error("redis.timeout");
    throw ApiError::Timeout("redis.timeout",
                            "Redis did not answer within " + std::to_string(Millis(command_timeout)) + " ms");
  }
  if (metrics) {
    for (const auto& reply : pending->replies) {
      if (reply.IsError()) count_error("redis.error_reply");
    }
  }
  co_return std::move(pending->replies);
}

}  // namespace comptoir::redis
