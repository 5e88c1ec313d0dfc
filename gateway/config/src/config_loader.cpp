// The declarative loader: Kong's declarative_config schema (kong/db/schema/others/
// declarative_config.lua) and entity schemas (kong/db/schema/entities/*.lua) as code. Every entity
// is read with a SchemaReader so defaults, the normalised record and field paths are uniform.
#include "comptoir/gateway/config_loader.hpp"

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstdlib>
#include <unordered_map>
#include <unordered_set>

#include <boost/json.hpp>

#include "loader.hpp"

namespace comptoir::gateway {
namespace json = boost::json;
using namespace config_detail;

namespace config_detail {

std::unique_ptr<Config> Loader::Run(const json::value& doc, const std::vector<UnknownVariable>& unknown) {
  config_ = std::make_unique<Config>();
  const auto* top = doc.if_object();
  if (top == nullptr) {
    issues_.push_back({"", "", "", "expected a declarative configuration (a YAML or JSON object)"});
    return nullptr;
  }
  ReadTop(*top);
  Collect(*top);
  ReportUnknownVariables(unknown);
  for (std::size_t i = 0; i < services_.size(); ++i) LoadService(static_cast<int>(i));
  for (std::size_t i = 0; i < routes_.size(); ++i) LoadRoute(static_cast<int>(i));
  for (std::size_t i = 0; i < consumers_.size(); ++i) LoadConsumer(static_cast<int>(i));
  for (std::size_t i = 0; i < upstreams_.size(); ++i) LoadUpstream(static_cast<int>(i));
  for (std::size_t i = 0; i < targets_.size(); ++i) LoadTarget(static_cast<int>(i));
  for (std::size_t i = 0; i < keyauths_.size(); ++i) LoadKeyAuth(static_cast<int>(i));
  for (std::size_t i = 0; i < jwts_.size(); ++i) LoadJwt(static_cast<int>(i));
  for (std::size_t i = 0; i < plugins_.size(); ++i) LoadPlugin(static_cast<int>(i));
  BuildLookups();
  return std::move(config_);
}

void Loader::DocIssue(std::string field, std::string message) {
  issues_.push_back({"", "", std::move(field), std::move(message)});
}

void Loader::ReadTop(const json::object& top) {
  static const std::initializer_list<std::string_view> kCollections = {
      "services", "routes", "upstreams", "targets", "consumers", "plugins", "keyauth_credentials", "jwt_secrets"};
  const auto* fv = top.if_contains("_format_version");
  if (fv == nullptr || fv->is_null()) {
    DocIssue("_format_version", "required field missing");
  } else if (!fv->is_string()) {
    DocIssue("_format_version", "expected a string");
  } else {
    format_version_ = std::string(fv->get_string());
    if (!Contains({"1.1", "2.1", "3.0"}, format_version_))
      DocIssue("_format_version", "expected one of: 1.1, 2.1, 3.0");
  }
  config_->format_version = format_version_;
  for (const auto& [key, value] : top) {
    if (key == "_format_version") continue;
    if (key == "_transform") {
      if (!value.is_bool() && !value.is_null()) DocIssue("_transform", "expected a boolean");
    } else if (key == "_comment" || key == "_workspace") {
      if (!value.is_string() && !value.is_null()) DocIssue(std::string(key), "expected a string");
    } else if (key == "_ignore") {
      if (!value.is_array() && !value.is_null()) DocIssue("_ignore", "expected an array");
    } else if (Contains(kCollections, key)) {
      if (!value.is_array() && !value.is_null()) DocIssue(std::string(key), "expected an array");
    } else {
      DocIssue(std::string(key), "unknown field");
    }
  }
}

// Nested lists of an entity (`routes` under a service...). Returns the array, or nullptr.
const json::array* Loader::Nested(const Raw& parent, std::string_view parent_kind, std::string_view key) {
  const auto* obj = parent.Object();
  if (obj == nullptr) return nullptr;
  const auto* v = obj->if_contains(key);
  if (v == nullptr || v->is_null()) return nullptr;
  if (!v->is_array()) {
    issues_.push_back({std::string(parent_kind), parent.display, std::string(key), "expected an array"});
    return nullptr;
  }
  return &v->get_array();
}

int Loader::Push(std::vector<Raw>& into, std::string_view kind, const json::value& v, std::string path, int parent,
                 std::string_view parent_kind, std::size_t position) {
  Raw raw;
  raw.value = &v;
  raw.path = std::move(path);
  raw.parent = parent;
  raw.parent_kind = std::string(parent_kind);
  raw.position = position;
  std::optional<std::string> name;
  if (kind == "consumers") {
    name = raw.Str("username");
    if (!name) name = raw.Str("custom_id");
  } else if (kind == "targets") {
    name = raw.Str("target");
  } else if (kind != "keyauth_credentials" && kind != "jwt_secrets") {
    name = raw.Str("name");
  }
  raw.display = name && !name->empty() ? *name : "#" + std::to_string(into.size() + 1);
  into.push_back(std::move(raw));
  return static_cast<int>(into.size()) - 1;
}

void Loader::PushPluginsOf(std::string_view kind, int index, const Raw& parent) {
  if (const auto* arr = Nested(parent, kind, "plugins")) {
    for (std::size_t k = 0; k < arr->size(); ++k) {
      Push(plugins_, "plugins", (*arr)[k], parent.path + ".plugins[" + std::to_string(k + 1) + "]", index, kind, k);
    }
  }
}

void Loader::Collect(const json::object& top) {
  auto each = [&](std::string_view key, auto&& fn) {
    const auto* v = top.if_contains(key);
    if (v == nullptr || !v->is_array()) return;
    const auto& arr = v->get_array();
    for (std::size_t i = 0; i < arr.size(); ++i) {
      fn(arr[i], std::string(key) + "[" + std::to_string(i + 1) + "]", i);
    }
  };
  each("services", [&](const json::value& v, std::string path, std::size_t pos) {
    int s = Push(services_, "services", v, std::move(path), -1, "", pos);
    if (const auto* routes = Nested(services_[s], "services", "routes")) {
      for (std::size_t j = 0; j < routes->size(); ++j) {
        int r = Push(routes_, "routes", (*routes)[j], services_[s].path + ".routes[" + std::to_string(j + 1) + "]", s,
                     "services", j);
        PushPluginsOf("routes", r, Raw(routes_[r]));
      }
    }
    PushPluginsOf("services", s, Raw(services_[s]));
  });
  each("routes", [&](const json::value& v, std::string path, std::size_t pos) {
    int r = Push(routes_, "routes", v, std::move(path), -1, "", pos);
    PushPluginsOf("routes", r, Raw(routes_[r]));
  });
  each("consumers", [&](const json::value& v, std::string path, std::size_t pos) {
    int c = Push(consumers_, "consumers", v, std::move(path), -1, "", pos);
    Raw parent = consumers_[c];
    PushPluginsOf("consumers", c, parent);
    if (const auto* arr = Nested(parent, "consumers", "keyauth_credentials")) {
      for (std::size_t k = 0; k < arr->size(); ++k) {
        Push(keyauths_, "keyauth_credentials", (*arr)[k],
             parent.path + ".keyauth_credentials[" + std::to_string(k + 1) + "]", c, "consumers", k);
      }
    }
    if (const auto* arr = Nested(parent, "consumers", "jwt_secrets")) {
      for (std::size_t k = 0; k < arr->size(); ++k) {
        Push(jwts_, "jwt_secrets", (*arr)[k], parent.path + ".jwt_secrets[" + std::to_string(k + 1) + "]", c,
             "consumers", k);
      }
    }
  });
  each("upstreams", [&](const json::value& v, std::string path, std::size_t pos) {
    int u = Push(upstreams_, "upstreams", v, std::move(path), -1, "", pos);
    Raw parent = upstreams_[u];
    if (const auto* arr = Nested(parent, "upstreams", "targets")) {
      for (std::size_t k = 0; k < arr->size(); ++k) {
        Push(targets_, "targets", (*arr)[k], parent.path + ".targets[" + std::to_string(k + 1) + "]", u, "upstreams",
             k);
      }
    }
  });
  each("targets", [&](const json::value& v, std::string path, std::size_t pos) {
    Push(targets_, "targets", v, std::move(path), -1, "", pos);
  });
  each("plugins", [&](const json::value& v, std::string path, std::size_t pos) {
    Push(plugins_, "plugins", v, std::move(path), -1, "", pos);
  });
  each("keyauth_credentials", [&](const json::value& v, std::string path, std::size_t pos) {
    Push(keyauths_, "keyauth_credentials", v, std::move(path), -1, "", pos);
  });
  each("jwt_secrets", [&](const json::value& v, std::string path, std::size_t pos) {
    Push(jwts_, "jwt_secrets", v, std::move(path), -1, "", pos);
  });
}

// An unknown `${NAME}` is reported on the innermost entity whose document path contains it.
void Loader::ReportUnknownVariables(const std::vector<UnknownVariable>& unknown) {
  const std::pair<const char*, const std::vector<Raw>*> kinds[] = {
      {"services", &services_}, {"routes", &routes_},   {"consumers", &consumers_},          {"upstreams", &upstreams_},
      {"targets", &targets_},   {"plugins", &plugins_}, {"keyauth_credentials", &keyauths_}, {"jwt_secrets", &jwts_}};
  for (const auto& u : unknown) {
    const Raw* best = nullptr;
    const char* best_kind = "";
    for (const auto& [kind, list] : kinds) {
      for (const auto& raw : *list) {
        if (u.path.size() > raw.path.size() && u.path.compare(0, raw.path.size(), raw.path) == 0 &&
            u.path[raw.path.size()] == '.' && (best == nullptr || raw.path.size() > best->path.size())) {
          best = &raw;
          best_kind = kind;
        }
      }
    }
    std::string message = "unknown variable ${" + u.name + "} (" + unset_reason_ + ")";
    if (best != nullptr) {
      issues_.push_back({best_kind, best->display, u.path.substr(best->path.size() + 1), std::move(message)});
    } else {
      DocIssue(u.path, std::move(message));
    }
  }
}

// Fields Kong accepts on every entity of a declarative file but that carry nothing here.
void Loader::Meta(SchemaReader& r) {
  for (const char* k : {"_comment", "_ignore", "created_at", "updated_at"}) {
    r.Keep(k);
    r.output().erase(k);
  }
}

std::string Loader::ReadId(SchemaReader& r, std::string_view collection, const std::string& key,
                           std::unordered_set<std::string>& seen) {
  std::string id;
  if (auto given = r.OptString("id")) {
    if (!IsValidUuid(*given)) {
      r.Fail("id", "expected a valid UUID");
    }
    id = Lower(*given);
  } else {
    id = GenerateId(collection, key);
  }
  if (!seen.insert(id).second) {
    r.Fail("id", "uniqueness violation: '" + std::string(collection) + "' entity with primary key set to '" + id +
                     "' already declared");
  }
  r.output()["id"] = id;
  return id;
}

// A foreign key: a name/username or an id (string), or {id: ...} / {name: ...}.
int Loader::Ref(SchemaReader& r, std::string_view field, std::string_view target, const Index& index, const Raw& raw) {
  const auto* v = r.Raw(field);
  r.Keep(field);
  bool nested = !raw.parent_kind.empty();
  if (v == nullptr) {
    r.output()[field] = nullptr;
    return -1;
  }
  if (nested) {
    // Kong: an entity nested under its parent cannot name foreign keys itself.
    r.Fail(field, "value must be null");
    return -1;
  }
  std::string key;
  if (v->is_string()) {
    key = std::string(v->get_string());
  } else if (const auto* o = v->if_object()) {
    for (const char* k : {"id", "name", "username"}) {
      if (const auto* x = o->if_contains(k); x != nullptr && x->is_string()) {
        key = std::string(x->get_string());
        break;
      }
    }
  }
  if (key.empty()) {
    r.Fail(field, "expected a string (name or id)");
    return -1;
  }
  auto found = index.Find(key);
  if (!found) {
    r.Fail(field, "invalid reference '" + std::string(field) + ": " + key + "' (no such entry in '" +
                      std::string(target) + "')");
    return -1;
  }
  r.output()[field] = json::object{{"id", index.ids[static_cast<std::size_t>(*found)]}};
  return *found;
}

// Resolves the entity's parent (nested) or its foreign key (top level).
int Loader::Parent(SchemaReader& r, const Raw& raw, std::string_view field, std::string_view parent_kind,
                   const Index& index) {
  int ref = Ref(r, field, parent_kind, index, raw);
  if (raw.parent_kind == parent_kind) {
    r.output()[field] = json::object{{"id", index.ids[static_cast<std::size_t>(raw.parent)]}};
    return raw.parent;
  }
  return ref;
}

void Loader::UniqueName(SchemaReader& r, std::string_view collection, std::string_view field, const std::string& value,
                        std::unordered_set<std::string>& seen) {
  if (!seen.insert(value).second) {
    r.Fail(field, "uniqueness violation: '" + std::string(collection) + "' entity with unique field '" +
                      std::string(field) + "' set to '" + value + "' already declared");
  }
}

std::string Loader::ParentIdOf(const Raw& raw) {
  if (raw.parent_kind == "services") return services_index_.ids[static_cast<std::size_t>(raw.parent)];
  if (raw.parent_kind == "routes") return routes_index_.ids[static_cast<std::size_t>(raw.parent)];
  if (raw.parent_kind == "consumers") return consumers_index_.ids[static_cast<std::size_t>(raw.parent)];
  if (raw.parent_kind == "upstreams") return upstreams_index_.ids[static_cast<std::size_t>(raw.parent)];
  return "";
}

// Key for the id of an unnamed entity: stable as long as the file keeps its order.
std::string Loader::PositionalKey(const Raw& raw) {
  return "#" + ParentIdOf(raw) + ":" + std::to_string(raw.position);
}

void Loader::BuildLookups() {
  auto& c = *config_;
  for (std::size_t i = 0; i < c.upstreams.size(); ++i) {
    if (!c.upstreams[i].name.empty()) c.upstream_by_name.emplace(c.upstreams[i].name, static_cast<int>(i));
  }
  for (std::size_t i = 0; i < c.consumers.size(); ++i) {
    const auto& con = c.consumers[i];
    c.consumer_by_name.emplace(con.id, static_cast<int>(i));
    if (!con.username.empty()) c.consumer_by_name.emplace(con.username, static_cast<int>(i));
    if (!con.custom_id.empty()) c.consumer_by_name.emplace(con.custom_id, static_cast<int>(i));
  }
  for (std::size_t i = 0; i < c.keyauth_credentials.size(); ++i) {
    const auto& k = c.keyauth_credentials[i];
    c.consumer_by_key.emplace(k.key, k.consumer);
    c.credential_by_key.emplace(k.key, static_cast<int>(i));
  }
  for (std::size_t i = 0; i < c.jwt_secrets.size(); ++i)
    c.jwt_by_key.emplace(c.jwt_secrets[i].key, static_cast<int>(i));
}

}  // namespace config_detail

LoadResult LoadDeclarative(std::string_view text, const PluginEnv& env, EnvLookup env_lookup) {
  return LoadDeclarative(text, env, Substitution{std::move(env_lookup)});
}

LoadResult LoadDeclarative(std::string_view text, const PluginEnv& env, const Substitution& substitution) {
  LoadResult result;
  try {
    ParsedDocument parsed = ParseDocument(text, substitution.lookup);
    if (!parsed.error.empty()) {
      result.issues.push_back({"", "", "", "failed parsing declarative configuration: " + parsed.error});
      return result;
    }
    Loader loader(env, result.issues, substitution.unset_reason);
    std::unique_ptr<Config> config = loader.Run(parsed.doc, parsed.unknown);
    if (config && result.issues.empty()) {
      config->hash = Md5Hex(CanonicalJson(parsed.doc));
      result.config = std::move(config);
      result.document = std::move(parsed.doc);
    }
  } catch (const std::exception& e) {
    // Only resource failures (allocation, OpenSSL) get here; the document never throws.
    result.config.reset();
    result.issues.push_back({"", "", "", std::string("failed loading declarative configuration: ") + e.what()});
  }
  return result;
}

EnvLookup ProcessEnvLookup() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

}  // namespace comptoir::gateway
