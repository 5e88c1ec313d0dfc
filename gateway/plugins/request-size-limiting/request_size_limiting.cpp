// Kong's request-size-limiting plugin (kong/plugins/request-size-limiting): refuses bodies larger
// than allowed_payload_size, from the Content-Length announced by the client.
#include <algorithm>
#include <cctype>
#include <limits>

#include "comptoir/gateway/plugins/factories.hpp"

namespace comptoir::gateway::plugins {
namespace {

/// Lua's tonumber on a header value, for the decimal integers a Content-Length can hold.
std::optional<std::uint64_t> ParseLength(std::string_view v) {
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front()))) v.remove_prefix(1);
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.remove_suffix(1);
  if (v.empty() || v.size() > 19) return std::nullopt;
  std::uint64_t n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return n;
}

class RequestSizeLimiting final : public Plugin {
 public:
  RequestSizeLimiting(std::uint64_t limit_bytes, bool require_content_length)
      : limit_bytes_(limit_bytes), require_content_length_(require_content_length) {}

  [[nodiscard]] int Priority() const override { return 951; }
  [[nodiscard]] std::string_view Name() const override { return "request-size-limiting"; }

  // The body is not buffered for this plugin: a large upload stays streamed. A body without a
  // Content-Length (chunked) is counted by the proxy as it reads it (MaxRequestBodyBytes).
  void Access(RequestContext& ctx) const override {
    const auto& h = ctx.request.headers;
    std::optional<std::string_view> cl;
    int count = 0;
    for (const auto& [k, v] : h) {
      if (http::IEquals(k, "Content-Length")) {
        if (++count == 1) cl = v;
      }
    }
    // Several Content-Length headers are a Lua table: not a number.
    std::optional<std::uint64_t> length = count == 1 ? ParseLength(*cl) : std::nullopt;
    if (require_content_length_ && !length) {
      ctx.exit = KongError(411, "A valid Content-Length header is required", ctx.request_id);
      return;
    }
    if (length) {
      Check(ctx, *length);
    } else if (ctx.body_buffered) {
      // Another plugin had the proxy read the whole body: measure it, as Kong does without a length.
      Check(ctx, ctx.request.body.size());
    }
  }

  // Kong reads a body without Content-Length whole (ngx.req.read_body) and measures it; the proxy
  // measures it as it reads instead, so that a large upload is never held in memory.
  [[nodiscard]] std::optional<std::uint64_t> MaxRequestBodyBytes(const RequestContext& /*ctx*/) const override {
    return limit_bytes_;
  }
  [[nodiscard]] http::Response RequestBodyTooLarge(const RequestContext& ctx) const override {
    return TooLarge(ctx);
  }

 private:
  void Check(RequestContext& ctx, std::uint64_t length) const {
    if (length <= limit_bytes_) return;
    ctx.exit = TooLarge(ctx);
  }

  // Kong's check_size: 417 when the client waits for "100 Continue", 413 otherwise.
  [[nodiscard]] static http::Response TooLarge(const RequestContext& ctx) {
    std::string expect(ctx.request.headers.Get("Expect").value_or(""));
    std::transform(expect.begin(), expect.end(), expect.begin(), [](unsigned char c) { return std::tolower(c); });
    auto first = expect.find_first_not_of(" \t");
    auto last = expect.find_last_not_of(" \t");
    bool continue_expected = first != std::string::npos && expect.substr(first, last - first + 1) == "100-continue";
    return KongError(continue_expected ? 417 : 413, "Request size limit exceeded", ctx.request_id);
  }

  std::uint64_t limit_bytes_;
  bool require_content_length_;
};

}  // namespace

std::shared_ptr<Plugin> CreateRequestSizeLimiting(SchemaReader& config, const PluginEnv& /*env*/) {
  std::int64_t size = config.Int("allowed_payload_size", 128, 0, std::numeric_limits<std::int32_t>::max());
  std::string unit = config.String("size_unit", "megabytes", {"megabytes", "kilobytes", "bytes"});
  bool require = config.Bool("require_content_length", false);
  config.RejectUnknown();
  if (!config.ok()) return nullptr;
  std::uint64_t factor = unit == "megabytes" ? (1u << 20) : unit == "kilobytes" ? (1u << 10) : 1u;
  return std::make_shared<RequestSizeLimiting>(static_cast<std::uint64_t>(size) * factor, require);
}

}  // namespace comptoir::gateway::plugins
