#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace comptoir::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };

std::string_view MethodName(Method method) noexcept;
Method ParseMethod(std::string_view name) noexcept;

/// Case-insensitive header list that keeps order and duplicates (Beast stays inside libs/http).
class Headers {
 public:
  using Entry = std::pair<std::string, std::string>;

  /// Replaces every header of that name.
  void Set(std::string_view name, std::string_view value);
  void Add(std::string_view name, std::string_view value);
  void Remove(std::string_view name);
  [[nodiscard]] std::optional<std::string_view> Get(std::string_view name) const;
  [[nodiscard]] bool Has(std::string_view name) const { return Get(name).has_value(); }

  [[nodiscard]] auto begin() const { return entries_.begin(); }
  [[nodiscard]] auto end() const { return entries_.begin() + static_cast<std::ptrdiff_t>(size_); }
  [[nodiscard]] std::size_t size() const { return size_; }
  void Reserve(std::size_t n) { entries_.reserve(n); }
  /// Empties the list, keeping the entries' memory: a list reused from request to request (the
  /// gateway's) allocates again only for a longer name or value.
  void Clear() { size_ = 0; }

 private:
  std::vector<Entry> entries_;  ///< the headers are [0, size_); the entries after are spare
  std::size_t size_ = 0;
};

/// ASCII case-insensitive equality of header names (tokens). Inline: the proxy compares every
/// header name with several others, and most comparisons end at the length.
inline bool IEquals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto x = static_cast<unsigned char>(a[i]);
    const auto y = static_cast<unsigned char>(b[i]);
    // Without the C locale: equal, or the same letter in another case.
    if (x != y && ((x | 0x20U) != (y | 0x20U) || (x | 0x20U) < 'a' || (x | 0x20U) > 'z')) return false;
  }
  return true;
}

/// An HTTP request as handlers see it.
struct Request {
  Method method = Method::kGet;
  std::string method_name;  ///< as sent, e.g. "GET"
  std::string target;       ///< raw request target, e.g. "/api/v1/products?q=cafe"
  std::string path;         ///< path without the query, as sent (path params are decoded by the router)
  std::string query;        ///< raw query string without '?'
  Headers headers;
  std::string body;
  std::string remote_address;
  bool keep_alive = true;

  // Filled by the server before the handler runs.
  std::string request_id;   ///< X-Request-ID received, or generated
  std::string traceparent;  ///< W3C traceparent to pass on to the services this request calls
  std::vector<std::pair<std::string, std::string>> path_params;
  /// Who the request acts for, "<role>:<subject>" ("cashier:12"): set by auth::Verifier once it has verified the
  /// caller's token; service::Peer passes it on (X-Comptoir-On-Behalf-Of) when the service calls another as
  /// itself, for the receiver's audit. Never used to authorise anything.
  std::string on_behalf_of;

  /// A `{name}` segment of the matched route pattern ("" if absent).
  [[nodiscard]] std::string_view PathParam(std::string_view name) const;
  /// First value of a query parameter, percent-decoded ('+' is a space).
  [[nodiscard]] std::optional<std::string> Query(std::string_view name) const;
  /// Every query parameter, decoded, in order.
  [[nodiscard]] std::vector<std::pair<std::string, std::string>> QueryParams() const;
};

/// An HTTP response a handler returns.
struct Response {
  int status = 200;
  Headers headers;
  std::string body;

  static Response Json(int status, std::string body);
  static Response Text(int status, std::string body, std::string_view content_type = "text/plain; charset=utf-8");
  static Response Empty(int status);
};

/// Percent-decodes `text` (and '+' to space when `plus_is_space`); nullopt when malformed.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space);
/// Percent-encodes everything but unreserved characters.
std::string PercentEncode(std::string_view text);

}  // namespace comptoir::http
