#include "assets.hpp"

#include <openssl/evp.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace comptoir::web {
namespace {

constexpr std::string_view kIndex = "/index.html";

std::string_view ContentTypeFor(std::string_view path) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 14> kTypes{{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".webp", "image/webp"},
      {".woff2", "font/woff2"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".webmanifest", "application/manifest+json"},
      {".txt", "text/plain; charset=utf-8"},
      {".xml", "application/xml"},
  }};
  for (const auto& [ext, type] : kTypes) {
    if (path.ends_with(ext)) return type;
  }
  return "application/octet-stream";
}

std::string Etag(std::string_view content) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(content.data(), content.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string tag = "\"";
  for (unsigned int i = 0; i < 16 && i < length; ++i) {  // 128 bits are plenty for a validator
    tag += kHex[digest[i] >> 4];
    tag += kHex[digest[i] & 0xF];
  }
  tag += '"';
  return tag;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IEqualsToken(std::string_view a, std::string_view b) {
  return http::IEquals(a, b);
}

/// q-value of one Accept-Encoding element ("gzip;q=0.5" -> 0.5); 1 without a q.
double QualityOf(std::string_view params) {
  for (auto at = params.find(';'); at != std::string_view::npos; at = params.find(';', at + 1)) {
    auto param = Trim(params.substr(at + 1, params.find(';', at + 1) - at - 1));
    if (param.size() >= 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
      try {
        return std::stod(std::string(param.substr(2)));
      } catch (const std::exception&) {
        return 0;
      }
    }
  }
  return 1;
}

/// The q-value the header gives `coding` ("*" counts for codings not named); 0 when refused or absent.
double Accepts(std::string_view header, std::string_view coding) {
  double named = -1;
  double star = -1;
  while (!header.empty()) {
    auto comma = header.find(',');
    auto element = Trim(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    auto name = Trim(element.substr(0, element.find(';')));
    const double q = QualityOf(element);
    if (IEqualsToken(name, coding)) named = q;
    if (name == "*") star = q;
  }
  if (named >= 0) return named;
  return star >= 0 ? star : 0;
}

/// If-None-Match lists the current ETag (weak comparison, as RFC 9110 asks for this header), or is "*".
bool Matches(std::string_view if_none_match, std::string_view etag) {
  while (!if_none_match.empty()) {
    auto comma = if_none_match.find(',');
    auto tag = Trim(if_none_match.substr(0, comma));
    if_none_match = comma == std::string_view::npos ? std::string_view{} : if_none_match.substr(comma + 1);
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == "*" || tag == etag) return true;
  }
  return false;
}

void AddCommonHeaders(http::Headers& h, const Asset& asset, CachePolicy policy) {
  switch (policy) {
    case CachePolicy::kImmutable:
      h.Set("Cache-Control", "public, max-age=31536000, immutable");
      break;
    case CachePolicy::kRevalidate:
      h.Set("Cache-Control", "no-cache");
      break;
    case CachePolicy::kShort:
      h.Set("Cache-Control", "public, max-age=3600");
      break;
  }
  if (!asset.gzip.empty() || !asset.brotli.empty()) h.Set("Vary", "Accept-Encoding");
  h.Set("Content-Security-Policy", kContentSecurityPolicy);
  h.Set("X-Content-Type-Options", "nosniff");
  h.Set("Referrer-Policy", "same-origin");
  h.Set("X-Frame-Options", "DENY");
  h.Set("Cross-Origin-Opener-Policy", "same-origin");
  h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
}

void AddFile(std::map<std::string, Asset, std::less<>>& files, std::map<std::string, std::string>& variants,
             const std::string& path, std::string content) {
  if (path.ends_with(".br") || path.ends_with(".gz")) {
    variants[path] = std::move(content);
    return;
  }
  Asset asset;
  asset.content_type = std::string(ContentTypeFor(path));
  asset.etag = Etag(content);
  asset.identity = std::move(content);
  files[path] = std::move(asset);
}

void AttachVariants(std::map<std::string, Asset, std::less<>>& files, std::map<std::string, std::string>& variants) {
  for (auto& [path, content] : variants) {
    auto base = files.find(std::string_view(path).substr(0, path.size() - 3));
    if (base == files.end()) continue;  // a lone .gz is not served
    (path.ends_with(".br") ? base->second.brotli : base->second.gzip) = std::move(content);
  }
}

}  // namespace

