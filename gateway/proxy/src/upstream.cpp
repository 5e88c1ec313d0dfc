// The upstream phase of one request: the upstream request head, the attempts on targets with
// Kong's (nginx's) retry rules, and relaying the answer to the client.
#include "comptoir/log.hpp"
#include "session.hpp"

namespace comptoir::gateway {
namespace proxy_detail {

BodyLimit RequestBodyLimit(const Gateway::Impl& impl, const RequestContext& ctx,
                           const std::vector<const PluginInstance*>& plugins) {
  BodyLimit limit;
  bool from_plugin = false;
  for (const auto* pi : plugins) {
    if (auto max = pi->plugin->MaxRequestBodyBytes(ctx)) {
      if (!from_plugin || *max < limit.bytes) {
        limit.bytes = *max;
        limit.plugin = pi->plugin.get();
      }
      from_plugin = true;
    }
  }
  if (!from_plugin && impl.options.default_body_limit > 0) limit.bytes = impl.options.default_body_limit;
  return limit;
}

http::Response BodyTooLarge(const Gateway::Impl& impl, const RequestContext& ctx, const BodyLimit& limit) {
  if (limit.plugin != nullptr) return limit.plugin->RequestBodyTooLarge(ctx);
  return GatewayProblem(ApiError(ErrorKind::kPayload, "gateway.request_too_large",
                                 "The request body is larger than " + std::to_string(impl.options.default_body_limit) +
                                     " bytes, the limit of this route."),
                        "Request size limit exceeded", ctx.request_id);
}

// Sends the request upstream (with Kong's retry rules), relays the response, returns whether the
// client connection may be kept.
asio::awaitable<ProxyOutcome> ProxyRequest(Gateway::Impl& impl, const State& state, RequestContext& ctx,
                                           const std::vector<const PluginInstance*>& plugins, beast::tcp_stream& client,
                                           beast::flat_buffer& client_buffer,
                                           bhttp::request_parser<bhttp::buffer_body>& parser, bool body_buffered,
                                           bool needs_response_body, const std::string& original_host,
                                           ProxySession& session) {
  const Service& service = *ctx.service;
  auto& msg = parser.get();
  const bool head = msg.method() == bhttp::verb::head;
  const unsigned version = msg.version();
  const bool client_keep_alive = msg.keep_alive();
  const std::size_t worker = http::Runtime::CurrentWorker() % impl.pools.size();

  // The smallest body limit of the request's plugins (request-size-limiting) or, without one, the
  // gateway's default; for bodies whose size was not known in Access.
  const BodyLimit limit = RequestBodyLimit(impl, ctx, plugins);
  // Like nginx's proxy_request_buffering, a body is read before the upstream is chosen, so that it
  // can be sent again to another target; only up to replay_body_limit: a larger body (announced by
  // Content-Length, or a chunked one that outgrows the bound) is streamed, with what was read ahead
  // sent first, and is not retried once part of it has been relayed. A body that the read-ahead
  // finds over the limit is refused before any upstream sees a byte of it.
  std::string ahead;
  if (!body_buffered && !parser.is_done()) {
    const auto length = parser.content_length();
    if (!length || *length <= impl.options.replay_body_limit) {
      // One byte more than the limit tells a body over it from one at it.
      const std::size_t read_limit =
          static_cast<std::size_t>(std::min<std::uint64_t>(limit.bytes, impl.options.replay_body_limit)) + 1;
      auto ec = co_await ReadBodyAhead(client, client_buffer, parser, ahead, read_limit, impl.options.client_timeout);
      ctx.bytes_received += ahead.size();
      if (ec) {
        // The client went away or sent a broken body: nothing to answer.
        ctx.status = 499;
        co_return ProxyOutcome{false};
      }
      if (ahead.size() > limit.bytes) {
        ctx.exit = BodyTooLarge(impl, ctx, limit);
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
  // Kong: the client's X-Forwarded-For followed by the peer's address (what nginx's realip keeps
  // as realip_remote_addr), or the client's address alone.
  if (forwarded_for) {
    emit("X-Forwarded-For", {*forwarded_for, ", ", ctx.connection_ip.empty() ? ctx.client_ip : ctx.connection_ip});
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
  std::size_t answer_head_size = 0;    ///< its size, still in the connection's buffer
  Clock::time_point sent_at;
  bool stale_retry_used = false;
  bool early_answer = false;  ///< the upstream answered before it had the whole request
  // nginx never passes a non-idempotent request (POST, LOCK, PATCH) to the next upstream once it was
  // sent: connect failures are retried for every method, failures after sending only for these.
  const bool replayable =
      ctx.request.method_name != "POST" && ctx.request.method_name != "PATCH" && ctx.request.method_name != "LOCK";
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
    if (!stale_retry_used) attempt.conn = TakeIdleConnection(impl, worker, attempt.key);
    if (attempt.conn) {
      attempt.reused = true;
    } else {
      attempt.conn = std::make_unique<UpstreamConnection>(client.get_executor());
      auto ec = co_await http::ConnectStream(attempt.conn->stream, host, port, service.connect_timeout);
      if (ec) {
        if (attempt.pick) {
          impl.balancers.End(*attempt.pick,
                             Outcome{IsTimeout(ec) ? Outcome::Kind::kTimeout : Outcome::Kind::kTcpFailure});
        }
        log::Warn("upstream connect failed", {{"target", attempt.key},
                                              {"error", ec.message()},
                                              {"request_id", ctx.request_id},
                                              {"trace_id", ctx.TraceId()},
                                              {"span_id", ctx.SpanId()}});
        tried.push_back(attempt.pick ? attempt.pick->target : attempt.key);
        last_failure =
            IsTimeout(ec) ? KongError(504, "The upstream server is timing out", ctx.request_id)
                          : KongError(502, "An invalid response was received from the upstream server", ctx.request_id);
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
    bool answered_early = false;  ///< the upstream sent something before the streamed body was all sent
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
                                    service.write_timeout, session, ahead, limit.bytes);
      ctx.bytes_received += relayed.bytes;
      // Body bytes that were read from the client and passed on are gone: no other attempt.
      body_streamed = body_streamed || relayed.bytes > 0;
      if (relayed.limit_exceeded) {
        // The upstream got part of the body: its connection is dropped, never pooled.
        if (attempt.pick) impl.balancers.End(*attempt.pick, Outcome{Outcome::Kind::kAbandoned});
        ctx.exit = BodyTooLarge(impl, ctx, limit);
        co_return ProxyOutcome{false};
      }
      if (relayed.read_error) {
        // The client went away or sent a broken body: nothing to answer.
        if (attempt.pick) impl.balancers.End(*attempt.pick, Outcome{Outcome::Kind::kAbandoned});
        ctx.status = 499;
        co_return ProxyOutcome{false};
      }
      write_error = relayed.write_error;
      answered_early = relayed.answered_early;
    }
    // The answer head. After a failed write too: the upstream may have answered before taking the
    // whole body (a 413, a 401) and closed, as nginx relays such an early answer. Then it is in the
    // socket's receive queue already; a moment is enough.
    auto& view = answer.emplace(session.response_fields);
    if (head) view.skip(true);
    const bool incomplete = write_error || answered_early;
    auto [rec, rn, head_size] = co_await ReadHeader(
        attempt.conn->stream.socket(), attempt.conn->buffer, view, session,
        incomplete ? std::min(service.read_timeout, kEarlyAnswerWait) : service.read_timeout, false);
    answer_head_size = head_size;
    if (!rec) {
      early_answer = incomplete;
      break;
    }
    // A pooled connection that the upstream closed while it was idle (and the checks before reuse
    // did not see closing): nothing came back. The request is sent again on a new connection to the
    // same target, without counting as a failure of the target or as one of the service's retries.
    // A request that is not idempotent goes again only if it did not leave whole (the write
    // failed): one that did may have reached the upstream (nginx and Go's net/http do the same).
    const bool nothing_back = rn == 0 && (rec == bhttp::error::end_of_stream || rec == asio::error::connection_reset ||
                                          rec == asio::error::broken_pipe || static_cast<bool>(write_error));
    if (attempt.reused && nothing_back && !body_streamed && !stale_retry_used && (write_error || replayable)) {
      if (attempt.pick) impl.balancers.End(*attempt.pick, Outcome{Outcome::Kind::kAbandoned});
      log::Debug("pooled upstream connection was closed, sending again on a new one", {{"target", attempt.key},
                                                                                       {"request_id", ctx.request_id},
                                                                                       {"trace_id", ctx.TraceId()},
                                                                                       {"span_id", ctx.SpanId()}});
      stale_retry_used = true;
      continue;
    }
    if (write_error) {
      if (attempt.pick) impl.balancers.End(*attempt.pick, Outcome{Outcome::Kind::kTcpFailure});
      log::Warn("upstream request failed", {{"target", attempt.key},
                                            {"error", write_error.message()},
                                            {"request_id", ctx.request_id},
                                            {"trace_id", ctx.TraceId()},
                                            {"span_id", ctx.SpanId()}});
      last_failure = KongError(502, "An invalid response was received from the upstream server", ctx.request_id);
      if (!body_streamed && replayable && retries_left-- > 0) {
        tried.push_back(attempt.pick ? attempt.pick->target : attempt.key);
        continue;
      }
      ctx.exit = std::move(last_failure);
      co_return ProxyOutcome{false};
    }
    {
      const bool timeout = IsTimeout(rec);
      const bool transport = IsTransportFailure(rec);
      if (attempt.pick) {
        impl.balancers.End(*attempt.pick, Outcome{timeout ? Outcome::Kind::kTimeout : Outcome::Kind::kTcpFailure});
      }
      log::Warn("upstream response failed", {{"target", attempt.key},
                                             {"error", rec.message()},
                                             {"request_id", ctx.request_id},
                                             {"trace_id", ctx.TraceId()},
                                             {"span_id", ctx.SpanId()}});
      last_failure = timeout
                         ? KongError(504, "The upstream server is timing out", ctx.request_id)
                         : KongError(502, "An invalid response was received from the upstream server", ctx.request_id);
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

  // After an early answer the client's body is not all read: its connection closes after the answer.
  bool keep_client = client_keep_alive && !early_answer && !impl.stopping.load(std::memory_order_relaxed);
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
    response.headers.Set("Via",
                         upstream_via ? std::string(*upstream_via) + ", " + std::string(kVia) : std::string(kVia));
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
  if (upstream_done && upstream_keep_alive && !early_answer) PutIdleConnection(impl, worker, attempt.key, attempt.conn);
  co_return ProxyOutcome{keep_client && client_ok && upstream_ok};
}

}  // namespace proxy_detail
}  // namespace comptoir::gateway
