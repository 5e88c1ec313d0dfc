#pragma once
// Kong's request-transformer plugin (kong/plugins/request-transformer): changes the request before it
// goes upstream — method, URI, headers, query string and (JSON or form) body — in Kong's order:
// uri, method, then for headers, body and query string: remove, rename, replace, add, append.
#include <optional>
#include <string>
#include <vector>

#include "comptoir/gateway/plugin.hpp"

namespace comptoir::gateway::plugins {

/// One "name:value" entry; Kong's pattern ^([^:]+):*(.-)$ — the name ends at the first ':', every ':'
/// right after it is skipped, the rest (which may contain ':') is the value.
struct TransformPair {
  std::string name;
  std::string value;
};
std::optional<TransformPair> ParseTransformPair(std::string_view entry);

struct RequestTransformerConfig {
  struct Lists {
    std::vector<TransformPair> headers, querystring, body;
  };
  std::string http_method;  ///< upper-case; empty keeps the method
  Lists remove;             ///< names only (value empty)
  Lists rename;             ///< old:new
  Lists replace;
  std::string replace_uri;  ///< empty: unchanged
  Lists add;
  Lists append;
};

class RequestTransformer final : public Plugin {
 public:
  explicit RequestTransformer(RequestTransformerConfig config);

  [[nodiscard]] int Priority() const override { return 801; }
  [[nodiscard]] std::string_view Name() const override { return "request-transformer"; }
  /// Only when body operations are configured (or a method change may move a form body to the query).
  [[nodiscard]] bool NeedsRequestBody() const override { return needs_body_; }
  void Access(RequestContext& ctx) const override;

 private:
  RequestTransformerConfig config_;
  bool needs_body_ = false;
  bool has_query_ops_ = false;
};

}  // namespace comptoir::gateway::plugins
