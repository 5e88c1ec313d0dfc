#include "request_transformer.hpp"

#include <algorithm>

#include <boost/json.hpp>

#include "comptoir/gateway/plugins/factories.hpp"

namespace comptoir::gateway::plugins {
namespace json = boost::json;

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (std::isalnum(c)) continue;
    if (std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) == std::string_view::npos) return false;
  }
  return true;
}

/// A query string or form body as ordered parameters (Lua's args table keeps every value of a name).
struct Param {
  std::string name;
  std::string value;
  bool has_value = true;  ///< "flag" without '=' stays without it
};
using Params = std::vector<Param>;

Params ParseArgs(std::string_view text) {
  Params out;
  while (!text.empty()) {
    auto amp = text.find('&');
    std::string_view part = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
    if (part.empty()) continue;
    auto eq = part.find('=');
    Param p;
    std::string_view raw_name = part.substr(0, eq);
    p.name = http::PercentDecode(raw_name, true).value_or(std::string(raw_name));
    if (eq == std::string_view::npos) {
      p.has_value = false;
    } else {
      std::string_view raw_value = part.substr(eq + 1);
      p.value = http::PercentDecode(raw_value, true).value_or(std::string(raw_value));
    }
    out.push_back(std::move(p));
  }
  return out;
}

std::string EncodeArgs(const Params& params) {
  std::string out;
  for (const auto& p : params) {
    if (!out.empty()) out += '&';
    out += http::PercentEncode(p.name);
    if (p.has_value) {
      out += '=';
      out += http::PercentEncode(p.value);
    }
  }
  return out;
}

bool HasParam(const Params& params, std::string_view name) {
  return std::any_of(params.begin(), params.end(), [&](const Param& p) { return p.name == name; });
}

void RemoveParam(Params& params, std::string_view name) {
  std::erase_if(params, [&](const Param& p) { return p.name == name; });
}

// Kong: args[new] = args[old]; args[old] = nil — so a rename of an absent name clears `new`.
void RenameParam(Params& params, std::string_view from, std::string_view to) {
  if (from == to) return;
  RemoveParam(params, to);
  for (auto& p : params) {
    if (p.name == from) p.name = std::string(to);
  }
}

void ReplaceParam(Params& params, std::string_view name, const std::string& value) {
  Params out;
  out.reserve(params.size());
  bool replaced = false;
  for (auto& p : params) {
    if (p.name != name) {
      out.push_back(std::move(p));
    } else if (!replaced) {
      replaced = true;
      out.push_back({std::move(p.name), value, true});
    }
  }
  params = std::move(out);
}

void AppendParam(Params& params, const std::string& name, const std::string& value) {
  auto last = std::find_if(params.rbegin(), params.rend(), [&](const Param& p) { return p.name == name; });
  if (last == params.rend()) {
    params.push_back({name, value, true});
  } else {
    params.insert(last.base(), Param{name, value, true});
  }
}

/// Applies Kong's five operations to args; `has_content` gates remove/rename/replace on bodies.
bool TransformArgs(Params& params, const RequestTransformerConfig& c,
                   std::vector<TransformPair> RequestTransformerConfig::Lists::*list, bool has_content) {
  bool changed = false;
  if (has_content) {
    for (const auto& e : c.remove.*list) RemoveParam(params, e.name), changed = true;
    for (const auto& e : c.rename.*list) RenameParam(params, e.name, e.value), changed = true;
    for (const auto& e : c.replace.*list) {
      if (HasParam(params, e.name)) ReplaceParam(params, e.name, e.value), changed = true;
    }
  }
  for (const auto& e : c.add.*list) {
    if (!HasParam(params, e.name)) params.push_back({e.name, e.value, true}), changed = true;
  }
  for (const auto& e : c.append.*list) AppendParam(params, e.name, e.value), changed = true;
  return changed;
}

/// Lua truthiness of a decoded JSON member: absent and `false` are false, everything else (null too,
/// cjson.null being a userdata) is true.
bool Truthy(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && !(v->is_bool() && !v->get_bool());
}

/// Kong's append_value: string -> [old, new]; array -> pushed; anything else -> [new].
void AppendJson(json::object& o, std::string_view key, std::string_view value) {
  json::value* current = o.if_contains(key);
  if (current != nullptr && current->is_string()) {
    json::array a;
    a.emplace_back(std::move(*current));
    a.emplace_back(value);
    *current = std::move(a);
  } else if (current != nullptr && current->is_array()) {
    current->get_array().emplace_back(value);
  } else {
    json::array a;
    a.emplace_back(value);
    o[key] = std::move(a);
  }
}

