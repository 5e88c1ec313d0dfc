#pragma once
// The built front end as the web service serves it: files read once at start, their precompressed
// variants, and the rules that pick the answer for a path (no I/O past loading).
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "comptoir/http/message.hpp"

namespace comptoir::web {

/// One file of the build, with the variants the build wrote beside it (`<file>.br`, `<file>.gz`).
struct Asset {
  std::string content_type;
  std::string etag;  ///< strong validator, quoted: a hash of the identity content
  std::string identity;
  std::string gzip;    ///< empty: no gzip variant
  std::string brotli;  ///< empty: no brotli variant
};

/// How long a browser may keep an answer.
enum class CachePolicy {
  kImmutable,   ///< /assets/*: the name carries a hash of the content
  kRevalidate,  ///< index.html: always asked again (ETag, so usually 304)
  kShort,       ///< other root files (favicon): an hour
};

/// The Content-Security-Policy of every answer: nothing inline, nothing from elsewhere.
inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The files of a build, by URL path ("/index.html", "/assets/index-3f2a1b.js").
class AssetStore {
 public:
  /// Reads every file under `root` (recursively; `.br` and `.gz` files become variants of the file they
  /// sit beside). Throws std::runtime_error when `root` cannot be read or has no index.html.
  static AssetStore Load(const std::string& root);
  /// For tests: explicit files (path -> content); `.br`/`.gz` entries become variants as above.
  static AssetStore FromFiles(const std::map<std::string, std::string>& files);

  /// The answer to GET `path` with these request headers: the file, its variant, cache and security
  /// headers; 304 when If-None-Match names the current ETag. Paths that are neither a file nor a page
  /// of the single-page application (under /api/, with a file extension, or past ..) are nullopt (404).
  [[nodiscard]] std::optional<http::Response> Answer(std::string_view path, const http::Headers& request) const;

  [[nodiscard]] std::size_t size() const { return files_.size(); }
  [[nodiscard]] const Asset* Find(std::string_view path) const;

 private:
  std::map<std::string, Asset, std::less<>> files_;
};

/// The encoding to send: "br" or "gzip" when the request's Accept-Encoding allows it (q > 0) and the
/// variant exists, else "" (identity).
std::string_view ChooseEncoding(std::string_view accept_encoding, bool has_brotli, bool has_gzip);

/// Which answer a path gets: a file of the build, the application's page (index.html), or nothing.
enum class PathKind { kFile, kPage, kNone };
PathKind Classify(std::string_view path);

CachePolicy PolicyFor(std::string_view path);

}  // namespace comptoir::web
