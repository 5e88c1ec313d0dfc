// YAML/JSON text to a JSON document, with `${NAME}` substitution.
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>

#include <yaml-cpp/yaml.h>
#include <boost/json.hpp>

#include "detail.hpp"

namespace comptoir::gateway::config_detail {
namespace json = boost::json;
namespace {

bool IsNameStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_';
}
bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

// `${NAME}` and `${NAME:-default}`; `$${` stays a literal `${`. Anything else is left untouched,
// so Kong vault references (`{vault://env/...}`) and stray `$` signs pass through.
std::string Substitute(const std::string& in, const std::string& path, const EnvLookup& env,
                       std::vector<UnknownVariable>& unknown) {
  if (in.find('$') == std::string::npos) return in;
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size();) {
    if (in.compare(i, 3, "$${") == 0) {
      out += "${";
      i += 3;
      continue;
    }
    if (in.compare(i, 2, "${") != 0 || i + 2 >= in.size() || !IsNameStart(in[i + 2])) {
      out += in[i++];
      continue;
    }
    std::size_t j = i + 2;
    while (j < in.size() && IsNameChar(in[j])) ++j;
    std::string name = in.substr(i + 2, j - i - 2);
    std::optional<std::string> fallback;
    if (in.compare(j, 2, ":-") == 0) {
      std::size_t close = in.find('}', j + 2);
      if (close == std::string::npos) {
        out += in[i++];
        continue;
      }
      fallback = in.substr(j + 2, close - j - 2);
      j = close;
    }
    if (j >= in.size() || in[j] != '}') {
      out += in[i++];
      continue;
    }
    std::optional<std::string> value = env ? env(name) : std::nullopt;
    if (value) {
      out += *value;
    } else if (fallback) {
      out += *fallback;
    } else {
      unknown.push_back({path, name});
    }
    i = j + 1;
  }
  return out;
}

bool OneOf(const std::string& s, std::initializer_list<const char*> options) {
  for (const char* o : options) {
    if (s == o) return true;
  }
  return false;
}

// YAML 1.1 implicit typing of a plain scalar, as libyaml/lyaml resolve it for Kong.
json::value TypePlain(const std::string& s) {
  if (s.empty() || OneOf(s, {"~", "null", "Null", "NULL"})) return nullptr;
  if (OneOf(s, {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"})) return true;
  if (OneOf(s, {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"})) return false;
  std::string_view v(s);
  bool negative = false;
  std::string_view digits = v;
  if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  int base = 10;
  if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
    base = 16;
    digits.remove_prefix(2);
  } else if (digits.size() > 2 && digits[0] == '0' && digits[1] == 'o') {
    base = 8;
    digits.remove_prefix(2);
  }
  if (!digits.empty()) {
    std::int64_t n = 0;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n, base);
    if (ec == std::errc() && ptr == digits.data() + digits.size()) return negative ? -n : n;
    if (ec == std::errc::result_out_of_range && base == 10) {
      // Too large for int64: keep it as a number so range checks report it.
      bool all_digits = true;
      for (char c : digits) all_digits = all_digits && std::isdigit(static_cast<unsigned char>(c)) != 0;
      if (all_digits) return std::strtod(s.c_str(), nullptr);
    }
  }
  if (OneOf(s, {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"})) return std::numeric_limits<double>::infinity();
  if (OneOf(s, {"-.inf", "-.Inf", "-.INF"})) return -std::numeric_limits<double>::infinity();
  if (OneOf(s, {".nan", ".NaN", ".NAN"})) return std::numeric_limits<double>::quiet_NaN();
  // Floats: [-+]? digits [. digits] [e[-+]digits], with at least one digit and a '.' or exponent.
  {
    std::size_t i = 0;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    std::size_t int_digits = 0, frac_digits = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) != 0) ++i, ++int_digits;
    bool dot = false, exp = false;
    if (i < s.size() && s[i] == '.') {
      dot = true;
      ++i;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) != 0) ++i, ++frac_digits;
    }
    if (int_digits + frac_digits > 0 && i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
      std::size_t j = i + 1;
      if (j < s.size() && (s[j] == '-' || s[j] == '+')) ++j;
      std::size_t exp_digits = 0;
      while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j])) != 0) ++j, ++exp_digits;
      if (exp_digits > 0) {
        exp = true;
        i = j;
      }
    }
    if (i == s.size() && int_digits + frac_digits > 0 && (dot || exp)) return std::strtod(s.c_str(), nullptr);
  }
  return json::string(s);
}

struct Converter {
  const EnvLookup& env;
  std::vector<UnknownVariable>& unknown;
  int depth = 0;

  json::value Convert(const YAML::Node& node, const std::string& path) {
    if (++depth > 200) throw YAML::Exception(YAML::Mark::null_mark(), "document nested too deeply");
    json::value result;
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        result = nullptr;
        break;
      case YAML::NodeType::Scalar: {
        std::string text = Substitute(node.Scalar(), path, env, unknown);
        const std::string& tag = node.Tag();
        if (tag == "?") {
          result = TypePlain(text);
        } else if (tag == "tag:yaml.org,2002:int" || tag == "tag:yaml.org,2002:float" ||
                   tag == "tag:yaml.org,2002:bool" || tag == "tag:yaml.org,2002:null") {
          result = TypePlain(text);
        } else {
          result = json::string(text);  // quoted, or explicitly !!str
        }
        break;
      }
      case YAML::NodeType::Sequence: {
        json::array arr;
        std::size_t i = 0;
        for (const auto& item : node) {
          arr.push_back(Convert(item, path + "[" + std::to_string(++i) + "]"));
        }
        result = std::move(arr);
        break;
      }
      case YAML::NodeType::Map: {
        json::object obj;
        for (const auto& kv : node) {
          std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string("?");
          obj[key] = Convert(kv.second, path.empty() ? key : path + "." + key);
        }
        result = std::move(obj);
        break;
      }
    }
    --depth;
    return result;
  }
};

}  // namespace

ParsedDocument ParseDocument(std::string_view text, const EnvLookup& env) {
  ParsedDocument parsed;
  try {
    YAML::Node root = YAML::Load(std::string(text));
    Converter converter{env, parsed.unknown};
    parsed.doc = converter.Convert(root, "");
  } catch (const YAML::Exception& e) {
    parsed.doc = nullptr;
    parsed.unknown.clear();
    parsed.error = e.mark.is_null() ? e.msg
                                    : "line " + std::to_string(e.mark.line + 1) + ", column " +
                                          std::to_string(e.mark.column + 1) + ": " + e.msg;
  }
  return parsed;
}

}  // namespace comptoir::gateway::config_detail
