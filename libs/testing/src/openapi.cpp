#include "comptoir/testing/openapi.hpp"

#include <cctype>
#include <set>

#include <boost/json.hpp>

namespace comptoir::testing {
namespace json = boost::json;

namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void CollectRefs(const json::value& v, std::vector<std::string>& refs) {
  if (v.is_object()) {
    for (const auto& [key, child] : v.as_object()) {
      if (key == "$ref" && child.is_string()) refs.emplace_back(child.as_string());
      CollectRefs(child, refs);
    }
  } else if (v.is_array()) {
    for (const auto& child : v.as_array()) CollectRefs(child, refs);
  }
}

}  // namespace

std::vector<std::string> OpenApiProblems(std::string_view openapi, const std::vector<ServedRoute>& routes) {
  std::vector<std::string> problems;
  boost::system::error_code ec;
  json::value doc = json::parse(openapi, ec);
  if (ec || !doc.is_object()) return {"openapi.json is not a JSON object"};
  const auto* version = doc.as_object().if_contains("openapi");
  if (version == nullptr || !version->is_string() || !version->as_string().subview().starts_with("3.1")) {
    problems.emplace_back("\"openapi\" is not 3.1");
  }
  const auto* paths_value = doc.as_object().if_contains("paths");
  if (paths_value == nullptr || !paths_value->is_object()) return {"openapi.json has no \"paths\" object"};
  const auto& paths = paths_value->as_object();

  std::vector<ServedRoute> served = routes;
  for (const char* standard : {"/health", "/ready", "/metrics", "/openapi.json", "/docs"}) {
    served.push_back({http::Method::kGet, standard});
  }
  std::set<std::string> served_paths{"/docs/{file}"};
  std::set<std::string> served_operations;
  for (const auto& route : served) {
    served_paths.insert(route.pattern);
    const std::string method = Lower(http::MethodName(route.method));
    served_operations.insert(method + " " + route.pattern);
    const auto* item = paths.if_contains(route.pattern);
    if (item == nullptr || !item->is_object() || !item->as_object().contains(method)) {
      problems.push_back(std::string(http::MethodName(route.method)) + " " + route.pattern + " is not documented");
    }
  }
  static const std::set<std::string> kMethods{"get", "put", "post", "delete", "options", "head", "patch", "trace"};
  for (const auto& [path, item] : paths) {
    if (!served_paths.contains(std::string(path))) {
      problems.push_back(std::string(path) + " is documented but not served");
      continue;
    }
    if (!item.is_object()) continue;
    for (const auto& [method, operation] : item.as_object()) {
      if (kMethods.contains(std::string(method)) && path != "/docs/{file}" &&
          !served_operations.contains(std::string(method) + " " + std::string(path))) {
        problems.push_back(std::string(method) + " " + std::string(path) + " is documented but not served");
      }
    }
  }
  std::vector<std::string> refs;
  CollectRefs(doc, refs);
  for (const auto& ref : refs) {
    if (!ref.starts_with("#/")) continue;  // only local references are checked
    doc.find_pointer(ref.substr(1), ec);
    if (ec) problems.push_back("$ref " + ref + " does not resolve");
  }
  return problems;
}

}  // namespace comptoir::testing
