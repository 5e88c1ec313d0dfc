// The proxy: one coroutine per client connection, on the worker that accepted it. Bodies are
// relayed in 16 KiB pieces (never held whole) unless a plugin asked for the whole body.
#include <array>
#include <algorithm>
#include <charconv>
#include <climits>
#include <cstring>
#include <limits>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/read_size.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

#include "comptoir/http/beast_support.hpp"
#include "comptoir/log.hpp"
#include "impl.hpp"

namespace comptoir::gateway {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using namespace std::string_view_literals;

// One field of a message head parsed in place (see ResponseHead).
struct HeadField {
  std::string_view name;
  std::string_view value;
};

struct ProxySession {
  beast::tcp_stream* stream = nullptr;
  bool idle = true;
  // The hot path (request heads, bodiless requests, responses of known length) works on the raw
  // sockets, without beast::tcp_stream's timer per operation: the operation in progress has a
  // deadline, and a sweep per worker (SweepDeadlines) cancels it once overdue.
  tcp::socket* waiting_on = nullptr;
  Clock::time_point deadline = Clock::time_point::max();
  bool timed_out = false;
  void Arm(tcp::socket& socket, std::chrono::milliseconds timeout) {
    waiting_on = &socket;
    deadline = Clock::now() + timeout;
    timed_out = false;
  }
  /// The operation's result, with a cancellation by the sweep reported as beast::error::timeout.
  boost::system::error_code Disarm(boost::system::error_code ec) {
    waiting_on = nullptr;
    deadline = Clock::time_point::max();
    if (timed_out && ec == asio::error::operation_aborted) return beast::error::timeout;
    return ec;
  }
  bool linger = false;  ///< closed with a request body unread: drain it first (nginx's lingering close)
  std::unique_ptr<char[]> relay_buffer;  ///< one per connection: its messages are relayed in turn
  char* RelayBuffer();
  // Message heads written by the proxy itself, reused from request to request (no allocation once
  // they have grown to a typical head).
  std::string upstream_fields;  ///< the upstream request's header fields after Host
  std::string head;             ///< request line + Host, or the response head
  std::vector<HeadField> response_fields;  ///< the upstream answer's fields, as views (ResponseHead)
  http::Request request;  ///< the request in progress, refilled for each one (HandleRequest)
};

namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::string_view kVia = "1.1 comptoir-gateway/0.1";
constexpr std::string_view kServer = "comptoir-gateway/0.1";
constexpr std::size_t kRelayChunk = 16 * 1024;

}  // namespace

char* ProxySession::RelayBuffer() {
  if (!relay_buffer) relay_buffer.reset(new char[kRelayChunk]);
  return relay_buffer.get();
}

namespace {

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }
std::string MsText(Clock::duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
}

bool IsHopByHop(std::string_view name) {
  // Checked for every header in both directions: compare only names of a matching length.
  switch (name.size()) {
    case 2: return http::IEquals(name, "TE");
    case 7: return http::IEquals(name, "Trailer") || http::IEquals(name, "Upgrade");
    case 10: return http::IEquals(name, "Connection") || http::IEquals(name, "Keep-Alive");
    case 16: return http::IEquals(name, "Proxy-Connection");
    case 18: return http::IEquals(name, "Proxy-Authenticate");
    case 19: return http::IEquals(name, "Proxy-Authorization");
    default: return false;
  }
}

// Headers named in a Connection header are hop-by-hop too (RFC 9110 §7.6.1).
bool NamedInConnection(std::string_view connection, std::string_view name) {
  std::size_t start = 0;
  while (start < connection.size()) {
    auto comma = connection.find(',', start);
    if (comma == std::string_view::npos) comma = connection.size();
    auto token = connection.substr(start, comma - start);
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
    if (http::IEquals(token, name)) return true;
    start = comma + 1;
  }
  return false;
}

template <class Fields>
void CopyEndToEnd(const Fields& fields, http::Headers& out) {
  std::string connection(fields[bhttp::field::connection]);
  for (const auto& f : fields) {
    auto name = f.name_string();
    if (IsHopByHop(name) || (!connection.empty() && NamedInConnection(connection, name))) continue;
    out.Add(name, f.value());
  }
}

// Makes `fields` (the upstream's response header) say what `headers` says, where `headers` began as
// CopyEndToEnd(fields) followed by additions. Beast allocates each field: the fields `headers` still
// has unchanged, in order, are kept; hop-by-hop ones are dropped; only what follows the first
// difference is rewritten.
template <class Fields>
void ReplaceFields(Fields& fields, const http::Headers& headers) {
  const std::string connection(fields[bhttp::field::connection]);
  auto it = fields.begin();
  auto h = headers.begin();
  while (it != fields.end() && h != headers.end()) {
    const auto name = it->name_string();
    if (IsHopByHop(name) || (!connection.empty() && NamedInConnection(connection, name))) {
      it = fields.erase(it);
    } else if (name == h->first && it->value() == h->second) {
      ++it;
      ++h;
    } else {
      break;
    }
  }
  while (it != fields.end()) it = fields.erase(it);
  for (; h != headers.end(); ++h) fields.insert(h->first, h->second);
}

std::string NewKongRequestId() {
  // Kong's request ids are 32 hex characters.
  auto uuid = http::NewUuid();
  std::erase(uuid, '-');
  return uuid;
}