std::string_view ChooseEncoding(std::string_view accept_encoding, bool has_brotli, bool has_gzip) {
  const double br = has_brotli ? Accepts(accept_encoding, "br") : 0;
  const double gz = has_gzip ? Accepts(accept_encoding, "gzip") : 0;
  if (br > 0 && br >= gz) return "br";
  if (gz > 0) return "gzip";
  return "";
}

PathKind Classify(std::string_view path) {
  if (path.empty() || path.front() != '/' || path.find("..") != std::string_view::npos ||
      path.find("//") != std::string_view::npos || path.find('\\') != std::string_view::npos ||
      path.find('\0') != std::string_view::npos) {
    return PathKind::kNone;
  }
  if (path == "/api" || path.starts_with("/api/")) return PathKind::kNone;  // an API typo is a 404, not a page
  if (path.starts_with("/assets/")) return PathKind::kFile;
  auto last = path.substr(path.rfind('/') + 1);
  return last.find('.') == std::string_view::npos ? PathKind::kPage : PathKind::kFile;
}

CachePolicy PolicyFor(std::string_view path) {
  if (path.starts_with("/assets/")) return CachePolicy::kImmutable;
  if (path == kIndex) return CachePolicy::kRevalidate;
  return CachePolicy::kShort;
}

AssetStore AssetStore::FromFiles(const std::map<std::string, std::string>& files) {
  AssetStore store;
  std::map<std::string, std::string> variants;
  for (const auto& [path, content] : files) AddFile(store.files_, variants, path, content);
  AttachVariants(store.files_, variants);
  return store;
}

AssetStore AssetStore::Load(const std::string& root) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(root, ec)) throw std::runtime_error("'" + root + "' is not a directory");
  AssetStore store;
  std::map<std::string, std::string> variants;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
    const auto& entry = *it;
    // Hidden entries (the build's .vite/ manifest directory) are not part of the site.
    if (entry.path().filename().string().starts_with(".")) {
      if (entry.is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + entry.path().string());
    std::stringstream data;
    data << in.rdbuf();
    AddFile(store.files_, variants, "/" + fs::relative(entry.path(), root).generic_string(), data.str());
  }
  AttachVariants(store.files_, variants);
  if (store.Find(kIndex) == nullptr) throw std::runtime_error("no index.html in '" + root + "'");
  return store;
}

const Asset* AssetStore::Find(std::string_view path) const {
  auto it = files_.find(path);
  return it == files_.end() ? nullptr : &it->second;
}

std::optional<http::Response> AssetStore::Answer(std::string_view path, const http::Headers& request) const {
  const auto kind = Classify(path);
  if (kind == PathKind::kNone) return std::nullopt;
  const std::string_view file = kind == PathKind::kPage ? kIndex : path;
  const Asset* asset = Find(file);
  if (asset == nullptr) return std::nullopt;
  const auto policy = PolicyFor(file);

  // Each encoding is its own representation, with its own strong validator.
  const auto encoding =
      ChooseEncoding(request.Get("Accept-Encoding").value_or(""), !asset->brotli.empty(), !asset->gzip.empty());
  std::string etag = asset->etag;
  if (!encoding.empty()) etag.insert(etag.size() - 1, encoding == "br" ? "-br" : "-gz");

  http::Response r;
  AddCommonHeaders(r.headers, *asset, policy);
  r.headers.Set("ETag", etag);
  if (auto inm = request.Get("If-None-Match"); inm && Matches(*inm, etag)) {
    r.status = 304;
    return r;
  }
  r.status = 200;
  r.headers.Set("Content-Type", asset->content_type);
  if (encoding == "br") {
    r.headers.Set("Content-Encoding", "br");
    r.body = asset->brotli;
  } else if (encoding == "gzip") {
    r.headers.Set("Content-Encoding", "gzip");
    r.body = asset->gzip;
  } else {
    r.body = asset->identity;
  }
  return r;
}

}  // namespace comptoir::web