std::optional<std::string> TransformJsonBody(const std::string& body, const RequestTransformerConfig& c) {
  json::object params;
  if (!body.empty()) {
    std::error_code ec;
    json::value parsed = json::parse(body, ec);
    if (ec || !parsed.is_object()) return std::nullopt;  // Kong leaves a body it cannot decode alone
    params = std::move(parsed.get_object());
  }
  const bool has_content = !body.empty();
  bool changed = false;
  if (has_content) {
    for (const auto& e : c.remove.body) params.erase(e.name), changed = true;
    for (const auto& e : c.rename.body) {
      if (e.name == e.value) continue;
      json::value* v = params.if_contains(e.name);
      if (v != nullptr) {
        json::value moved = std::move(*v);
        params.erase(e.name);
        params[e.value] = std::move(moved);
      } else {
        params.erase(e.value);
      }
      changed = true;
    }
    for (const auto& e : c.replace.body) {
      if (Truthy(params, e.name)) params[e.name] = e.value, changed = true;
    }
  }
  for (const auto& e : c.add.body) {
    if (!Truthy(params, e.name)) params[e.name] = e.value, changed = true;
  }
  for (const auto& e : c.append.body) AppendJson(params, e.name, e.value), changed = true;
  if (!changed) return std::nullopt;
  return json::serialize(params);
}

enum class BodyType { kNone, kJson, kForm, kMultipart };

BodyType ContentType(const http::Request& request) {
  auto ct = request.headers.Get("Content-Type");
  if (!ct) return BodyType::kNone;
  const std::string lower = Lower(*ct);
  if (lower.find("application/json") != std::string::npos) return BodyType::kJson;
  if (lower.find("multipart/form-data") != std::string::npos) return BodyType::kMultipart;
  if (lower.find("application/x-www-form-urlencoded") != std::string::npos) return BodyType::kForm;
  return BodyType::kNone;
}

void SetQuery(http::Request& request, std::string query) {
  request.query = std::move(query);
  request.target = request.query.empty() ? request.path : request.path + "?" + request.query;
}

bool HasBodyOps(const RequestTransformerConfig& c) {
  return !c.remove.body.empty() || !c.rename.body.empty() || !c.replace.body.empty() || !c.add.body.empty() ||
         !c.append.body.empty();
}

}  // namespace

std::optional<TransformPair> ParseTransformPair(std::string_view entry) {
  auto colon = entry.find(':');
  if (colon == 0 || entry.empty()) return std::nullopt;
  TransformPair pair;
  pair.name = std::string(entry.substr(0, colon));
  if (colon != std::string_view::npos) {
    auto rest = entry.substr(colon);
    rest.remove_prefix(std::min(rest.find_first_not_of(':'), rest.size()));
    pair.value = std::string(rest);
  }
  return pair;
}

RequestTransformer::RequestTransformer(RequestTransformerConfig config) : config_(std::move(config)) {
  const auto& m = config_.http_method;
  needs_body_ = HasBodyOps(config_) || m == "GET" || m == "HEAD" || m == "TRACE";
  const auto& c = config_;
  has_query_ops_ = !c.remove.querystring.empty() || !c.rename.querystring.empty() || !c.replace.querystring.empty() ||
                   !c.add.querystring.empty() || !c.append.querystring.empty();
}