std::string HostWithoutPort(std::string_view host) {
  std::string out;
  if (!host.empty() && host.front() == '[') {
    auto end = host.find(']');
    out = std::string(host.substr(0, end == std::string_view::npos ? host.size() : end + 1));
  } else {
    out = std::string(host.substr(0, host.find(':')));
  }
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Headers a plugin adds to every answer (ctx.response_headers) replace same-named ones, like
// Kong's kong.response.set_header.
void ApplyResponseHeaders(const http::Headers& add, http::Headers& out) {
  for (const auto& entry : add) out.Remove(entry.first);
  for (const auto& [name, value] : add) out.Add(name, value);
}

bool HasHeaderFilter(const std::vector<const PluginInstance*>& plugins) {
  return std::any_of(plugins.begin(), plugins.end(),
                     [](const PluginInstance* pi) { return pi->plugin->HasHeaderFilter(); });
}

void AppendField(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append(": "sv).append(value).append("\r\n"sv);
}

void AppendNumber(std::string& out, std::int64_t value) {
  char digits[24];
  auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out.append(digits, static_cast<std::size_t>(end - digits));
}

struct HeaderRead {
  boost::system::error_code ec;
  std::size_t bytes = 0;   ///< what there was to parse: buffered before the call + read by it
  std::size_t header = 0;  ///< size of the header left in the buffer (when not consumed)
};

// Reads a message header into `p` from the raw socket (what Beast's async_read_header does, without
// its composed operations and tcp_stream's timer): parses what `buffer` holds, reads more while the
// header is incomplete. With `consume` false a complete header stays in `buffer` (the parser may
// keep views into it) and its size is returned.
template <class Parser>
asio::awaitable<HeaderRead> ReadHeader(tcp::socket& socket, beast::flat_buffer& buffer, Parser& p,
                                       ProxySession& session, std::chrono::milliseconds timeout,
                                       bool consume = true) {
  HeaderRead r;
  r.bytes = buffer.size();
  for (;;) {
    if (buffer.size() > 0) {
      const std::size_t used = p.put(buffer.data(), r.ec);
      if (r.ec == bhttp::error::need_more) {
        r.ec = {};
        buffer.consume(used);
      } else if (!r.ec && !p.is_header_done()) {
        buffer.consume(used);
        if (used > 0) continue;
      } else {
        if (consume || r.ec) {
          buffer.consume(used);
        } else {
          r.header = used;
        }
        co_return r;
      }
    }
    session.Arm(socket, timeout);
    auto [rec, n] = co_await socket.async_read_some(buffer.prepare(beast::read_size(buffer, 65536)), kUseTuple);
    rec = session.Disarm(rec);
    buffer.commit(n);
    r.bytes += n;
    if (rec == asio::error::eof) {
      // Like Beast: nothing at all is a clean end of stream, part of a header a partial message.
      r.ec = p.got_some() || buffer.size() > 0 ? bhttp::error::partial_message : bhttp::error::end_of_stream;
      co_return r;
    }
    if (rec) {
      r.ec = rec;
      co_return r;
    }
  }
}

// An upstream answer's status line and fields parsed in place, without allocating: the views
// point into the buffer the head was parsed from, valid while it is not consumed. Beast copies a
// field value folded over several lines (obs-fold) elsewhere: InPlace() tells.
class ResponseHead final : public bhttp::basic_parser<false> {
 public:
  explicit ResponseHead(std::vector<HeadField>& fields) : fields_(fields) {
    fields_.clear();
    body_limit(boost::none);  // only the head is parsed here; the body is relayed by length
  }
  [[nodiscard]] int status() const { return status_; }
  [[nodiscard]] std::string_view reason() const { return reason_; }
  [[nodiscard]] std::string_view connection() const { return connection_; }
  [[nodiscard]] const std::vector<HeadField>& fields() const { return fields_; }
  [[nodiscard]] bool InPlace(const char* begin, std::size_t size) const {
    const auto inside = [&](std::string_view v) { return v.empty() || (v.data() >= begin && v.data() + v.size() <= begin + size); };
    return inside(reason_) &&
           std::all_of(fields_.begin(), fields_.end(), [&](const HeadField& f) { return inside(f.name) && inside(f.value); });
  }

 private:
  void on_request_impl(bhttp::verb, beast::string_view, beast::string_view, int,
                       boost::system::error_code&) override {}
  void on_response_impl(int code, beast::string_view reason, int, boost::system::error_code&) override {
    status_ = code;
    reason_ = reason;
  }
  void on_field_impl(bhttp::field name, beast::string_view name_string, beast::string_view value,
                     boost::system::error_code&) override {
    if (name == bhttp::field::connection && connection_.empty()) connection_ = value;
    fields_.push_back({name_string, value});
  }
  void on_header_impl(boost::system::error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>&, boost::system::error_code&) override {}
  std::size_t on_body_impl(beast::string_view body, boost::system::error_code&) override { return body.size(); }
  void on_chunk_header_impl(std::uint64_t, beast::string_view, boost::system::error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, beast::string_view body, boost::system::error_code&) override {
    return body.size();
  }
  void on_finish_impl(boost::system::error_code&) override {}

  std::vector<HeadField>& fields_;
  int status_ = 0;
  std::string_view reason_;
  std::string_view connection_;
};

// The answer head for the client, from the upstream's (the same headers the Beast path produces:
// end-to-end fields, ctx.response_headers replacing same-named ones, Via, Server, Kong's latency
// and request id headers), written as text into `out`.
// `head_end` is the end of the upstream's head in its buffer: the fields kept as they came are
// copied with their line ends, a run of consecutive ones in one piece.
void WriteResponseHead(std::string& out, const ResponseHead& res, const char* head_end, unsigned version,
                       bool keep_alive, const RequestContext& ctx, Clock::duration upstream_latency,
                       std::string_view set_cookie) {
  out.clear();
  out.append(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  AppendNumber(out, res.status());
  out.push_back(' ');
  const auto reason = res.reason();
  out.append(reason.empty() ? std::string_view(bhttp::obsolete_reason(bhttp::int_to_status(
                                  static_cast<unsigned>(res.status()))))
                            : reason);
  out.append("\r\n"sv);
  const std::string_view connection = res.connection();
  std::optional<std::string_view> upstream_via;
  bool has_server = false;
  const char* run_begin = nullptr;
  const char* run_end = nullptr;
  const auto flush = [&] {
    if (run_begin != nullptr) out.append(run_begin, static_cast<std::size_t>(run_end - run_begin));
    run_begin = nullptr;
  };
  for (const auto& [name, value] : res.fields()) {
    bool keep = true;
    if (IsHopByHop(name) || (!connection.empty() && NamedInConnection(connection, name))) {
      keep = false;
    } else if (http::IEquals(name, "Via")) {
      if (!upstream_via) upstream_via = value;
      keep = false;
    } else if (http::IEquals(name, "X-Kong-Upstream-Latency") || http::IEquals(name, "X-Kong-Proxy-Latency") ||
               http::IEquals(name, "X-Kong-Request-Id") || ctx.response_headers.Has(name)) {
      keep = false;
    }
    if (!keep) {
      flush();
      continue;
    }
    has_server = has_server || http::IEquals(name, "Server");
    const char* after_value = value.empty() ? nullptr : value.data() + value.size();
    const void* line_feed =
        after_value != nullptr ? std::memchr(after_value, '\n', static_cast<std::size_t>(head_end - after_value)) : nullptr;
    if (line_feed == nullptr) {  // (an empty value has no position to start from)
      flush();
      AppendField(out, name, value);
      continue;
    }
    if (run_begin != nullptr && name.data() != run_end) flush();
    if (run_begin == nullptr) run_begin = name.data();
    run_end = static_cast<const char*>(line_feed) + 1;
  }
  flush();
  for (const auto& [name, value] : ctx.response_headers) AppendField(out, name, value);
  if (!set_cookie.empty()) AppendField(out, "Set-Cookie", set_cookie);
  out.append("Via: "sv);
  if (upstream_via) out.append(*upstream_via).append(", "sv);
  out.append(kVia).append("\r\n"sv);
  if (!has_server) AppendField(out, "Server", kServer);
  out.append("X-Kong-Upstream-Latency: "sv);
  AppendNumber(out, std::chrono::duration_cast<std::chrono::milliseconds>(upstream_latency).count());
  out.append("\r\nX-Kong-Proxy-Latency: "sv);
  AppendNumber(out, static_cast<std::int64_t>(ctx.kong_latency_ms));
  out.append("\r\n"sv);
  AppendField(out, "X-Kong-Request-Id", ctx.request_id);
  if (version == 10 && keep_alive) out.append("Connection: keep-alive\r\n"sv);
  if (version != 10 && !keep_alive) out.append("Connection: close\r\n"sv);
  out.append("\r\n"sv);
}

struct RelayResult {
  boost::system::error_code read_error;
  boost::system::error_code write_error;
  std::uint64_t bytes = 0;      ///< body bytes read from `in` (not counting `initial`)
  bool limit_exceeded = false;  ///< the body went past `limit`; the excess was not written
};

// Relays one message (header already parsed into `p`) from `in` to `out`, body piece by piece.
// `initial` is body already read from `in` (sent first); the body may not exceed `limit` bytes.
template <bool IsRequest>
asio::awaitable<RelayResult> Relay(beast::tcp_stream& in, beast::flat_buffer& in_buffer,
                                   bhttp::parser<IsRequest, bhttp::buffer_body>& p, beast::tcp_stream& out,
                                   std::chrono::milliseconds read_timeout, std::chrono::milliseconds write_timeout,
                                   ProxySession& session, std::string_view initial = {},
                                   std::uint64_t limit = std::numeric_limits<std::uint64_t>::max()) {
  RelayResult result;
  bhttp::serializer<IsRequest, bhttp::buffer_body> sr{p.get()};
  char* buf = nullptr;
  bool initial_pending = !initial.empty();
  do {
    if (initial_pending) {
      initial_pending = false;
      p.get().body().data = const_cast<char*>(initial.data());  // only read by the serializer
      p.get().body().size = initial.size();
      p.get().body().more = true;
    } else if (!p.is_done()) {
      if (buf == nullptr) buf = session.RelayBuffer();
      p.get().body().data = buf;
      p.get().body().size = kRelayChunk;
      in.expires_after(read_timeout);
      auto [rec, rn] = co_await bhttp::async_read(in, in_buffer, p, kUseTuple);
      if (rec == bhttp::error::need_buffer) rec = {};
      if (rec) {
        result.read_error = rec;
        co_return result;
      }
      std::size_t got = kRelayChunk - p.get().body().size;
      p.get().body().size = got;
      p.get().body().data = buf;
      p.get().body().more = true;
      result.bytes += got;
      if (initial.size() + result.bytes > limit) {
        result.limit_exceeded = true;
        co_return result;
      }
    } else {
      p.get().body().data = nullptr;
      p.get().body().size = 0;
      p.get().body().more = false;
    }
    out.expires_after(write_timeout);
    auto [wec, wn] = co_await bhttp::async_write(out, sr, kUseTuple);
    if (wec == bhttp::error::need_buffer) wec = {};
    if (wec) {
      result.write_error = wec;
      co_return result;
    }
  } while (!sr.is_done());
  co_return result;
}

// Reads the request body into `out` until it is whole or `out` holds `limit` bytes (the rest, if
// any, stays unread in the parser).
asio::awaitable<boost::system::error_code> ReadBodyAhead(beast::tcp_stream& in, beast::flat_buffer& in_buffer,
                                                        bhttp::request_parser<bhttp::buffer_body>& p,
                                                        std::string& out, std::size_t limit,
                                                        std::chrono::milliseconds timeout) {
  while (!p.is_done() && out.size() < limit) {
    const std::size_t old = out.size();
    const std::size_t room = std::min(kRelayChunk, limit - old);
    out.resize(old + room);
    p.get().body().data = out.data() + old;
    p.get().body().size = room;
    in.expires_after(timeout);
    auto [ec, n] = co_await bhttp::async_read(in, in_buffer, p, kUseTuple);
    if (ec == bhttp::error::need_buffer) ec = {};
    out.resize(old + room - p.get().body().size);
    if (ec) co_return ec;
  }
  co_return boost::system::error_code{};
}

// nginx's proxy_next_upstream "error timeout": failures of the connection. A malformed answer
// (nginx's "invalid_header") is not among nginx's defaults, so it is not retried.
bool IsTransportFailure(const boost::system::error_code& ec) {
  if (ec.category() == bhttp::make_error_code(bhttp::error::end_of_stream).category()) {
    return ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message;
  }
  return true;
}

// Reads the rest of a message body into `out` (bounded by `limit`).
template <bool IsRequest>
asio::awaitable<boost::system::error_code> ReadWholeBody(beast::tcp_stream& in, beast::flat_buffer& in_buffer,
                                                        bhttp::parser<IsRequest, bhttp::buffer_body>& p,
                                                        std::string& out, std::size_t limit,
                                                        std::chrono::milliseconds timeout) {
  std::array<char, kRelayChunk> buf;
  while (!p.is_done()) {
    p.get().body().data = buf.data();
    p.get().body().size = buf.size();
    in.expires_after(timeout);
    auto [ec, n] = co_await bhttp::async_read(in, in_buffer, p, kUseTuple);
    if (ec == bhttp::error::need_buffer) ec = {};
    if (ec) co_return ec;
    std::size_t got = buf.size() - p.get().body().size;
    if (out.size() + got > limit) co_return bhttp::error::body_limit;
    out.append(buf.data(), got);
  }
  co_return boost::system::error_code{};
}

asio::awaitable<bool> WriteResponse(beast::tcp_stream& client, http::Response&& response, unsigned version,
                                    bool keep_alive, bool head, std::chrono::milliseconds timeout,
                                    std::uint64_t& bytes_sent) {
  bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(response.status), version};
  for (const auto& [name, value] : response.headers) {
    if (http::IEquals(name, "Content-Length") || http::IEquals(name, "Transfer-Encoding")) continue;
    out.insert(name, value);
  }
  out.body() = std::move(response.body);
  out.keep_alive(keep_alive);
  out.prepare_payload();
  if (head) out.body().clear();
  client.expires_after(timeout);
  auto [ec, n] = co_await bhttp::async_write(client, out, kUseTuple);
  bytes_sent += n;
  co_return !ec;
}

// Runs the header filters and log phases of `plugins` (priority order).
void HeaderFilters(RequestContext& ctx, const std::vector<const PluginInstance*>& plugins, http::Response& r) {
  for (const auto* pi : plugins) pi->plugin->HeaderFilter(ctx, r);
}
void LogPhase(const RequestContext& ctx, const std::vector<const PluginInstance*>& plugins) {
  for (const auto* pi : plugins) pi->plugin->Log(ctx);
}

// The access phase runs the plugins in priority order. Once an authentication plugin has
// identified the consumer, the remaining plugins are those of the (route, service, consumer)
// combination (Kong's precedence). It is synchronous (no coroutine frame) up to a plugin whose
// AccessAsync must be awaited.
struct AccessCursor {
  const std::vector<const PluginInstance*>* active;
  std::vector<const PluginInstance*>& consumer_plugins;
  std::size_t next = 0;    ///< index in *active of the next plugin to run
  bool resolved = false;   ///< the consumer's plugin list was looked at
};

// After plugin `i` of the active list ran: moves the cursor past it, switching to the consumer's
// plugin list when the consumer just became known and has plugins of its own.
void Advance(RequestContext& ctx, const State& state, AccessCursor& c, std::size_t i) {
  c.next = i + 1;
  if (ctx.consumer_index < 0 || c.resolved) return;
  c.resolved = true;
  // Without plugins of its own, the consumer's combination is the route's list.
  const auto consumer = static_cast<std::size_t>(ctx.consumer_index);
  if (consumer >= state.consumer_has_plugins.size() || !state.consumer_has_plugins[consumer]) return;
  const auto* current = (*c.active)[i];
  c.consumer_plugins = ResolvePlugins(*state.config, ctx.route_index, ctx.service_index, ctx.consumer_index);
  c.active = &c.consumer_plugins;
  // Continue with what comes after the current plugin in the new list.
  const int priority = current->plugin->Priority();
  std::size_t next = 0;
  while (next < c.consumer_plugins.size() &&
         (c.consumer_plugins[next]->plugin->Priority() > priority ||
          (c.consumer_plugins[next]->plugin->Priority() == priority &&
           c.consumer_plugins[next]->name <= current->name))) {
    ++next;
  }
  c.next = next;
}

// Runs Access of the plugins from the cursor on. Returns true when it stopped at a plugin whose
// AccessAsync must now be awaited (the cursor still points at it), false when the phase is over
// (every plugin ran, or one set ctx.exit).
bool AccessUntilAsync(RequestContext& ctx, const State& state, AccessCursor& c) {
  while (c.next < c.active->size()) {
    const auto* pi = (*c.active)[c.next];
    pi->plugin->Access(ctx);
    if (ctx.exit) return false;
    if (pi->plugin->HasAsyncAccess()) return true;
    Advance(ctx, state, c, c.next);
  }
  return false;
}

// The part of the access phase that awaits (plugins with I/O, such as rate-limiting on Redis).
asio::awaitable<void> AccessAsyncRest(RequestContext& ctx, const State& state, AccessCursor& c) {
  do {
    co_await (*c.active)[c.next]->plugin->AccessAsync(ctx);
    if (ctx.exit) co_return;
    Advance(ctx, state, c, c.next);
  } while (AccessUntilAsync(ctx, state, c));
}

struct Attempt {
  std::unique_ptr<UpstreamConnection> conn;
  bool reused = false;
  std::optional<Pick> pick;
  std::string key;
};

using http::IsTimeout;

struct ProxyOutcome {
  bool keep_client = false;
};

// Sends the request upstream (with Kong's retry rules), relays the response, returns whether the
// client connection may be kept.
asio::awaitable<ProxyOutcome> ProxyRequest(Gateway::Impl& impl, const State& state, RequestContext& ctx,
                                           const std::vector<const PluginInstance*>& plugins,
                                           beast::tcp_stream& client, beast::flat_buffer& client_buffer,
                                           bhttp::request_parser<bhttp::buffer_body>& parser, bool body_buffered,
                                           bool needs_response_body, const std::string& original_host,
                                           ProxySession& session) {
  const Service& service = *ctx.service;
  auto& msg = parser.get();
  const bool head = msg.method() == bhttp::verb::head;
  const unsigned version = msg.version();
  const bool client_keep_alive = msg.keep_alive();
  const std::size_t worker = http::Runtime::CurrentWorker() % impl.pools.size();

  // The smallest body limit of the request's plugins (request-size-limiting), for bodies whose size
  // was not known in Access.
  std::uint64_t body_limit = std::numeric_limits<std::uint64_t>::max();
  const Plugin* limiter = nullptr;
  for (const auto* pi : plugins) {
    if (auto max = pi->plugin->MaxRequestBodyBytes(ctx); max && *max < body_limit) {
      body_limit = *max;
      limiter = pi->plugin.get();
    }
  }
  // Like nginx's proxy_request_buffering, a body is read before the upstream is chosen, so that it
  // can be sent again to another target; only up to replay_body_limit: a larger body (announced by
  // Content-Length, or a chunked one that outgrows the bound) is streamed, with what was read ahead
  // sent first, and is not retried once part of it has been relayed.
  std::string ahead;
  if (!body_buffered && !parser.is_done()) {
    const auto length = parser.content_length();
    if (!length || *length <= impl.options.replay_body_limit) {
      auto ec = co_await ReadBodyAhead(client, client_buffer, parser, ahead, impl.options.replay_body_limit,
                                       impl.options.client_timeout);
      ctx.bytes_received += ahead.size();
      if (ec) {
        // The client went away or sent a broken body: nothing to answer.
        ctx.status = 499;
        co_return ProxyOutcome{false};
      }
      if (ahead.size() > body_limit) {
        ctx.exit = limiter->RequestBodyTooLarge(ctx);
        co_return ProxyOutcome{false};
      }
      if (parser.is_done()) {
        ctx.request.body = std::move(ahead);
        ahead.clear();
        body_buffered = true;
      }
    }
  }

  // The upstream request's header fields: the client's as plugins left them, minus hop-by-hop ones,
  // plus the forwarding ones (Host is set per attempt). A streamed body is relayed by Beast's
  // serializer from the parsed message; otherwise the proxy writes the head itself, from
  // session.upstream_fields, with the body in the same write.
  const bool stream_body = !body_buffered && !parser.is_done();
  const std::string connection(msg[bhttp::field::connection]);
  auto& fields = msg.base();
  std::string& text = session.upstream_fields;
  text.clear();
  const auto emit = [&](std::string_view name, std::initializer_list<std::string_view> value) {
    if (stream_body) {
      std::string joined;
      for (auto part : value) joined += part;
      fields.insert(name, joined);
    } else {
      text.append(name).append(": "sv);
      for (auto part : value) text.append(part);
      text.append("\r\n"sv);
    }
  };
  std::optional<std::string_view> forwarded_for;
  std::optional<std::string_view> via;
  bool has_proto = false;
  bool has_forwarded_host = false;
  bool has_forwarded_port = false;
  if (stream_body) fields.clear();
  for (const auto& [name, value] : ctx.request.headers) {
    if (IsHopByHop(name) || (!connection.empty() && NamedInConnection(connection, name))) continue;
    if (http::IEquals(name, "Host")) continue;
    if (http::IEquals(name, "X-Forwarded-For")) {
      if (!forwarded_for) forwarded_for = value;
      continue;
    }
    if (http::IEquals(name, "Via")) {
      if (!via) via = value;
      continue;
    }
    if (http::IEquals(name, "X-Real-IP")) continue;
    if (body_buffered && (http::IEquals(name, "Content-Length") || http::IEquals(name, "Transfer-Encoding"))) {
      continue;
    }
    has_proto = has_proto || http::IEquals(name, "X-Forwarded-Proto");
    has_forwarded_host = has_forwarded_host || http::IEquals(name, "X-Forwarded-Host");
    has_forwarded_port = has_forwarded_port || http::IEquals(name, "X-Forwarded-Port");
    emit(name, {value});
  }
  if (forwarded_for) {
    emit("X-Forwarded-For", {*forwarded_for, ", ", ctx.client_ip});
  } else {
    emit("X-Forwarded-For", {ctx.client_ip});
  }
  emit("X-Real-IP", {ctx.client_ip});
  if (!has_proto) emit("X-Forwarded-Proto", {"http"});
  if (!has_forwarded_host) emit("X-Forwarded-Host", {original_host});
  char number[24];
  if (!has_forwarded_port) {
    auto end = std::to_chars(number, number + sizeof number, impl.bound_port).ptr;
    emit("X-Forwarded-Port", {std::string_view(number, static_cast<std::size_t>(end - number))});
  }
  if (via) {
    emit("Via", {*via, ", ", kVia});
  } else {
    emit("Via", {kVia});
  }
  if (body_buffered) {
    auto end = std::to_chars(number, number + sizeof number, ctx.request.body.size()).ptr;
    emit("Content-Length", {std::string_view(number, static_cast<std::size_t>(end - number))});
  }

  std::string target = ctx.request.path.empty() ? "/" : ctx.request.path;
  if (!ctx.request.query.empty()) target += "?" + ctx.request.query;

  const Upstream* upstream = nullptr;
  if (auto it = state.config->upstream_by_name.find(service.host); it != state.config->upstream_by_name.end()) {
    upstream = &state.config->upstreams[static_cast<std::size_t>(it->second)];
  }

  std::vector<std::string> tried;
  int retries_left = service.retries;
  bool body_streamed = false;  ///< body bytes were relayed that cannot be sent again
  Attempt attempt;
  std::optional<ResponseHead> answer;  ///< the last attempt's answer head, parsed in place
  std::size_t answer_head_size = 0;     ///< its size, still in the connection's buffer
  Clock::time_point sent_at;
  bool stale_retry_used = false;
  // nginx never passes a non-idempotent request (POST, LOCK, PATCH) to the next upstream once it was
  // sent: connect failures are retried for every method, failures after sending only for these.
  const bool replayable = ctx.request.method_name != "POST" && ctx.request.method_name != "PATCH" &&
                          ctx.request.method_name != "LOCK";
  std::optional<http::Response> last_failure;
  for (;;) {
    attempt = Attempt{};
    std::string host = service.host;
    std::uint16_t port = service.port;
    if (upstream != nullptr) {
      attempt.pick = impl.balancers.Select(upstream->name, ctx, tried);
      if (!attempt.pick) {
        // Nothing tried yet: no healthy target. Otherwise every target failed: the last failure.
        ctx.exit = last_failure ? std::move(last_failure)
                                : KongError(503, "failure to get a peer from the ring-balancer", ctx.request_id);
        co_return ProxyOutcome{false};
      }
      host = attempt.pick->host;
      port = attempt.pick->port;
      ctx.upstream = upstream->name;
    }
    attempt.key = host + ":" + std::to_string(port);
    ctx.target = attempt.key;
    auto& pool = impl.pools[worker][attempt.key];
    if (!pool.empty() && !stale_retry_used) {
      attempt.conn = std::move(pool.back());
      pool.pop_back();
      attempt.reused = true;
    } else {
      attempt.conn = std::make_unique<UpstreamConnection>(client.get_executor());
      auto ec = co_await http::ConnectStream(attempt.conn->stream, host, port, service.connect_timeout);
      if (ec) {
        if (attempt.pick) {
          impl.balancers.End(*attempt.pick, Outcome{IsTimeout(ec) ? Outcome::Kind::kTimeout : Outcome::Kind::kTcpFailure});
        }
        log::Warn("upstream connect failed", {{"target", attempt.key}, {"error", ec.message()},
                                              {"request_id", ctx.request_id}});
        tried.push_back(attempt.pick ? attempt.pick->target : attempt.key);
        last_failure = IsTimeout(ec) ? KongError(504, "The upstream server is timing out", ctx.request_id)
                                     : KongError(502, "An invalid response was received from the upstream server",
                                                 ctx.request_id);
        // Nothing of the body was sent yet (it is read ahead or still unread): always retryable.
        if (retries_left-- > 0) continue;
        ctx.exit = std::move(last_failure);
        co_return ProxyOutcome{false};
      }
    }
    if (attempt.pick) impl.balancers.Begin(*attempt.pick);

    // Host: the client's with preserve_host, else the upstream's host_header, else the service host.
    std::string upstream_host;
    auto plugin_host = ctx.request.headers.Get("Host");
    if (plugin_host && *plugin_host != original_host) {
      upstream_host = std::string(*plugin_host);  // set by a plugin (request-transformer)
    } else if (ctx.route->preserve_host && !original_host.empty()) {
      upstream_host = original_host;
    } else if (upstream != nullptr && !upstream->host_header.empty()) {
      upstream_host = upstream->host_header;
    } else {
      upstream_host = port == 80 ? host : host + ":" + std::to_string(port);
    }
    ctx.kong_latency_ms = Ms(Clock::now() - ctx.start);
    sent_at = Clock::now();
    boost::system::error_code write_error;
    if (!stream_body) {
      // Request line, Host, the fields and the whole body (if any) in one write, for every attempt;
      // the body is sent from where it is, never copied.
      std::string& line = session.head;
      line.clear();
      line.append(ctx.request.method_name).append(" "sv).append(target).append(" HTTP/1.1\r\nHost: "sv);
      line.append(upstream_host).append("\r\n"sv);
      const std::array<asio::const_buffer, 4> pieces{asio::buffer(line), asio::buffer(session.upstream_fields),
                                                     asio::buffer("\r\n", 2), asio::buffer(ctx.request.body)};
      auto& upstream_socket = attempt.conn->stream.socket();
      session.Arm(upstream_socket, service.write_timeout);
      auto [ec, n] = co_await asio::async_write(upstream_socket, pieces, kUseTuple);
      write_error = session.Disarm(ec);
    } else {
      msg.set(bhttp::field::host, upstream_host);
      msg.target(target);
      if (ctx.request.method_name != msg.method_string()) msg.method_string(ctx.request.method_name);
      msg.version(11);
      msg.keep_alive(true);
      auto relayed = co_await Relay(client, client_buffer, parser, attempt.conn->stream, service.read_timeout,
                                    service.write_timeout, session, ahead, body_limit);
      ctx.bytes_received += relayed.bytes;
      // Body bytes that were read from the client and passed on are gone: no other attempt.
      body_streamed = body_streamed || relayed.bytes > 0;
      if (relayed.limit_exceeded) {
        // The upstream got part of the body: its connection is dropped, never pooled.
        if (attempt.pick) impl.balancers.End(*attempt.pick, Outcome{Outcome::Kind::kResponse, 413});
        ctx.exit = limiter->RequestBodyTooLarge(ctx);
        co_return ProxyOutcome{false};
      }
      if (relayed.read_error) {
        // The client went away or sent a broken body: nothing to answer.
        if (attempt.pick) impl.balancers.End(*attempt.pick, Outcome{Outcome::Kind::kResponse, 499});
        ctx.status = 499;
        co_return ProxyOutcome{false};
      }
      write_error = relayed.write_error;
    }
    if (write_error) {
      if (attempt.pick) impl.balancers.End(*attempt.pick, Outcome{Outcome::Kind::kTcpFailure});
      // A pooled connection the upstream had closed: the request never arrived; retry fresh.
      if (attempt.reused && !body_streamed && !stale_retry_used) {
        stale_retry_used = true;
        continue;
      }
      log::Warn("upstream request failed", {{"target", attempt.key}, {"error", write_error.message()},
                                            {"request_id", ctx.request_id}});
      last_failure = KongError(502, "An invalid response was received from the upstream server", ctx.request_id);
      if (!body_streamed && replayable && retries_left-- > 0) {
        tried.push_back(attempt.pick ? attempt.pick->target : attempt.key);
        continue;
      }
      ctx.exit = std::move(last_failure);
      co_return ProxyOutcome{false};
    }

    auto& view = answer.emplace(session.response_fields);
    if (head) view.skip(true);
    auto [rec, rn, head_size] = co_await ReadHeader(attempt.conn->stream.socket(), attempt.conn->buffer, view,
                                                    session, service.read_timeout, false);
    answer_head_size = head_size;
    if (rec) {
      if (attempt.reused && rn == 0 && !body_streamed && !stale_retry_used &&
          (rec == bhttp::error::end_of_stream || rec == asio::error::connection_reset)) {
        if (attempt.pick) impl.balancers.End(*attempt.pick, Outcome{Outcome::Kind::kTcpFailure});
        stale_retry_used = true;
        continue;
      }
      const bool timeout = IsTimeout(rec);
      const bool transport = IsTransportFailure(rec);
      if (attempt.pick) {
        impl.balancers.End(*attempt.pick,
                           Outcome{timeout ? Outcome::Kind::kTimeout : Outcome::Kind::kTcpFailure});
      }
      log::Warn("upstream response failed", {{"target", attempt.key}, {"error", rec.message()},
                                             {"request_id", ctx.request_id}});
      last_failure = timeout ? KongError(504, "The upstream server is timing out", ctx.request_id)
                             : KongError(502, "An invalid response was received from the upstream server",
                                         ctx.request_id);
      // The connection failed or timed out before the whole response header (the target died or
      // hangs with the request in flight): like nginx's proxy_next_upstream "error timeout", an
      // idempotent request whose body can be sent again goes to the next target. Nothing has been
      // sent to the client yet.
      if (transport && !body_streamed && replayable && retries_left-- > 0) {
        tried.push_back(attempt.pick ? attempt.pick->target : attempt.key);
        continue;
      }
      ctx.exit = std::move(last_failure);
      co_return ProxyOutcome{false};
    }
    break;
  }

  auto upstream_latency = Clock::now() - sent_at;
  ctx.upstream_latency_ms = Ms(upstream_latency);
  ctx.from_upstream = true;
  ctx.status = answer->status();
  auto& from = attempt.conn->buffer;

  bool keep_client = client_keep_alive && !impl.stopping.load(std::memory_order_relaxed);
  bool upstream_ok = true;
  bool client_ok = true;
  bool upstream_done = false;  ///< the whole response was read and nothing follows it
  bool upstream_keep_alive = false;
  // The common case goes straight through: no plugin rewrites the response, and its body has a
  // known length (or none). The head is written from the parsed fields, the body as it arrives.
  const bool direct = !needs_response_body && !HasHeaderFilter(plugins) && ctx.status >= 200 &&
                      (answer->is_done() || (answer->content_length() && !answer->chunked())) &&
                      answer->InPlace(static_cast<const char*>(from.data().data()), answer_head_size);
  if (direct) {
    std::string& out = session.head;
    WriteResponseHead(out, *answer, static_cast<const char*>(from.data().data()) + answer_head_size, version,
                      keep_client, ctx, upstream_latency,
                      attempt.pick ? std::string_view(attempt.pick->set_cookie) : std::string_view());
    upstream_keep_alive = answer->keep_alive();
    from.consume(answer_head_size);  // the views into it are not used past this point
    auto& from = attempt.conn->buffer;
    std::uint64_t body_left = answer->is_done() ? 0 : *answer->content_length();
    // What the upstream sent after the head is in its buffer already: with the head, one write.
    const auto first = static_cast<std::size_t>(std::min<std::uint64_t>(from.size(), body_left));
    const std::array<asio::const_buffer, 2> pieces{asio::buffer(out), asio::buffer(from.data(), first)};
    auto& client_socket = client.socket();
    auto& upstream_socket = attempt.conn->stream.socket();
    session.Arm(client_socket, impl.options.client_timeout);
    auto [wec, wn] = co_await asio::async_write(client_socket, pieces, kUseTuple);
    client_ok = !session.Disarm(wec);
    ctx.bytes_sent += wn;
    from.consume(first);
    body_left -= first;
    char* buf = body_left > 0 ? session.RelayBuffer() : nullptr;
    while (client_ok && body_left > 0) {
      session.Arm(upstream_socket, service.read_timeout);
      auto [rec, rn] = co_await upstream_socket.async_read_some(
          asio::buffer(buf, static_cast<std::size_t>(std::min<std::uint64_t>(kRelayChunk, body_left))), kUseTuple);
      if (session.Disarm(rec)) {
        upstream_ok = false;
        break;
      }
      body_left -= rn;
      session.Arm(client_socket, impl.options.client_timeout);
      auto [cec, cn] = co_await asio::async_write(client_socket, asio::buffer(buf, rn), kUseTuple);
      client_ok = !session.Disarm(cec);
      ctx.bytes_sent += cn;
    }
    upstream_done = upstream_ok && body_left == 0 && from.size() == 0;
  } else {
    // Beast's parser takes over from the same bytes (the head is still in the buffer).
    bhttp::response_parser<bhttp::buffer_body> rp;
    rp.body_limit(boost::none);
    if (head) rp.skip(true);
    boost::system::error_code parse_error;
    from.consume(rp.put(from.data(), parse_error));
    if (parse_error || !rp.is_header_done()) {
      if (attempt.pick) impl.balancers.End(*attempt.pick, Outcome{Outcome::Kind::kTcpFailure});
      ctx.exit = KongError(502, "An invalid response was received from the upstream server", ctx.request_id);
      co_return ProxyOutcome{false};
    }
    auto& res = rp.get();
    http::Response response;
    response.status = ctx.status;
    response.headers.Reserve(16);
    CopyEndToEnd(res.base(), response.headers);
    ApplyResponseHeaders(ctx.response_headers, response.headers);
    if (attempt.pick && !attempt.pick->set_cookie.empty()) response.headers.Add("Set-Cookie", attempt.pick->set_cookie);
    auto upstream_via = response.headers.Get("Via");
    response.headers.Set("Via", upstream_via ? std::string(*upstream_via) + ", " + std::string(kVia) : std::string(kVia));
    if (!response.headers.Has("Server")) response.headers.Add("Server", kServer);
    response.headers.Set("X-Kong-Upstream-Latency", MsText(upstream_latency));
    response.headers.Set("X-Kong-Proxy-Latency", std::to_string(static_cast<long>(ctx.kong_latency_ms)));
    response.headers.Set("X-Kong-Request-Id", ctx.request_id);
    HeaderFilters(ctx, plugins, response);
    if (needs_response_body) {
      std::string body;
      auto ec = co_await ReadWholeBody(attempt.conn->stream, attempt.conn->buffer, rp, body,
                                       impl.options.buffered_body_limit, service.read_timeout);
      if (ec) {
        ctx.exit = KongError(502, "An invalid response was received from the upstream server", ctx.request_id);
        if (attempt.pick) impl.balancers.End(*attempt.pick, Outcome{Outcome::Kind::kTcpFailure});
        co_return ProxyOutcome{false};
      }
      response.body = std::move(body);
      for (const auto* pi : plugins) {
        if (pi->plugin->NeedsResponseBody()) pi->plugin->BodyFilter(ctx, response);
      }
      client_ok = co_await WriteResponse(client, std::move(response), version, keep_client, head,
                                         impl.options.client_timeout, ctx.bytes_sent);
    } else {
      ReplaceFields(res.base(), response.headers);
      res.version(version);
      if (version == 10 && rp.chunked()) {
        // HTTP/1.0 has no chunked coding: the body goes decoded, its end marked by closing.
        res.chunked(false);
        keep_client = false;
      }
      res.keep_alive(keep_client);
      auto relayed = co_await Relay(attempt.conn->stream, attempt.conn->buffer, rp, client, service.read_timeout,
                                    impl.options.client_timeout, session);
      ctx.bytes_sent += relayed.bytes;
      upstream_ok = !relayed.read_error;
      client_ok = !relayed.write_error;
    }
    upstream_done = upstream_ok && rp.is_done();
    // What the upstream said (the parser's flags; the message's fields were rewritten for the client).
    upstream_keep_alive = rp.keep_alive();
  }
  if (attempt.pick) impl.balancers.End(*attempt.pick, Outcome{Outcome::Kind::kResponse, ctx.status});
  if (upstream_done && upstream_keep_alive) {
    auto& pool = impl.pools[worker][attempt.key];
    if (pool.size() < impl.options.upstream_idle_per_target) {
      attempt.conn->stream.expires_never();
      pool.push_back(std::move(attempt.conn));
    }
  }
  co_return ProxyOutcome{keep_client && client_ok && upstream_ok};
}

// Handles one request on a client connection; returns whether to read another.
asio::awaitable<bool> HandleRequest(Gateway::Impl& impl, beast::tcp_stream& client, beast::flat_buffer& buffer,
                                    const std::string& client_ip, ProxySession& session) {
  bhttp::request_parser<bhttp::buffer_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(impl.options.header_limit));
  parser.body_limit(boost::none);
  session.idle = true;
  auto [ec, n, unused] = co_await ReadHeader(client.socket(), buffer, parser, session, impl.options.client_timeout);
  session.idle = false;
  if (ec) {
    std::uint64_t ignored = 0;
    if (ec == bhttp::error::header_limit) {
      co_await WriteResponse(client, KongError(400, "Request header or cookie too large", ""), 11, false, false,
                             impl.options.client_timeout, ignored);
    } else if (n > 0 && ec != beast::error::timeout && ec != bhttp::error::end_of_stream &&
               ec != asio::error::connection_reset && ec != asio::error::operation_aborted &&
               ec != bhttp::error::partial_message) {
      co_await WriteResponse(client, KongError(400, "Bad request", ""), 11, false, false, impl.options.client_timeout,
                             ignored);
    }
    co_return false;
  }
  impl.total_requests.fetch_add(1, std::memory_order_relaxed);
  impl.reading.fetch_add(1, std::memory_order_relaxed);
  auto state = impl.Current();
  auto& msg = parser.get();

  // The connection's request object, refilled: its strings and header entries keep their memory
  // from one request to the next.
  http::Request& request = session.request;
  request.method_name.assign(msg.method_string());
  request.method = http::ParseMethod(request.method_name);
  request.target.assign(msg.target());
  const auto q = request.target.find('?');
  request.path.assign(request.target, 0, q);
  request.query.clear();
  if (q != std::string::npos) request.query.assign(request.target, q + 1);
  request.headers.Clear();
  for (const auto& f : msg) request.headers.Add(f.name_string(), f.value());
  if (request.body.capacity() > kRelayChunk) {
    request.body = std::string();  // a large buffered body is not kept for the connection's lifetime
  } else {
    request.body.clear();
  }
  request.remote_address = client_ip;
  request.keep_alive = msg.keep_alive();
  request.request_id.clear();
  request.traceparent.clear();
  request.path_params.clear();

  RequestContext ctx{request, *state->config};
  ctx.client_ip = client_ip;
  const std::string original_host(msg[bhttp::field::host]);
  const std::string original_path = request.path;

  for (const auto* pi : state->global_plugins) pi->plugin->Rewrite(ctx);
  if (ctx.request_id.empty()) ctx.request_id = NewKongRequestId();

  const std::vector<const PluginInstance*>* active = &state->global_plugins;
  std::vector<const PluginInstance*> consumer_plugins;
  const std::string normalized = NormalizePath(request.path);
  auto match = state->router->Match(request.method_name, HostWithoutPort(original_host), normalized, request.headers);
  const bool has_body = msg.chunked() || (msg.has_content_length() && parser.content_length().value_or(0) > 0);
  bool body_buffered = false;
  bool needs_response_body = false;
  if (!match) {
    ctx.exit = KongError(404, "no Route matched with those values", ctx.request_id);
  } else {
    ctx.route_index = match->route;
    ctx.route = &state->config->routes[static_cast<std::size_t>(match->route)];
    ctx.service_index = ctx.route->service;
    ctx.service = ctx.service_index >= 0 ? &state->config->services[static_cast<std::size_t>(ctx.service_index)]
                                         : nullptr;
    active = &state->route_plugins[static_cast<std::size_t>(match->route)];
    needs_response_body = state->route_needs_response_body[static_cast<std::size_t>(match->route)];
    if (ctx.service == nullptr) {
      ctx.exit = KongError(500, "An unexpected error occurred", ctx.request_id);
    } else {
      // Plugins see the client's (normalised) path; the upstream path is computed after them,
      // unless one replaced the URI (request-transformer replace.uri), which is then final.
      request.path = normalized;
      if (ctx.route->strip_path && match->path >= 0 && match->matched_length > 0) {
        request.headers.Set("X-Forwarded-Prefix", normalized.substr(0, match->matched_length));
      }
      if (!request.headers.Has("X-Forwarded-Path")) request.headers.Add("X-Forwarded-Path", original_path);
      if (has_body && state->route_needs_request_body[static_cast<std::size_t>(match->route)]) {
        auto body_ec = co_await ReadWholeBody(client, buffer, parser, request.body,
                                              impl.options.buffered_body_limit, impl.options.client_timeout);
        if (body_ec == bhttp::error::body_limit) {
          ctx.exit = KongError(413, "Request size limit exceeded", ctx.request_id);
        } else if (body_ec) {
          impl.reading.fetch_sub(1, std::memory_order_relaxed);
          co_return false;
        } else {
          body_buffered = true;
          ctx.body_buffered = true;
          ctx.bytes_received += request.body.size();
        }
      }
      if (!ctx.exit) {
        AccessCursor cursor{active, consumer_plugins};
        if (AccessUntilAsync(ctx, *state, cursor)) co_await AccessAsyncRest(ctx, *state, cursor);
        active = cursor.active;
      }
      if (request.path == normalized) request.path = UpstreamPath(*ctx.service, *ctx.route, *match, normalized);
    }
  }
  impl.reading.fetch_sub(1, std::memory_order_relaxed);
  impl.writing.fetch_add(1, std::memory_order_relaxed);

  bool keep = false;
  if (!ctx.exit) {
    auto outcome = co_await ProxyRequest(impl, *state, ctx, *active, client, buffer, parser, body_buffered,
                                         needs_response_body, original_host, session);
    keep = outcome.keep_client;
  }
  if (ctx.exit) {
    // Kong answered itself (no route, auth, rate limit, upstream failure...).
    http::Response response = std::move(*ctx.exit);
    ctx.exit.reset();
    ctx.status = response.status;
    ctx.from_upstream = false;
    ApplyResponseHeaders(ctx.response_headers, response.headers);
    response.headers.Set("X-Kong-Response-Latency", MsText(Clock::now() - ctx.start));
    response.headers.Set("X-Kong-Request-Id", ctx.request_id);
    if (!response.headers.Has("Server")) response.headers.Add("Server", kServer);
    HeaderFilters(ctx, *active, response);
    // An unread request body would be taken for the next request: close instead.
    const bool body_pending = !parser.is_done();
    keep = msg.keep_alive() && !body_pending && !impl.stopping.load(std::memory_order_relaxed);
    session.linger = body_pending;
    bool ok = co_await WriteResponse(client, std::move(response), msg.version(), keep,
                                     msg.method() == bhttp::verb::head, impl.options.client_timeout, ctx.bytes_sent);
    keep = keep && ok;
  }
  impl.writing.fetch_sub(1, std::memory_order_relaxed);
  ctx.request_latency_ms = Ms(Clock::now() - ctx.start);
  LogPhase(ctx, *active);
  if (impl.options.access_log) {
    log::Info("proxy", {{"method", request.method_name},
                        {"path", original_path},
                        {"status", ctx.status},
                        {"route", ctx.route != nullptr ? ctx.route->name : std::string()},
                        {"upstream", ctx.target},
                        {"latency_ms", ctx.request_latency_ms},
                        {"request_id", ctx.request_id},
                        {"client", client_ip}});
  }
  co_return keep;
}

