// Issues as Kong's declarative-config error body, and as text for the log.
#include <cctype>
#include <string>

#include <boost/json.hpp>

#include "comptoir/gateway/config_loader.hpp"

namespace comptoir::gateway {
namespace json = boost::json;
namespace {

// "config.limits[2].minute" -> {"config", "limits", 2, "minute"} (indices 1-based as written).
struct Segment {
  std::string key;
  std::size_t index = 0;  // > 0 for "[n]"
};

std::vector<Segment> SplitField(const std::string& field) {
  std::vector<Segment> out;
  std::string current;
  for (std::size_t i = 0; i < field.size(); ++i) {
    char c = field[i];
    if (c == '.') {
      if (!current.empty()) out.push_back({current, 0});
      current.clear();
    } else if (c == '[') {
      auto close = field.find(']', i);
      std::string digits = close == std::string::npos ? "" : field.substr(i + 1, close - i - 1);
      bool numeric = !digits.empty() && digits.find_first_not_of("0123456789") == std::string::npos;
      if (!numeric) {
        current += c;
        continue;
      }
      if (!current.empty()) out.push_back({current, 0});
      current.clear();
      out.push_back({"", static_cast<std::size_t>(std::stoul(digits))});
      i = close;
    } else {
      current += c;
    }
  }
  if (!current.empty()) out.push_back({current, 0});
  return out;
}

json::value& Child(json::value& node, const Segment& seg) {
  if (seg.index > 0) {
    if (!node.is_array()) node = json::array();
    auto& arr = node.get_array();
    while (arr.size() < seg.index) arr.emplace_back(nullptr);
    return arr[seg.index - 1];
  }
  if (!node.is_object()) node = json::object();
  return node.get_object()[seg.key];
}

// A leaf holds one message, or an array of them when a field has several problems.
void AddMessage(json::value& leaf, const std::string& message) {
  if (leaf.is_null()) {
    leaf = message;
  } else if (leaf.is_string()) {
    json::array both;
    both.emplace_back(leaf.get_string());
    both.emplace_back(message);
    leaf = std::move(both);
  } else if (leaf.is_array()) {
    leaf.get_array().emplace_back(message);
  } else {
    // A record already holding nested errors: keep the message beside them.
    auto& at = leaf.get_object()["@entity"];
    if (!at.is_array()) at = json::array();
    at.get_array().emplace_back(message);
  }
}

bool IsIdentifier(std::string_view s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0])) != 0) return false;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '_') return false;
  }
  return true;
}

// The error table as Penlight's pretty.write(t, "") prints it, which is what Kong puts in
// "declarative config is invalid: ...".
void LuaPretty(const json::value& v, std::string& out) {
  if (const auto* obj = v.if_object()) {
    std::vector<std::string> keys;
    for (const auto& kv : *obj) keys.emplace_back(kv.key());
    std::sort(keys.begin(), keys.end());
    out += '{';
    bool first = true;
    for (const auto& k : keys) {
      if (!first) out += ',';
      first = false;
      if (IsIdentifier(k)) {
        out += k;
      } else {
        out += "[" + json::serialize(json::string(k)) + "]";
      }
      out += '=';
      LuaPretty(obj->at(k), out);
    }
    out += '}';
  } else if (const auto* arr = v.if_array()) {
    bool sparse = std::any_of(arr->begin(), arr->end(), [](const json::value& x) { return x.is_null(); });
    out += '{';
    bool first = true;
    for (std::size_t i = 0; i < arr->size(); ++i) {
      if ((*arr)[i].is_null()) continue;
      if (!first) out += ',';
      first = false;
      if (sparse) out += "[" + std::to_string(i + 1) + "]=";
      LuaPretty((*arr)[i], out);
    }
    out += '}';
  } else {
    out += json::serialize(v);
  }
}

std::string Singular(const std::string& collection) {
  if (!collection.empty() && collection.back() == 's') return collection.substr(0, collection.size() - 1);
  return collection;
}

}  // namespace

std::string IssuesToKongBody(const std::vector<ConfigIssue>& issues) {
  json::value fields = json::object();
  json::array flattened;
  std::vector<std::pair<std::string, std::string>> order;  // (entity, name) of each flattened entry
  for (const auto& issue : issues) {
    if (issue.entity.empty()) {
      // Document-level: `_format_version`, unknown top-level keys, YAML syntax.
      if (issue.field.empty()) {
        AddMessage(fields.get_object()["error"], issue.message);
      } else {
        json::value* node = &fields;
        for (const auto& seg : SplitField(issue.field)) node = &Child(*node, seg);
        AddMessage(*node, issue.message);
      }
      continue;
    }
    json::value* node = &Child(Child(fields, {issue.entity, 0}), {issue.entity_name, 0});
    if (issue.field.empty()) {
      auto& at = Child(*node, {"@entity", 0});
      if (!at.is_array()) at = json::array();
      at.get_array().emplace_back(issue.message);
    } else {
      for (const auto& seg : SplitField(issue.field)) node = &Child(*node, seg);
      AddMessage(*node, issue.message);
    }

    std::size_t at = 0;
    while (at < order.size() && !(order[at].first == issue.entity && order[at].second == issue.entity_name)) ++at;
    if (at == order.size()) {
      order.emplace_back(issue.entity, issue.entity_name);
      json::object entry;
      entry["entity_type"] = Singular(issue.entity);
      entry["entity_name"] = issue.entity_name;
      entry["errors"] = json::array();
      flattened.emplace_back(std::move(entry));
    }
    json::object error;
    if (issue.field.empty()) {
      error["type"] = "entity";
    } else {
      error["field"] = issue.field;
      error["type"] = "field";
    }
    error["message"] = issue.message;
    flattened[at].get_object()["errors"].get_array().emplace_back(std::move(error));
  }
  std::string pretty;
  LuaPretty(fields, pretty);
  json::object body;
  body["code"] = 14;
  body["name"] = "invalid declarative configuration";
  body["message"] = "declarative config is invalid: " + pretty;
  body["fields"] = std::move(fields);
  body["flattened_errors"] = std::move(flattened);
  return json::serialize(body);
}

std::string IssuesToText(const std::vector<ConfigIssue>& issues) {
  std::string out;
  for (const auto& issue : issues) {
    out += "- ";
    if (!issue.entity.empty()) {
      out += Singular(issue.entity) + " '" + issue.entity_name + "'";
      out += issue.field.empty() ? ": " : ", field " + issue.field + ": ";
    } else if (!issue.field.empty()) {
      out += issue.field + ": ";
    }
    out += issue.message;
    out += '\n';
  }
  return out;
}

}  // namespace comptoir::gateway
