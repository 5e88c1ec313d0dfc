#pragma once
// Internals of the proxy shared by its .cpp files: the per-connection session (ProxySession) and
// the message helpers on raw sockets and Beast parsers (wire.cpp, and the templates here), the
// access phase (access.cpp), the upstream phase of one request (upstream.cpp). proxy.cpp runs the
// client sessions. Not a public header.
#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/read_size.hpp>
#include <boost/beast/http.hpp>

#include "comptoir/http/beast_support.hpp"
#include "impl.hpp"

namespace comptoir::gateway {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

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
  void Arm(tcp::socket& socket, std::chrono::milliseconds timeout) { ArmUntil(socket, Clock::now() + timeout); }
  void ArmUntil(tcp::socket& socket, Clock::time_point until) {
    waiting_on = &socket;
    deadline = until;
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
  std::string upstream_fields;             ///< the upstream request's header fields after Host
  std::string head;                        ///< request line + Host, or the response head
  std::vector<HeadField> response_fields;  ///< the upstream answer's fields, as views (ResponseHead)
  http::Request request;                   ///< the request in progress, refilled for each one (HandleRequest)
};

namespace proxy_detail {
using namespace std::string_view_literals;

inline constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
inline constexpr std::string_view kVia = "1.1 comptoir-gateway/0.1";
inline constexpr std::string_view kServer = "comptoir-gateway/0.1";
inline constexpr std::size_t kRelayChunk = 16 * 1024;

double Ms(Clock::duration d);

std::string MsText(Clock::duration d);

bool IsHopByHop(std::string_view name);

// Headers named in a Connection header are hop-by-hop too (RFC 9110 §7.6.1).
bool NamedInConnection(std::string_view connection, std::string_view name);

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

std::string NewKongRequestId();

std::string HostWithoutPort(std::string_view host);

// Headers a plugin adds to every answer (ctx.response_headers) replace same-named ones, like
// Kong's kong.response.set_header.
void ApplyResponseHeaders(const http::Headers& add, http::Headers& out);

bool HasHeaderFilter(const std::vector<const PluginInstance*>& plugins);

void AppendField(std::string& out, std::string_view name, std::string_view value);

void AppendNumber(std::string& out, std::int64_t value);

struct HeaderRead {
  boost::system::error_code ec;
  std::size_t bytes = 0;   ///< what there was to parse: buffered before the call + read by it
  std::size_t header = 0;  ///< size of the header left in the buffer (when not consumed)
};

// Reads a message header into `p` from the raw socket (what Beast's async_read_header does, without
// its composed operations and tcp_stream's timer): parses what `buffer` holds, reads more while the
// header is incomplete. With `consume` false a complete header stays in `buffer` (the parser may
// keep views into it) and its size is returned. `timeout` bounds the whole header, not each read
// (nginx's client_header_timeout): a client that sends a byte now and then (slowloris) is cut off
// when it runs out, like one that sends nothing.
template <class Parser>
asio::awaitable<HeaderRead> ReadHeader(tcp::socket& socket, beast::flat_buffer& buffer, Parser& p,
                                       ProxySession& session, std::chrono::milliseconds timeout, bool consume = true) {
  HeaderRead r;
  r.bytes = buffer.size();
  const Clock::time_point until = Clock::now() + timeout;
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
    session.ArmUntil(socket, until);
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
    const auto inside = [&](std::string_view v) {
      return v.empty() || (v.data() >= begin && v.data() + v.size() <= begin + size);
    };
    return inside(reason_) && std::all_of(fields_.begin(), fields_.end(),
                                          [&](const HeadField& f) { return inside(f.name) && inside(f.value); });
  }