void RequestTransformer::Access(RequestContext& ctx) const {
  http::Request& req = ctx.request;
  const auto& c = config_;

  // URI: Kong sets the upstream URI to this value (the query string is kept).
  if (!c.replace_uri.empty()) {
    req.path = c.replace_uri;
    SetQuery(req, req.query);
  }

  // Method; with GET/HEAD/TRACE a form body's parameters are added to the query string.
  if (!c.http_method.empty()) {
    req.method = http::ParseMethod(c.http_method);
    req.method_name = c.http_method;
    if ((c.http_method == "GET" || c.http_method == "HEAD" || c.http_method == "TRACE") && ctx.body_buffered &&
        ContentType(req) == BodyType::kForm && !req.body.empty()) {
      Params query = ParseArgs(req.query);
      for (auto& p : ParseArgs(req.body)) AppendParam(query, p.name, p.value);
      SetQuery(req, EncodeArgs(query));
    }
  }

  // Headers. Host is left out of Kong's header table: only `replace` may set it (always).
  auto& h = req.headers;
  for (const auto& e : c.remove.headers) {
    if (!http::IEquals(e.name, "host")) h.Remove(e.name);
  }
  for (const auto& e : c.rename.headers) {
    if (http::IEquals(e.name, "host") || !h.Has(e.name)) continue;
    std::vector<std::string> values;
    for (const auto& [name, value] : h) {
      if (http::IEquals(name, e.name)) values.push_back(value);
    }
    h.Remove(e.name);
    h.Remove(e.value);
    for (const auto& v : values) h.Add(e.value, v);
  }
  for (const auto& e : c.replace.headers) {
    if (h.Has(e.name) || http::IEquals(e.name, "host")) h.Set(e.name, e.value);
  }
  for (const auto& e : c.add.headers) {
    if (!h.Has(e.name) && !http::IEquals(e.name, "host")) h.Set(e.name, e.value);
  }
  for (const auto& e : c.append.headers) {
    if (!http::IEquals(e.name, "host")) h.Add(e.name, e.value);
  }

  // Body: only JSON and url-encoded forms, only when the proxy buffered it (NeedsRequestBody).
  if (HasBodyOps(c) && ctx.body_buffered) {
    std::optional<std::string> body;
    switch (ContentType(req)) {
      case BodyType::kJson:
        body = TransformJsonBody(req.body, c);
        break;
      case BodyType::kForm: {
        Params params = ParseArgs(req.body);
        if (TransformArgs(params, c, &RequestTransformerConfig::Lists::body, !req.body.empty())) {
          body = EncodeArgs(params);
        }
        break;
      }
      default:
        break;
    }
    if (body) {
      req.body = std::move(*body);
      req.headers.Remove("Transfer-Encoding");
      req.headers.Set("Content-Length", std::to_string(req.body.size()));
    }
  }

  // Query string.
  if (has_query_ops_) {
    Params query = ParseArgs(req.query);
    TransformArgs(query, c, &RequestTransformerConfig::Lists::querystring, true);
    SetQuery(req, EncodeArgs(query));
  }
}

namespace {

enum class EntryKind { kName, kPair };

std::vector<TransformPair> ReadList(SchemaReader& record, std::string_view key, EntryKind kind, bool headers) {
  std::vector<TransformPair> out;
  const auto entries = record.StringArray(key, {});
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const std::string field = std::string(key) + "[" + std::to_string(i + 1) + "]";
    const auto& entry = entries[i];
    if (kind == EntryKind::kName) {
      if (headers && !IsToken(entry)) record.Fail(field, "bad header name '" + entry + "'");
      out.push_back({entry, {}});
      continue;
    }
    auto pair = ParseTransformPair(entry);
    if (!pair || pair->value.empty()) {
      record.Fail(field, "key '" + (pair ? pair->name : entry) + "' has no value");
      continue;
    }
    if (headers && !IsToken(pair->name)) record.Fail(field, "bad header name '" + pair->name + "'");
    out.push_back(std::move(*pair));
  }
  return out;
}

RequestTransformerConfig::Lists ReadLists(SchemaReader& config, std::string_view key, EntryKind kind,
                                          std::string* uri = nullptr) {
  SchemaReader record = config.Record(key);
  RequestTransformerConfig::Lists lists;
  lists.body = ReadList(record, "body", kind, false);
  lists.headers = ReadList(record, "headers", kind, true);
  lists.querystring = ReadList(record, "querystring", kind, false);
  if (uri != nullptr) *uri = record.OptString("uri").value_or("");
  record.RejectUnknown();
  return lists;
}

}  // namespace

std::shared_ptr<Plugin> CreateRequestTransformer(SchemaReader& config, const PluginEnv& env) {
  RequestTransformerConfig c;
  if (auto method = config.OptString("http_method")) {
    const bool upper = !method->empty() && std::all_of(method->begin(), method->end(),
                                                       [](unsigned char ch) { return std::isupper(ch) != 0; });
    if (!upper) config.Fail("http_method", "invalid value: " + *method);
    c.http_method = *method;
  }
  c.remove = ReadLists(config, "remove", EntryKind::kName);
  c.rename = ReadLists(config, "rename", EntryKind::kPair);
  c.replace = ReadLists(config, "replace", EntryKind::kPair, &c.replace_uri);
  c.add = ReadLists(config, "add", EntryKind::kPair);
  c.append = ReadLists(config, "append", EntryKind::kPair);
  config.RejectUnknown();
  if (!config.ok()) return nullptr;
  return std::make_shared<RequestTransformer>(std::move(c));
}

}  // namespace comptoir::gateway::plugins
