#include "request_head.hpp"

namespace comptoir::http::detail {

void ApplyLimits(RequestParser& parser, const ServerOptions& options) {
  parser.header_limit(static_cast<std::uint32_t>(options.header_limit));
  parser.body_limit(options.body_limit);
}

Request ToRequest(BeastRequest&& in, const std::string& remote) {
  Request r;
  r.method_name = std::string(in.method_string());
  r.method = ParseMethod(r.method_name);
  r.target = std::string(in.target());
  auto q = r.target.find('?');
  r.path = r.target.substr(0, q);
  if (q != std::string::npos) r.query = r.target.substr(q + 1);
  r.headers.Reserve(12);
  for (const auto& field : in) r.headers.Add(field.name_string(), field.value());
  r.body = std::move(in.body());
  r.remote_address = remote;
  r.keep_alive = in.keep_alive();
  return r;
}

void AssignIds(Request& request) {
  auto incoming_id = request.headers.Get("X-Request-ID");
  request.request_id = incoming_id && ValidRequestId(*incoming_id) ? std::string(*incoming_id) : NewUuid();
  auto incoming_trace = request.headers.Get("traceparent");
  request.traceparent = NextTraceparent(incoming_trace ? *incoming_trace : std::string_view{});
}

}  // namespace comptoir::http::detail
