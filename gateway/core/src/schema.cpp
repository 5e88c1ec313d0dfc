#include "comptoir/gateway/schema.hpp"

#include <algorithm>
#include <cmath>

#include <boost/json.hpp>

namespace comptoir::gateway {
namespace json = boost::json;

SchemaReader::SchemaReader(const json::value* input, std::vector<ConfigIssue>& issues, std::string entity,
                           std::string entity_name, std::string prefix)
    : issues_(issues),
      issues_at_start_(issues.size()),
      entity_(std::move(entity)),
      entity_name_(std::move(entity_name)),
      prefix_(std::move(prefix)) {
  if (input != nullptr && !input->is_null()) {
    input_ = input->if_object();
    if (input_ == nullptr) {
      issues_.push_back({entity_, entity_name_, prefix_.empty() ? "(record)" : prefix_, "expected a record"});
    }
  }
}

SchemaReader::SchemaReader(SchemaReader&& other) noexcept
    : input_(other.input_),
      issues_(other.issues_),
      issues_at_start_(other.issues_at_start_),
      entity_(std::move(other.entity_)),
      entity_name_(std::move(other.entity_name_)),
      prefix_(std::move(other.prefix_)),
      read_(std::move(other.read_)),
      output_(std::move(other.output_)),
      parent_output_(other.parent_output_),
      parent_key_(std::move(other.parent_key_)) {
  other.parent_output_ = nullptr;
}

SchemaReader::~SchemaReader() {
  if (parent_output_ != nullptr) (*parent_output_)[parent_key_] = std::move(output_);
}

std::string SchemaReader::Path(std::string_view key) const {
  return prefix_.empty() ? std::string(key) : prefix_ + "." + std::string(key);
}

void SchemaReader::Fail(std::string_view key, std::string message) {
  issues_.push_back({entity_, entity_name_, Path(key), std::move(message)});
}

const json::value* SchemaReader::Get(std::string_view key) {
  read_.emplace_back(key);
  if (input_ == nullptr) return nullptr;
  const auto* v = input_->if_contains(key);
  if (v == nullptr || v->is_null()) return nullptr;
  return v;
}

const json::value* SchemaReader::Raw(std::string_view key) const {
  if (input_ == nullptr) return nullptr;
  const auto* v = input_->if_contains(key);
  return v == nullptr || v->is_null() ? nullptr : v;
}

void SchemaReader::Keep(std::string_view key) {
  const auto* v = Get(key);
  output_[key] = v != nullptr ? *v : json::value(nullptr);
}

std::string SchemaReader::String(std::string_view key, std::string_view fallback,
                                 std::initializer_list<std::string_view> one_of) {
  const auto* v = Get(key);
  std::string result(fallback);
  if (v != nullptr) {
    if (!v->is_string()) {
      Fail(key, "expected a string");
    } else {
      result = std::string(v->get_string());
      if (one_of.size() > 0 && std::find(one_of.begin(), one_of.end(), result) == one_of.end()) {
        std::string allowed;
        for (auto o : one_of) allowed += (allowed.empty() ? "" : ", ") + std::string(o);
        Fail(key, "expected one of: " + allowed);
      }
    }
  }
  output_[key] = result;
  return result;
}

std::optional<std::string> SchemaReader::OptString(std::string_view key) {
  const auto* v = Get(key);
  if (v == nullptr) {
    output_[key] = nullptr;
    return std::nullopt;
  }
  if (!v->is_string()) {
    Fail(key, "expected a string");
    output_[key] = nullptr;
    return std::nullopt;
  }
  output_[key] = *v;
  return std::string(v->get_string());
}

namespace {
bool ToInt(const json::value& v, std::int64_t& out) {
  if (v.is_int64()) {
    out = v.get_int64();
    return true;
  }
  if (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    out = static_cast<std::int64_t>(v.get_uint64());
    return true;
  }
  if (v.is_double() && std::floor(v.get_double()) == v.get_double() && std::fabs(v.get_double()) < 9e15) {
    out = static_cast<std::int64_t>(v.get_double());
    return true;
  }
  return false;
}
bool ToNumber(const json::value& v, double& out) {
  if (v.is_double()) out = v.get_double();
  else if (v.is_int64()) out = static_cast<double>(v.get_int64());
  else if (v.is_uint64()) out = static_cast<double>(v.get_uint64());
  else return false;
  return true;
}
}  // namespace

std::optional<std::int64_t> SchemaReader::OptInt(std::string_view key, std::int64_t min, std::int64_t max) {
  const auto* v = Get(key);
  if (v == nullptr) {
    output_[key] = nullptr;
    return std::nullopt;
  }
  std::int64_t n = 0;
  if (!ToInt(*v, n)) {
    Fail(key, "expected an integer");
    output_[key] = nullptr;
    return std::nullopt;
  }
  if (n < min || n > max) {
    Fail(key, "value should be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  output_[key] = n;
  return n;
}

std::int64_t SchemaReader::Int(std::string_view key, std::int64_t fallback, std::int64_t min, std::int64_t max) {
  auto v = OptInt(key, min, max);
  if (!v) {
    output_[key] = fallback;
    return fallback;
  }
  return *v;
}

std::optional<double> SchemaReader::OptNumber(std::string_view key, double min, double max) {
  const auto* v = Get(key);
  if (v == nullptr) {
    output_[key] = nullptr;
    return std::nullopt;
  }
  double n = 0;
  if (!ToNumber(*v, n)) {
    Fail(key, "expected a number");
    output_[key] = nullptr;
    return std::nullopt;
  }
  if (n < min || n > max) {
    Fail(key, "value should be between " + json::serialize(json::value(min)) + " and " +
                  json::serialize(json::value(max)));
  }
  output_[key] = n;
  return n;
}

double SchemaReader::Number(std::string_view key, double fallback, double min, double max) {
  auto v = OptNumber(key, min, max);
  if (!v) {
    output_[key] = fallback;
    return fallback;
  }
  return *v;
}

bool SchemaReader::Bool(std::string_view key, bool fallback) {
  const auto* v = Get(key);
  bool result = fallback;
  if (v != nullptr) {
    if (!v->is_bool()) {
      Fail(key, "expected a boolean");
    } else {
      result = v->get_bool();
    }
  }
  output_[key] = result;
  return result;
}

std::vector<std::string> SchemaReader::StringArray(std::string_view key, std::vector<std::string> fallback,
                                                   std::initializer_list<std::string_view> one_of) {
  const auto* v = Get(key);
  std::vector<std::string> result = std::move(fallback);
  if (v != nullptr) {
    if (const auto* arr = v->if_array()) {
      result.clear();
      for (std::size_t i = 0; i < arr->size(); ++i) {
        const auto& item = (*arr)[i];
        std::string item_key = std::string(key) + "[" + std::to_string(i + 1) + "]";
        if (!item.is_string()) {
          Fail(item_key, "expected a string");
          continue;
        }
        std::string s(item.get_string());
        if (one_of.size() > 0 && std::find(one_of.begin(), one_of.end(), s) == one_of.end()) {
          std::string allowed;
          for (auto o : one_of) allowed += (allowed.empty() ? "" : ", ") + std::string(o);
          Fail(item_key, "expected one of: " + allowed);
        }
        result.push_back(std::move(s));
      }
    } else {
      Fail(key, "expected an array");
    }
  }
  json::array out;
  for (const auto& s : result) out.emplace_back(s);
  output_[key] = std::move(out);
  return result;
}

std::vector<std::int64_t> SchemaReader::IntArray(std::string_view key, std::vector<std::int64_t> fallback,
                                                 std::int64_t min, std::int64_t max) {
  const auto* v = Get(key);
  std::vector<std::int64_t> result = std::move(fallback);
  if (v != nullptr) {
    if (const auto* arr = v->if_array()) {
      result.clear();
      for (std::size_t i = 0; i < arr->size(); ++i) {
        std::int64_t n = 0;
        std::string item_key = std::string(key) + "[" + std::to_string(i + 1) + "]";
        if (!ToInt((*arr)[i], n)) {
          Fail(item_key, "expected an integer");
          continue;
        }
        if (n < min || n > max) {
          Fail(item_key, "value should be between " + std::to_string(min) + " and " + std::to_string(max));
        }
        result.push_back(n);
      }
    } else {
      Fail(key, "expected an array");
    }
  }
  json::array out;
  for (auto n : result) out.emplace_back(n);
  output_[key] = std::move(out);
  return result;
}

SchemaReader SchemaReader::Record(std::string_view key) {
  const auto* v = Get(key);
  SchemaReader child(v, issues_, entity_, entity_name_, Path(key));
  child.parent_output_ = &output_;
  child.parent_key_ = std::string(key);
  return child;
}

void SchemaReader::RejectUnknown() {
  if (input_ == nullptr) return;
  for (const auto& [k, v] : *input_) {
    if (std::find(read_.begin(), read_.end(), std::string_view(k)) == read_.end()) {
      Fail(k, "unknown field");
    }
  }
}

}  // namespace comptoir::gateway
