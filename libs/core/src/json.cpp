#include "comptoir/json.hpp"

#include <boost/json.hpp>

namespace comptoir::json {

boost::json::value ParseBody(std::string_view body) {
  if (body.empty()) {
    throw ApiError::Validation("request.invalid_json", "the request body must be a JSON document");
  }
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(body, ec);
  if (ec) {
    throw ApiError::Validation("request.invalid_json", "the request body is not valid JSON: " + ec.message());
  }
  return value;
}

ObjectReader::ObjectReader(const boost::json::value& value, std::string prefix) : prefix_(std::move(prefix)) {
  object_ = value.if_object();
  if (object_ == nullptr) {
    std::string field = prefix_.empty() ? "body" : prefix_.substr(0, prefix_.size() - 1);
    errors_.push_back({field, "must be a JSON object"});
  }
}

bool ObjectReader::Has(std::string_view key) const { return object_ != nullptr && object_->contains(key); }

bool ObjectReader::IsNull(std::string_view key) const {
  if (object_ == nullptr) return false;
  const auto* v = object_->if_contains(key);
  return v != nullptr && v->is_null();
}

void ObjectReader::Fail(std::string_view key, std::string message) {
  errors_.push_back({prefix_ + std::string(key), std::move(message)});
}

std::optional<std::string> ObjectReader::String(std::string_view key, bool required, std::size_t min_len,
                                                std::size_t max_len) {
  if (object_ == nullptr) return std::nullopt;
  const auto* v = object_->if_contains(key);
  if (v == nullptr || v->is_null()) {
    if (required) Fail(key, "is required");
    return std::nullopt;
  }
  const auto* s = v->if_string();
  if (s == nullptr) {
    Fail(key, "must be a string");
    return std::nullopt;
  }
  std::string_view text(*s);
  if (!IsCleanUtf8(text)) {
    Fail(key, "must be valid UTF-8 text without control characters");
    return std::nullopt;
  }
  std::size_t length = Utf8Length(text);
  if (length < min_len) {
    Fail(key, min_len == 1 ? "must not be empty" : "must have at least " + std::to_string(min_len) + " characters");
    return std::nullopt;
  }
  if (length > max_len) {
    Fail(key, "must have at most " + std::to_string(max_len) + " characters");
    return std::nullopt;
  }
  return std::string(text);
}

std::optional<std::int64_t> ObjectReader::Int(std::string_view key, bool required, std::int64_t min,
                                              std::int64_t max) {
  if (object_ == nullptr) return std::nullopt;
  const auto* v = object_->if_contains(key);
  if (v == nullptr || v->is_null()) {
    if (required) Fail(key, "is required");
    return std::nullopt;
  }
  std::int64_t n = 0;
  if (v->is_int64()) {
    n = v->get_int64();
  } else if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    n = static_cast<std::int64_t>(v->get_uint64());
  } else {
    Fail(key, "must be an integer");
    return std::nullopt;
  }
  if (n < min) {
    Fail(key, "must be at least " + std::to_string(min));
    return std::nullopt;
  }
  if (n > max) {
    Fail(key, "must be at most " + std::to_string(max));
    return std::nullopt;
  }
  return n;
}

std::optional<bool> ObjectReader::Bool(std::string_view key, bool required) {
  if (object_ == nullptr) return std::nullopt;
  const auto* v = object_->if_contains(key);
  if (v == nullptr || v->is_null()) {
    if (required) Fail(key, "is required");
    return std::nullopt;
  }
  if (!v->is_bool()) {
    Fail(key, "must be true or false");
    return std::nullopt;
  }
  return v->get_bool();
}

void ObjectReader::RejectUnknown(std::initializer_list<std::string_view> known) {
  if (object_ == nullptr) return;
  for (const auto& [k, v] : *object_) {
    bool found = false;
    for (auto name : known) found = found || (name == k);
    if (!found) Fail(k, "is not a known field");
  }
}

void ObjectReader::ThrowIfErrors(std::string code) const {
  if (errors_.empty()) return;
  std::string detail = "invalid field";
  detail += errors_.size() > 1 ? "s: " : ": ";
  for (std::size_t i = 0; i < errors_.size(); ++i) {
    if (i > 0) detail += ", ";
    detail += errors_[i].field + " " + errors_[i].message;
  }
  throw ApiError::Validation(std::move(code), std::move(detail), errors_);
}

std::size_t Utf8Length(std::string_view text) {
  std::size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

bool IsCleanUtf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    std::size_t extra = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) return false;
      ++i;
      continue;
    }
    if ((c & 0xE0) == 0xC0) { extra = 1; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { extra = 2; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { extra = 3; cp = c & 0x07; }
    else return false;
    if (i + extra >= text.size()) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not valid UTF-8.
    if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

}  // namespace comptoir::json
