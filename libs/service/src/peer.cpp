#include "comptoir/service/peer.hpp"

#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include "comptoir/auth/auth.hpp"
#include "comptoir/error.hpp"
#include "comptoir/http/client.hpp"
#include "comptoir/service/token_cache.hpp"
#include "comptoir/http/server.hpp"
#include "comptoir/log.hpp"

namespace comptoir::service {
namespace asio = boost::asio;
namespace json = boost::json;

PeerOptions LoadPeer(config::Source& source, std::string name, const std::string& key, const std::string& default_url,
                     std::chrono::milliseconds default_timeout) {
  PeerOptions options;
  options.name = std::move(name);
  std::string url = source.String(key, default_url);
  auto parsed = boost::urls::parse_absolute_uri(url);
  bool ok = parsed && parsed->scheme() == "http" && !parsed->host().empty() && parsed->has_port();
  source.Check(ok, key, "'" + url + "' is not a URL like http://127.0.0.1:8002");
  if (ok) {
    options.host = parsed->host();
    options.port = parsed->port_number();
  }
  options.timeout = std::chrono::milliseconds(source.Int(key + "_timeout_ms", default_timeout.count(), 10, 600000));
  return options;
}

asio::awaitable<http::Response> Peer::Call(const http::Request& origin, http::Method method, std::string target,
                                           std::string body, http::Headers headers) const {
  http::Request request;
  request.method = method;
  request.target = std::move(target);
  request.headers = std::move(headers);
  // An origin made up by the service (a compensation, a refund) has no ids of its own: the request being served
  // (the log context) gives them, so the call stays in its trace.
  const log::RequestContext* context = log::CurrentContext();
  if (!origin.request_id.empty()) {
    request.headers.Set("X-Request-ID", origin.request_id);
  } else if (context != nullptr && !context->request_id.empty()) {
    request.headers.Set("X-Request-ID", context->request_id);
  }
  if (!origin.traceparent.empty()) {
    request.headers.Set("traceparent", origin.traceparent);
  } else if (context != nullptr && context->trace_id.size() == 32) {
    request.headers.Set("traceparent", http::NextTraceparent("00-" + context->trace_id + "-0000000000000001-01"));
  }
  if (tokens_ != nullptr) {
    request.headers.Set("Authorization", "Bearer " + co_await tokens_->Token(options_.name));
    if (!origin.on_behalf_of.empty()) request.headers.Set(auth::kOnBehalfOfHeader, origin.on_behalf_of);
  } else if (auto authorization = origin.headers.Get("Authorization")) {
    request.headers.Set("Authorization", *authorization);
  }
  if (!body.empty() && !request.headers.Has("Content-Type")) request.headers.Set("Content-Type", "application/json");
  request.headers.Set("Accept", "application/json");
  request.body = std::move(body);
  auto result = co_await client_.Send(options_.host, options_.port, std::move(request), options_.timeout);
  if (result.error) {
    if (http::IsTimeout(result.error)) {
      throw ApiError::Timeout(options_.name + ".timeout", options_.name + " did not answer in time");
    }
    throw ApiError::Unavailable(options_.name + ".unavailable",
                                options_.name + " cannot be reached: " + result.error.message());
  }
  co_return std::move(result.response);
}

asio::awaitable<json::value> Peer::CallJson(const http::Request& origin, http::Method method, std::string target,
                                            std::string body, http::Headers headers) const {
  auto response = co_await Call(origin, method, std::move(target), std::move(body), std::move(headers));
  boost::system::error_code ec;
  auto parsed = json::parse(response.body, ec);
  if (response.status >= 200 && response.status < 300) {
    if (response.body.empty()) co_return json::value();
    if (ec) throw ApiError::Unavailable(options_.name + ".unavailable", options_.name + " sent an answer that is not JSON");
    co_return parsed;
  }
  if (response.status >= 400 && response.status < 500 && !ec && parsed.is_object()) {
    const auto& problem = parsed.as_object();
    const auto* code = problem.if_contains("code");
    const auto* detail = problem.if_contains("detail");
    std::vector<FieldError> fields;
    if (const auto* errors = problem.if_contains("errors"); errors != nullptr && errors->is_array()) {
      for (const auto& e : errors->as_array()) {
        if (!e.is_object()) continue;
        const auto* f = e.as_object().if_contains("field");
        const auto* m = e.as_object().if_contains("message");
        fields.push_back({f != nullptr && f->is_string() ? std::string(f->as_string()) : std::string(),
                          m != nullptr && m->is_string() ? std::string(m->as_string()) : std::string()});
      }
    }
    throw ApiError(KindOfStatus(response.status),
                   code != nullptr && code->is_string() ? std::string(code->as_string()) : options_.name + ".error",
                   detail != nullptr && detail->is_string() ? std::string(detail->as_string())
                                                            : options_.name + " refused the request",
                   std::move(fields));
  }
  throw ApiError::Unavailable(options_.name + ".unavailable",
                              options_.name + " failed (HTTP " + std::to_string(response.status) + ")");
}

}  // namespace comptoir::service