// Closing a socket with unread data makes the kernel send a reset, which can destroy the answer
// (e.g. a 413 to an upload) before the client reads it. Like nginx's lingering_close, what the
// client still sends is read and dropped, for at most lingering_time (30 s), each read waiting at
// most lingering_timeout (5 s).
asio::awaitable<void> LingeringClose(beast::tcp_stream& client, ProxySession& session) {
  constexpr auto kLingeringTime = std::chrono::seconds(30);
  constexpr auto kLingeringTimeout = std::chrono::seconds(5);
  const auto deadline = Clock::now() + kLingeringTime;
  char* buf = session.RelayBuffer();
  while (Clock::now() < deadline) {
    client.expires_after(std::min<Clock::duration>(kLingeringTimeout, deadline - Clock::now()));
    auto [ec, n] = co_await client.async_read_some(asio::buffer(buf, kRelayChunk), kUseTuple);
    if (ec) break;
  }
}

asio::awaitable<void> RunSession(std::shared_ptr<Gateway::Impl> impl, tcp::socket socket) {
  const std::size_t worker = http::Runtime::CurrentWorker();
  beast::tcp_stream client(std::move(socket));
  ProxySession session{&client, true};
  impl->sessions[worker].insert(&session);
  std::string client_ip;
  {
    boost::system::error_code ec;
    auto ep = client.socket().remote_endpoint(ec);
    if (!ec) client_ip = ep.address().to_string();
  }
  beast::flat_buffer buffer;
  buffer.reserve(8 * 1024);  // a whole request header in one read
  try {
    while (!impl->stopping.load(std::memory_order_relaxed)) {
      if (!co_await HandleRequest(*impl, client, buffer, client_ip, session)) break;
    }
  } catch (const std::exception& e) {
    log::Error("proxy session failed", {{"error", e.what()}, {"client", client_ip}});
  }
  boost::system::error_code ignored;
  client.socket().shutdown(tcp::socket::shutdown_send, ignored);
  if (session.linger) co_await LingeringClose(client, session);
  impl->sessions[worker].erase(&session);
  impl->open_sessions.fetch_sub(1);
}

