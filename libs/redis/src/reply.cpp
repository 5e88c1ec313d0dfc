// The Reply value type and the redis:// URL parser (no I/O).
#include <charconv>
#include <stdexcept>

#include <boost/url/parse.hpp>

#include "comptoir/redis/redis.hpp"

namespace comptoir::redis {
namespace {

std::string_view TypeName(Reply::Type type) {
  switch (type) {
    case Reply::Type::kNil:
      return "nil";
    case Reply::Type::kInteger:
      return "integer";
    case Reply::Type::kString:
      return "string";
    case Reply::Type::kStatus:
      return "status";
    case Reply::Type::kError:
      return "error";
    case Reply::Type::kArray:
      return "array";
  }
  return "unknown";
}

[[noreturn]] void Unexpected(std::string_view wanted, const Reply& reply) {
  std::string detail = "expected a Redis " + std::string(wanted) + " reply, got " + std::string(TypeName(reply.type()));
  if (reply.IsError()) detail += ": " + reply.Error();
  throw ApiError::Internal("redis.unexpected_reply", std::move(detail));
}

}  // namespace

Reply Reply::FromInteger(std::int64_t value) {
  Reply r;
  r.type_ = Type::kInteger;
  r.integer_ = value;
  return r;
}

Reply Reply::FromString(std::string value) {
  Reply r;
  r.type_ = Type::kString;
  r.text_ = std::move(value);
  return r;
}

Reply Reply::FromStatus(std::string value) {
  Reply r;
  r.type_ = Type::kStatus;
  r.text_ = std::move(value);
  return r;
}

Reply Reply::FromError(std::string message) {
  Reply r;
  r.type_ = Type::kError;
  r.text_ = std::move(message);
  return r;
}

Reply Reply::FromArray(std::vector<Reply> elements) {
  Reply r;
  r.type_ = Type::kArray;
  r.elements_ = std::move(elements);
  return r;
}

std::int64_t Reply::Integer() const {
  if (!IsInteger()) Unexpected("integer", *this);
  return integer_;
}

const std::string& Reply::String() const {
  if (!IsString()) Unexpected("string", *this);
  return text_;
}

std::optional<std::string> Reply::OptString() const {
  if (IsNil()) return std::nullopt;
  return String();
}

const std::vector<Reply>& Reply::Array() const {
  if (!IsArray()) Unexpected("array", *this);
  return elements_;
}

const std::string& Reply::Error() const {
  if (!IsError()) Unexpected("error", *this);
  return text_;
}

const Reply& Reply::ThrowIfError() const& {
  if (IsError()) throw ApiError::Internal("redis.error", "Redis error: " + text_);
  return *this;
}

Reply Reply::ThrowIfError() && {
  if (IsError()) throw ApiError::Internal("redis.error", "Redis error: " + text_);
  return std::move(*this);
}

// ---------------------------------------------------------------------------------------------------------------

Options ParseUrl(std::string_view text) {
  const auto fail = [&](std::string_view why) {
    throw std::invalid_argument("invalid Redis URL \"" + std::string(text) + "\": " + std::string(why) +
                                " (expected redis://[[user]:password@]host[:port][/db])");
  };
  auto parsed = boost::urls::parse_uri(text);
  if (!parsed) fail("not a URL");
  const boost::urls::url_view url = *parsed;
  if (url.scheme() == "rediss") fail("TLS (rediss://) is not supported");
  if (url.scheme() != "redis") fail("the scheme must be redis://");
  if (url.has_query() || url.has_fragment()) fail("query strings and fragments are not supported");

  Options options;
  if (url.has_userinfo()) {
    options.username = url.user();
    if (url.has_password()) options.password = url.password();
    if (options.username == "default") options.username.clear();
    if (options.password.empty() && !options.username.empty())
      fail("a user name needs a password (for a password alone write redis://:password@host)");
  }

  options.host = url.host_address();
  if (options.host.empty()) fail("the host is missing");

  if (url.has_port()) {
    const std::string_view port = url.port();
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
      fail("the port must be a number from 1 to 65535");
    }
    options.port = static_cast<std::uint16_t>(value);
  }

  std::string_view path = url.encoded_path();
  // Boost.URL 1.81 reads "host:63x9" as port 63 and path "x9".
  if (!path.empty() && path.front() != '/') fail("the port must be a number from 1 to 65535");
  if (!path.empty() && path != "/") {
    path.remove_prefix(1);  // the leading '/'
    int db = -1;
    const auto [end, ec] = std::from_chars(path.data(), path.data() + path.size(), db);
    if (ec != std::errc() || end != path.data() + path.size() || db < 0) {
      fail("the path must be a database number, e.g. /0");
    }
    options.database = db;
  }
  return options;
}

}  // namespace comptoir::redis
