#include "comptoir/gateway/plugin.hpp"

#include <boost/json.hpp>

#include "comptoir/gateway/health.hpp"

namespace comptoir::gateway {

boost::asio::awaitable<void> Plugin::AccessAsync(RequestContext&) const {
  co_return;
}

http::Response Plugin::RequestBodyTooLarge(const RequestContext& ctx) const {
  return KongError(413, "Request size limit exceeded", ctx.request_id);
}

http::Response KongError(int status, std::string_view message, std::string_view request_id) {
  boost::json::object body;
  body["message"] = message;
  if (!request_id.empty()) body["request_id"] = request_id;
  return http::Response::Json(status, boost::json::serialize(body));
}

http::Response GatewayProblem(const ApiError& error, std::string_view kong_message, std::string_view request_id) {
  boost::json::value body = boost::json::parse(ProblemJson(error, request_id));
  body.as_object()["message"] = kong_message;
  return http::Response::Text(error.status(), boost::json::serialize(body), "application/problem+json");
}

std::string_view HealthName(TargetHealth health) {
  switch (health) {
    case TargetHealth::kHealthy:
      return "HEALTHY";
    case TargetHealth::kUnhealthy:
      return "UNHEALTHY";
    case TargetHealth::kDnsError:
      return "DNS_ERROR";
    case TargetHealth::kHealthchecksOff:
      return "HEALTHCHECKS_OFF";
  }
  return "HEALTHCHECKS_OFF";
}

const Consumer* Config::FindConsumer(std::string_view id_or_name) const {
  auto it = consumer_by_name.find(std::string(id_or_name));
  return it == consumer_by_name.end() ? nullptr : &consumers[static_cast<std::size_t>(it->second)];
}

}  // namespace comptoir::gateway