// Cancels the overdue socket operations of one worker's sessions (ProxySession::Arm), every
// kSweepInterval: a timeout fires between its deadline and one interval later. Ends once the
// gateway stops and the worker has no session left.
constexpr auto kSweepInterval = std::chrono::milliseconds(100);

asio::awaitable<void> SweepDeadlines(std::weak_ptr<Gateway::Impl> weak, std::size_t worker) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (;;) {
    timer.expires_after(kSweepInterval);
    co_await timer.async_wait(kUseTuple);
    auto impl = weak.lock();
    if (!impl || (impl->stopping && impl->sessions[worker].empty())) co_return;
    const auto now = Clock::now();
    for (ProxySession* s : impl->sessions[worker]) {
      if (s->waiting_on != nullptr && s->deadline <= now) {
        s->timed_out = true;
        boost::system::error_code ignored;
        s->waiting_on->cancel(ignored);
      }
    }
  }
}

asio::awaitable<void> AcceptLoop(std::shared_ptr<Gateway::Impl> impl) {
  struct Done {
    Gateway::Impl& impl;
    ~Done() { impl.accepting = false; }
  } done{*impl};
  for (;;) {
    // Round-robin over the workers: each connection then lives on one thread.
    auto& target = impl->runtime.Context(impl->next_worker++ % impl->runtime.size());
    tcp::socket socket(target);
    if (auto ec = co_await http::AcceptOnto(impl->acceptor, socket)) {
      if (ec == asio::error::operation_aborted || impl->stopping) co_return;
      log::Warn("accept failed", {{"error", ec.message()}});
      continue;
    }
    impl->accepted.fetch_add(1, std::memory_order_relaxed);
    impl->open_sessions.fetch_add(1);
    asio::co_spawn(target, RunSession(impl, std::move(socket)),
                   log::LogFailure{"proxy session"});
  }
}

}  // namespace

void StartProxy(std::shared_ptr<Gateway::Impl> impl) {
  auto address = asio::ip::make_address(impl->options.proxy_host);
  tcp::endpoint endpoint(address, impl->options.proxy_port);
  impl->acceptor.open(endpoint.protocol());
  impl->acceptor.set_option(tcp::acceptor::reuse_address(true));
  impl->acceptor.bind(endpoint);
  impl->acceptor.listen(asio::socket_base::max_listen_connections);
  impl->bound_port = impl->acceptor.local_endpoint().port();
  impl->accepting = true;
  for (std::size_t worker = 0; worker < impl->runtime.size(); ++worker) {
    asio::co_spawn(impl->runtime.Context(worker), SweepDeadlines(impl, worker),
                   log::LogFailure{"proxy deadline sweep"});
  }
  asio::co_spawn(impl->acceptor.get_executor(), AcceptLoop(impl),
                 log::LogFailure{"proxy accept loop"});
}

void CloseIdleSessions(Gateway::Impl& impl, std::size_t worker) {
  for (ProxySession* s : impl.sessions[worker]) {
    if (s->idle) s->stream->cancel();
  }
}

}  // namespace comptoir::gateway
