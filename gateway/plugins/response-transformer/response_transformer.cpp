#include "response_transformer.hpp"

#include <algorithm>
#include <cstdlib>

#include <boost/json.hpp>

#include "comptoir/gateway/plugins/factories.hpp"
#include "comptoir/log.hpp"

namespace comptoir::gateway::plugins {
namespace json = boost::json;

namespace {

using Entry = ResponseTransformerConfig::Entry;
using JsonType = ResponseTransformerConfig::JsonType;

bool IsJson(const http::Response& response) {
  auto ct = response.headers.Get("Content-Type");
  if (!ct) return false;
  std::string lower(*ct);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower.find("application/json") != std::string::npos;
}

/// Kong's cast_value: "number" -> tonumber (nil if not a number), "boolean" -> true/false (nil
/// otherwise), else the string. nil means the entry is skipped.
std::optional<json::value> Cast(const Entry& e) {
  switch (e.type) {
    case JsonType::kNumber: {
      if (e.value.empty()) return std::nullopt;
      std::error_code ec;
      json::value v = json::parse(e.value, ec);
      if (ec || !v.is_number()) {
        char* end = nullptr;
        const double d = std::strtod(e.value.c_str(), &end);
        if (end == e.value.c_str() || *end != '\0') return std::nullopt;
        return json::value(d);
      }
      return v;
    }
    case JsonType::kBoolean:
      if (e.value == "true") return json::value(true);
      if (e.value == "false") return json::value(false);
      return std::nullopt;
    case JsonType::kString:
      break;
  }
  return json::value(e.value);
}

/// Lua truthiness of a member (absent and false are false; cjson.null is a truthy userdata).
bool Truthy(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && !(v->is_bool() && !v->get_bool());
}

std::optional<std::string> TransformJson(std::string_view body, const ResponseTransformerConfig& c) {
  std::error_code ec;
  json::value parsed = json::parse(body, ec);
  if (ec || !parsed.is_object()) return std::nullopt;
  json::object& o = parsed.get_object();
  for (const auto& e : c.remove.json) o.erase(e.name);
  for (const auto& e : c.rename.json) {
    json::value* v = o.if_contains(e.name);
    if (v == nullptr || e.name == e.value) continue;
    json::value moved = std::move(*v);
    o.erase(e.name);
    o[e.value] = std::move(moved);
  }
  for (const auto& e : c.replace.json) {
    auto v = Cast(e);
    if (v && Truthy(o, e.name)) o[e.name] = std::move(*v);
  }
  for (const auto& e : c.add.json) {
    auto v = Cast(e);
    if (v && !Truthy(o, e.name)) o[e.name] = std::move(*v);
  }
  for (const auto& e : c.append.json) {
    auto v = Cast(e);
    if (!v) continue;
    // Kong's append_value: string -> [old, new]; array -> pushed; anything else -> [new].
    json::value* current = o.if_contains(e.name);
    if (current != nullptr && current->is_string()) {
      json::array a;
      a.emplace_back(std::move(*current));
      a.emplace_back(std::move(*v));
      *current = std::move(a);
    } else if (current != nullptr && current->is_array()) {
      current->get_array().emplace_back(std::move(*v));
    } else {
      json::array a;
      a.emplace_back(std::move(*v));
      o[e.name] = std::move(a);
    }
  }
  return json::serialize(parsed);
}

}  // namespace

ResponseTransformer::ResponseTransformer(ResponseTransformerConfig config) : config_(std::move(config)) {
  const auto& c = config_;
  has_json_ops_ = !c.remove.json.empty() || !c.rename.json.empty() || !c.replace.json.empty() || !c.add.json.empty() ||
                  !c.append.json.empty();
}

void ResponseTransformer::HeaderFilter(RequestContext& ctx, http::Response& response) const {
  // Kong decides replace/add on the headers as they came (ngx.resp.get_headers() taken first).
  const http::Headers original = response.headers;
  auto& h = response.headers;
  const auto& c = config_;
  for (const auto& e : c.remove.headers) h.Remove(e.name);
  for (const auto& e : c.rename.headers) {
    if (!original.Has(e.name)) continue;
    std::vector<std::string> values;
    for (const auto& [name, value] : original) {
      if (http::IEquals(name, e.name)) values.push_back(value);
    }
    h.Remove(e.name);
    h.Remove(e.value);
    for (const auto& v : values) h.Add(e.value, v);
  }
  for (const auto& e : c.replace.headers) {
    if (original.Has(e.name)) h.Set(e.name, e.value);
  }
  for (const auto& e : c.add.headers) {
    if (!original.Has(e.name)) h.Set(e.name, e.value);
  }
  for (const auto& e : c.append.headers) h.Add(e.name, e.value);
  // The body is going to change: its length is recomputed when it is sent.
  if (has_json_ops_ && IsJson(response)) h.Remove("Content-Length");
}

void ResponseTransformer::BodyFilter(RequestContext& ctx, http::Response& response) const {
  if (!has_json_ops_ || !IsJson(response)) return;
  auto body = TransformJson(response.body, config_);
  if (!body) {
    log::Warn("response-transformer: body is not a JSON object, left unchanged",
              {{"request_id", ctx.request_id}, {"trace_id", ctx.TraceId()}, {"span_id", ctx.SpanId()}});
    return;
  }
  response.body = std::move(*body);
  if (response.headers.Has("Content-Length")) {
    response.headers.Set("Content-Length", std::to_string(response.body.size()));
  }
}

namespace {

std::vector<Entry> ReadEntries(SchemaReader& record, std::string_view key, bool pairs, bool headers) {
  std::vector<Entry> out;
  const auto entries = record.StringArray(key, {});
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const std::string field = std::string(key) + "[" + std::to_string(i + 1) + "]";
    const auto& entry = entries[i];
    if (!pairs) {
      if (entry.empty()) record.Fail(field, "length must be at least 1");
      out.push_back({entry, {}});
      continue;
    }
    // Kong's pattern ^([^:]+):*(.-)$ — name up to the first ':', the value may contain ':'.
    auto colon = entry.find(':');
    Entry e;
    e.name = entry.substr(0, colon);
    if (colon != std::string::npos) {
      auto value_at = entry.find_first_not_of(':', colon);
      if (value_at != std::string::npos) e.value = entry.substr(value_at);
    }
    if (e.name.empty() || e.value.empty()) {
      record.Fail(field, "key '" + (e.name.empty() ? entry : e.name) + "' has no value");
      continue;
    }
    if (headers && e.name.find_first_of(" \t\r\n") != std::string::npos) {
      record.Fail(field, "bad header name '" + e.name + "'");
    }
    out.push_back(std::move(e));
  }
  return out;
}

ResponseTransformerConfig::Lists ReadLists(SchemaReader& config, std::string_view key, bool pairs, bool types) {
  SchemaReader record = config.Record(key);
  ResponseTransformerConfig::Lists lists;
  lists.json = ReadEntries(record, "json", pairs, false);
  if (types) {
    const auto json_types = record.StringArray("json_types", {}, {"boolean", "number", "string"});
    for (std::size_t i = 0; i < lists.json.size() && i < json_types.size(); ++i) {
      if (json_types[i] == "number") lists.json[i].type = JsonType::kNumber;
      if (json_types[i] == "boolean") lists.json[i].type = JsonType::kBoolean;
    }
  }
  lists.headers = ReadEntries(record, "headers", pairs, true);
  record.RejectUnknown();
  return lists;
}

}  // namespace

std::shared_ptr<Plugin> CreateResponseTransformer(SchemaReader& config, const PluginEnv& env) {
  ResponseTransformerConfig c;
  c.remove = ReadLists(config, "remove", false, false);
  c.rename = ReadLists(config, "rename", true, false);
  c.replace = ReadLists(config, "replace", true, true);
  c.add = ReadLists(config, "add", true, true);
  c.append = ReadLists(config, "append", true, true);
  config.RejectUnknown();
  if (!config.ok()) return nullptr;
  return std::make_shared<ResponseTransformer>(std::move(c));
}

}  // namespace comptoir::gateway::plugins
