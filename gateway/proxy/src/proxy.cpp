// The proxy: one coroutine per client connection, on the worker that accepted it. Bodies are
// relayed in 16 KiB pieces (never held whole) unless a plugin asked for the whole body.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>

#include "comptoir/log.hpp"
#include "session.hpp"

namespace comptoir::gateway {
using namespace proxy_detail;

namespace {

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
  // Kong's realip: a trusted proxy's header names the client; anyone else's X-Forwarded-* is
  // dropped (the gateway writes its own), so that a client cannot choose the address it is
  // limited by nor what the upstream believes of the scheme, host, port and path.
  const bool from_trusted_proxy = impl.options.real_ip.Trusted(client_ip);
  if (!from_trusted_proxy) {
    const bool any = std::any_of(request.headers.begin(), request.headers.end(), [](const auto& h) {
      return h.first.size() > 12 && http::IEquals(std::string_view(h.first).substr(0, 12), "X-Forwarded-");
    });
    if (any) {
      for (std::string_view name :
           {"X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Port", "X-Forwarded-Path", "X-Forwarded-Prefix"}) {
        request.headers.Remove(name);
      }
    }
  }
  // The trace starts here (W3C Trace Context): a client's valid traceparent is continued with a
  // span of the gateway's own, anything else replaced. Plugins and the upstream see the gateway's.
  StartTrace(request.headers, request.traceparent);
  if (request.body.capacity() > kRelayChunk) {
    request.body = std::string();  // a large buffered body is not kept for the connection's lifetime
  } else {
    request.body.clear();
  }
  std::string real_client_ip =
      from_trusted_proxy ? impl.options.real_ip.ClientIp(client_ip, request.headers) : client_ip;
  request.remote_address = real_client_ip;
  request.keep_alive = msg.keep_alive();
  request.request_id.clear();
  request.path_params.clear();

  RequestContext ctx{request, *state->config};
  ctx.client_ip = std::move(real_client_ip);
  ctx.connection_ip = client_ip;
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
    ctx.service =
        ctx.service_index >= 0 ? &state->config->services[static_cast<std::size_t>(ctx.service_index)] : nullptr;
    active = &state->route_plugins[static_cast<std::size_t>(match->route)];
    needs_response_body = state->route_needs_response_body[static_cast<std::size_t>(match->route)];
    {
      // A route without a service runs its plugins too (request-termination answers GET /health
      // so); if none answers, there is nowhere to send the request.
      // Plugins see the client's (normalised) path; the upstream path is computed after them,
      // unless one replaced the URI (request-transformer replace.uri), which is then final.
      request.path = normalized;
      if (ctx.route->strip_path && match->path >= 0 && match->matched_length > 0) {
        request.headers.Set("X-Forwarded-Prefix", normalized.substr(0, match->matched_length));
      }
      if (!request.headers.Has("X-Forwarded-Path")) request.headers.Add("X-Forwarded-Path", original_path);
      // The gateway's default body limit (nginx's client_max_body_size) on a route without a
      // request-size-limiting plugin: an announced length over it is refused before anything else,
      // a chunked body when it passes the limit.
      BodyLimit route_limit;
      if (has_body) {
        route_limit = RequestBodyLimit(impl, ctx, *active);
        if (route_limit.plugin == nullptr && parser.content_length() && *parser.content_length() > route_limit.bytes) {
          ctx.exit = BodyTooLarge(impl, ctx, route_limit);
        }
      }
      if (!ctx.exit && has_body && state->route_needs_request_body[static_cast<std::size_t>(match->route)]) {
        const bool default_smaller =
            route_limit.plugin == nullptr && route_limit.bytes < impl.options.buffered_body_limit;
        auto body_ec = co_await ReadWholeBody(
            client, buffer, parser, request.body,
            default_smaller ? static_cast<std::size_t>(route_limit.bytes) : impl.options.buffered_body_limit,
            impl.options.client_timeout);
        if (body_ec == bhttp::error::body_limit) {
          ctx.exit = default_smaller ? BodyTooLarge(impl, ctx, route_limit)
                                     : KongError(413, "Request size limit exceeded", ctx.request_id);
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
      if (!ctx.exit && ctx.service == nullptr)
        ctx.exit = KongError(500, "An unexpected error occurred", ctx.request_id);
      if (!ctx.exit && request.path == normalized) {
        request.path = UpstreamPath(*ctx.service, *ctx.route, *match, normalized);
      }
    }
  }
  impl.reading.fetch_sub(1, std::memory_order_relaxed);
  impl.writing.fetch_add(1, std::memory_order_relaxed);

  bool keep = false;
  if (!ctx.exit) {
    auto outcome = co_await ProxyRequest(impl, *state, ctx, *active, client, buffer, parser, body_buffered,
                                         needs_response_body, original_host, session);
    keep = outcome.keep_client;
    // An answer that came before the whole body (an early answer): the rest is drained, then closed.
    if (!ctx.exit && !parser.is_done()) {
      keep = false;
      session.linger = true;
    }
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
                        {"trace_id", ctx.TraceId()},
                        {"span_id", ctx.SpanId()},
                        {"client", ctx.client_ip}});
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
// The same sweep closes idle upstream connections that timed out or were closed, once a second.
constexpr unsigned kPruneEvery = 10;

asio::awaitable<void> SweepDeadlines(std::weak_ptr<Gateway::Impl> weak, std::size_t worker) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  unsigned ticks = 0;
  for (;;) {
    timer.expires_after(kSweepInterval);
    co_await timer.async_wait(kUseTuple);
    auto impl = weak.lock();
    if (!impl || (impl->stopping && impl->sessions[worker].empty())) co_return;
    const auto now = Clock::now();
    if (++ticks % kPruneEvery == 0) PruneIdleConnections(*impl, worker);
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
    asio::co_spawn(target, RunSession(impl, std::move(socket)), log::LogFailure{"proxy session"});
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
  asio::co_spawn(impl->acceptor.get_executor(), AcceptLoop(impl), log::LogFailure{"proxy accept loop"});
}

void CloseIdleSessions(Gateway::Impl& impl, std::size_t worker) {
  for (ProxySession* s : impl.sessions[worker]) {
    if (s->idle) s->stream->cancel();
  }
}

}  // namespace comptoir::gateway
