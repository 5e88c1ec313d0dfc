// Message helpers of the proxy: hop-by-hop headers, Kong's request ids, the answer head written
// as text, reading a body ahead, writing the gateway's own answers.
#include "session.hpp"

namespace comptoir::gateway {

char* ProxySession::RelayBuffer() {
  if (!relay_buffer) relay_buffer.reset(new char[proxy_detail::kRelayChunk]);
  return relay_buffer.get();
}

namespace proxy_detail {

double Ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}
std::string MsText(Clock::duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
}

bool IsHopByHop(std::string_view name) {
  // Checked for every header in both directions: compare only names of a matching length.
  switch (name.size()) {
    case 2:
      return http::IEquals(name, "TE");
    case 7:
      return http::IEquals(name, "Trailer") || http::IEquals(name, "Upgrade");
    case 10:
      return http::IEquals(name, "Connection") || http::IEquals(name, "Keep-Alive");
    case 16:
      return http::IEquals(name, "Proxy-Connection");
    case 18:
      return http::IEquals(name, "Proxy-Authenticate");
    case 19:
      return http::IEquals(name, "Proxy-Authorization");
    default:
      return false;
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
  out.append(reason.empty()
                 ? std::string_view(bhttp::obsolete_reason(bhttp::int_to_status(static_cast<unsigned>(res.status()))))
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
    const void* line_feed = after_value != nullptr
                                ? std::memchr(after_value, '\n', static_cast<std::size_t>(head_end - after_value))
                                : nullptr;
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

// Reads the request body into `out` until it is whole or `out` holds `limit` bytes (the rest, if
// any, stays unread in the parser).
asio::awaitable<boost::system::error_code> ReadBodyAhead(beast::tcp_stream& in, beast::flat_buffer& in_buffer,
                                                         bhttp::request_parser<bhttp::buffer_body>& p, std::string& out,
                                                         std::size_t limit, std::chrono::milliseconds timeout) {
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

}  // namespace proxy_detail
}  // namespace comptoir::gateway