 private:
  void on_request_impl(bhttp::verb, beast::string_view, beast::string_view, int, boost::system::error_code&) override {}
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
                       std::string_view set_cookie);

struct RelayResult {
  boost::system::error_code read_error;
  boost::system::error_code write_error;
  std::uint64_t bytes = 0;      ///< body bytes read from `in` (not counting `initial`)
  bool limit_exceeded = false;  ///< the body went past `limit`; the excess was not written
  bool answered_early = false;  ///< (request) `out` has sent something before the whole body went
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
    if constexpr (IsRequest) {
      // The upstream answered before it had the whole body (nginx stops sending then, and relays
      // the answer): checked before each piece, so such an answer is not held up by the upload.
      boost::system::error_code aec;
      if (out.socket().available(aec) > 0 && !aec) {
        result.answered_early = true;
        co_return result;
      }
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
                                                         bhttp::request_parser<bhttp::buffer_body>& p, std::string& out,
                                                         std::size_t limit, std::chrono::milliseconds timeout);

// nginx's proxy_next_upstream "error timeout": failures of the connection. A malformed answer
// (nginx's "invalid_header") is not among nginx's defaults, so it is not retried.
bool IsTransportFailure(const boost::system::error_code& ec);

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
                                    std::uint64_t& bytes_sent);

// Runs the header filters and log phases of `plugins` (priority order).
void HeaderFilters(RequestContext& ctx, const std::vector<const PluginInstance*>& plugins, http::Response& r);

void LogPhase(const RequestContext& ctx, const std::vector<const PluginInstance*>& plugins);

// The access phase runs the plugins in priority order. Once an authentication plugin has
// identified the consumer, the remaining plugins are those of the (route, service, consumer)
// combination (Kong's precedence). It is synchronous (no coroutine frame) up to a plugin whose
// AccessAsync must be awaited.
struct AccessCursor {
  const std::vector<const PluginInstance*>* active;
  std::vector<const PluginInstance*>& consumer_plugins;
  std::size_t next = 0;   ///< index in *active of the next plugin to run
  int resolved_for = -1;  ///< the consumer whose plugin list is active (-1: none yet)
  const std::vector<const PluginInstance*>* route_list = nullptr;  ///< the list without consumer
};

// After plugin `i` of the active list ran: moves the cursor past it, switching to the consumer's
// plugin list when the consumer just became known and has plugins of its own.
void Advance(RequestContext& ctx, const State& state, AccessCursor& c, std::size_t i);

// Runs Access of the plugins from the cursor on. Returns true when it stopped at a plugin whose
// AccessAsync must now be awaited (the cursor still points at it), false when the phase is over
// (every plugin ran, or one set ctx.exit).
bool AccessUntilAsync(RequestContext& ctx, const State& state, AccessCursor& c);

// The part of the access phase that awaits (plugins with I/O, such as rate-limiting on Redis).
asio::awaitable<void> AccessAsyncRest(RequestContext& ctx, const State& state, AccessCursor& c);

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

/// How long the proxy looks for an early answer after a failed write upstream (it is in the receive
/// queue already when the upstream answered and closed).
inline constexpr std::chrono::milliseconds kEarlyAnswerWait{1000};

/// The largest request body a request may have: the smallest limit of its plugins
/// (request-size-limiting), or without one the gateway's default (GatewayOptions::default_body_limit).
struct BodyLimit {
  std::uint64_t bytes = std::numeric_limits<std::uint64_t>::max();
  const Plugin* plugin = nullptr;  ///< the plugin that set it; nullptr for the gateway's default
};
BodyLimit RequestBodyLimit(const Gateway::Impl& impl, const RequestContext& ctx,
                           const std::vector<const PluginInstance*>& plugins);
/// The answer to a body over `limit`: the plugin's (Kong's 413/417), or the gateway's own 413
/// problem+json (code gateway.request_too_large, with Kong's `message` too).
http::Response BodyTooLarge(const Gateway::Impl& impl, const RequestContext& ctx, const BodyLimit& limit);

/// An idle keep-alive connection to `key` from this worker's pool, or nullptr. Connections idle for
/// upstream_keepalive_idle_timeout or longer, and those the upstream closed (or wrote to) while
/// idle, are closed on the way.
std::unique_ptr<UpstreamConnection> TakeIdleConnection(Gateway::Impl& impl, std::size_t worker, const std::string& key);
/// Puts a connection whose answer was read whole back in the pool (if the pool has room).
void PutIdleConnection(Gateway::Impl& impl, std::size_t worker, const std::string& key,
                       std::unique_ptr<UpstreamConnection>& conn);
/// Closes this worker's idle connections that timed out or that the upstream closed.
void PruneIdleConnections(Gateway::Impl& impl, std::size_t worker);

// Sends the request upstream (with Kong's retry rules), relays the response, returns whether the
// client connection may be kept.
asio::awaitable<ProxyOutcome> ProxyRequest(Gateway::Impl& impl, const State& state, RequestContext& ctx,
                                           const std::vector<const PluginInstance*>& plugins, beast::tcp_stream& client,
                                           beast::flat_buffer& client_buffer,
                                           bhttp::request_parser<bhttp::buffer_body>& parser, bool body_buffered,
                                           bool needs_response_body, const std::string& original_host,
                                           ProxySession& session);

}  // namespace proxy_detail
}  // namespace comptoir::gateway
