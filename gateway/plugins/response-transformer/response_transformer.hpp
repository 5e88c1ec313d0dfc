#pragma once
// Kong's response-transformer plugin (kong/plugins/response-transformer): changes the response headers
// (header_filter) and the members of a JSON response body (body_filter), in Kong's order remove, rename,
// replace, add, append.
#include <optional>
#include <string>
#include <vector>

#include "comptoir/gateway/plugin.hpp"

namespace comptoir::gateway::plugins {

struct ResponseTransformerConfig {
  enum class JsonType { kString, kNumber, kBoolean };
  struct Entry {
    std::string name;
    std::string value;
    JsonType type = JsonType::kString;  ///< from json_types at the same index (string if absent)
  };
  struct Lists {
    std::vector<Entry> headers, json;
  };
  Lists remove, rename, replace, add, append;
};

class ResponseTransformer final : public Plugin {
 public:
  explicit ResponseTransformer(ResponseTransformerConfig config);

  [[nodiscard]] int Priority() const override { return 800; }
  [[nodiscard]] std::string_view Name() const override { return "response-transformer"; }
  /// Only when JSON operations are configured.
  [[nodiscard]] bool NeedsResponseBody() const override { return has_json_ops_; }
  [[nodiscard]] bool HasHeaderFilter() const override { return true; }
  void HeaderFilter(RequestContext& ctx, http::Response& response) const override;
  /// Rewrites application/json bodies; other bodies, and bodies that do not parse, are left alone.
  void BodyFilter(RequestContext& ctx, http::Response& response) const override;

 private:
  ResponseTransformerConfig config_;
  bool has_json_ops_ = false;
};

}  // namespace comptoir::gateway::plugins
