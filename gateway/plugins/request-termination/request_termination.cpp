// Kong's request-termination plugin (kong/plugins/request-termination): answers every request of
// its scope itself, with `status_code` (503) and `message` ({"message": ...}, Kong's default text
// for the status when none is given), or a raw `body` with its `content_type`; with `trigger`,
// only requests that carry that header or query argument; with `echo`, a copy of the request
// (debugging). PRIORITY 2: after authentication and rate limiting.
#include <algorithm>
#include <cctype>

#include <boost/json.hpp>

#include "comptoir/gateway/plugins/factories.hpp"

namespace comptoir::gateway::plugins {
namespace {

namespace json = boost::json;

/// The handler's DEFAULT_RESPONSE.
std::optional<std::string_view> DefaultMessage(int status) {
  switch (status) {
    case 401:
      return "Unauthorized";
    case 404:
      return "Not found";
    case 405:
      return "Method not allowed";
    case 500:
      return "An unexpected error occurred";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service unavailable";
    default:
      return std::nullopt;
  }
}

// typedefs.header_name: alphanumerics, '-' and '_'.
bool IsHeaderName(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
  });
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

struct Options {
  int status_code = 503;
  std::optional<std::string> message;
  std::optional<std::string> content_type;
  std::optional<std::string> body;
  bool echo = false;
  std::optional<std::string> trigger;
};

class RequestTermination final : public Plugin {
 public:
  explicit RequestTermination(Options o) : o_(std::move(o)) {}

  [[nodiscard]] int Priority() const override { return 2; }
  [[nodiscard]] std::string_view Name() const override { return "request-termination"; }
  // The echo shows the request body.
  [[nodiscard]] bool NeedsRequestBody() const override { return o_.echo; }

  void Access(RequestContext& ctx) const override {
    if (o_.trigger && !Triggered(ctx.request)) return;
    if (o_.echo) {
      ctx.exit = http::Response::Json(o_.status_code, json::serialize(Echo(ctx)));
      return;
    }
    if (o_.body) {
      http::Response r;
      r.status = o_.status_code;
      r.body = *o_.body;
      if (o_.content_type) r.headers.Set("Content-Type", *o_.content_type);
      ctx.exit = std::move(r);
      return;
    }
    std::optional<std::string_view> message =
        o_.message ? std::optional<std::string_view>(*o_.message) : DefaultMessage(o_.status_code);
    if (message) {
      ctx.exit = http::Response::Json(o_.status_code, json::serialize(json::object{{"message", *message}}));
    } else {
      http::Response r;
      r.status = o_.status_code;
      ctx.exit = std::move(r);
    }
  }

 private:
  // The trigger is a header or a query argument of that name (present, whatever its value).
  [[nodiscard]] bool Triggered(const http::Request& req) const {
    if (req.headers.Get(*o_.trigger)) return true;
    for (const auto& [k, v] : req.QueryParams()) {
      if (k == *o_.trigger) return true;
    }
    return false;
  }

  [[nodiscard]] json::object Echo(const RequestContext& ctx) const {
    const auto& req = ctx.request;
    json::object headers;
    for (const auto& [name, value] : req.headers) {
      const std::string key = Lower(name);
      if (auto* existing = headers.if_contains(key)) {
        if (!existing->is_array()) *existing = json::array{*existing};
        existing->as_array().emplace_back(value);
      } else {
        headers[key] = value;
      }
    }
    json::object query;
    for (const auto& [k, v] : req.QueryParams()) query[k] = v;
    const std::string host(req.headers.Get("Host").value_or(""));
    json::object request{{"scheme", "http"},
                         {"host", host.substr(0, host.rfind(':') == std::string::npos ? host.size() : host.rfind(':'))},
                         {"headers", std::move(headers)},
                         {"query", std::move(query)},
                         {"raw_body", req.body},
                         {"method", req.method_name},
                         {"path", req.path}};
    boost::system::error_code ec;
    json::value body = json::parse(req.body, ec);
    request["body"] = ec ? json::value(nullptr) : body;
    json::object out;
    auto message = o_.message ? std::optional<std::string_view>(*o_.message) : DefaultMessage(o_.status_code);
    out["message"] = message ? json::value(*message) : json::value(nullptr);
    out["request"] = std::move(request);
    out["matched_route"] = ctx.route != nullptr ? ctx.route->source : json::value(nullptr);
    out["matched_service"] = ctx.service != nullptr ? ctx.service->source : json::value(nullptr);
    return out;
  }

  Options o_;
};

bool Present(const std::optional<std::string>& s) {
  return s && !s->empty();
}

}  // namespace

std::shared_ptr<Plugin> CreateRequestTermination(SchemaReader& config, const PluginEnv& /*env*/) {
  Options o;
  o.status_code = static_cast<int>(config.Int("status_code", 503, 100, 599));
  o.message = config.OptString("message");
  o.content_type = config.OptString("content_type");
  o.body = config.OptString("body");
  o.echo = config.Bool("echo", false);
  o.trigger = config.OptString("trigger");
  if (o.trigger && !IsHeaderName(*o.trigger)) {
    config.Fail("trigger", "bad header name '" + *o.trigger + "', allowed characters are A-Z, a-z, 0-9, '_', and '-'");
  }
  // Kong's custom_validator, in its order and words.
  if (Present(o.message) && (Present(o.content_type) || Present(o.body))) {
    config.Fail("", "message cannot be used with content_type or body");
  } else if (Present(o.content_type) && !Present(o.body)) {
    config.Fail("", "content_type requires a body");
  } else if (o.echo && (Present(o.content_type) || Present(o.body))) {
    config.Fail("", "echo cannot be used with content_type and body");
  }
  config.RejectUnknown();
  if (!config.ok()) return nullptr;
  return std::make_shared<RequestTermination>(std::move(o));
}

}  // namespace comptoir::gateway::plugins
