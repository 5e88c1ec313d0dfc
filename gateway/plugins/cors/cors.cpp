// Kong's cors plugin (kong/plugins/cors/handler.lua): answers preflights itself and adds the
// Access-Control-* headers to actual responses.
#include <algorithm>
#include <cmath>
#include <regex>

#include <boost/json.hpp>

#include "comptoir/gateway/plugins/factories.hpp"

namespace comptoir::gateway::plugins {
namespace {

constexpr std::string_view kAllMethods = "GET,HEAD,PUT,PATCH,POST,DELETE,OPTIONS,TRACE,CONNECT";

bool PlainOriginChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == ':' ||
         c == '/' || c == '-';
}

/// Kong treats an entry with any character outside [A-Za-z0-9.:/-] as a regex.
bool LooksLikeRegex(std::string_view s) {
  return !std::all_of(s.begin(), s.end(), PlainOriginChar);
}

struct NormalizedOrigin {
  std::string domain;  ///< scheme://host[:port], default ports dropped
  std::string host;
};

/// normalize_origin (socket.url.parse): without an authority the input is both domain and host.
NormalizedOrigin Normalize(std::string_view origin) {
  std::string_view rest = origin;
  std::string_view scheme;
  if (!rest.empty() && std::isalpha(static_cast<unsigned char>(rest[0]))) {
    std::size_t i = 1;
    while (i < rest.size() &&
           (std::isalnum(static_cast<unsigned char>(rest[i])) || rest[i] == '+' || rest[i] == '-' || rest[i] == '.')) {
      ++i;
    }
    if (i < rest.size() && rest[i] == ':') {
      scheme = rest.substr(0, i);
      rest.remove_prefix(i + 1);
    }
  }
  if (rest.substr(0, 2) != "//") return {std::string(origin), std::string(origin)};
  rest.remove_prefix(2);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close != std::string_view::npos) {
      host = authority.substr(0, close + 1);
      if (close + 1 < authority.size() && authority[close + 1] == ':') port = authority.substr(close + 2);
    }
  } else if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return {std::string(origin), std::string(origin)};
  if ((scheme == "http" && port == "80") || (scheme == "https" && port == "443")) port = {};
  std::string domain;
  if (!scheme.empty()) domain.append(scheme).append("://");
  domain.append(host);
  if (!port.empty()) domain.append(":").append(port);
  return {std::move(domain), std::string(host)};
}

struct OriginRule {
  std::string entry;
  bool by_host = false;             ///< no ':' in the entry: a regex is matched against the host only
  std::optional<std::regex> regex;  ///< anchored at both ends, as Kong does
  std::string domain;               ///< normalised entry, for plain entries
};

std::string FormatNumber(double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
  return boost::json::serialize(boost::json::value(v));
}

class Cors final : public Plugin {
 public:
  struct Options {
    std::optional<std::vector<std::string>> origins;
    std::optional<std::vector<std::string>> headers;
    std::optional<std::vector<std::string>> exposed_headers;
    std::vector<std::string> methods;
    std::optional<double> max_age;
    bool credentials = false;
    bool private_network = false;
    bool preflight_continue = false;
    bool allow_origin_absent = true;
  };

  Cors(Options o, std::vector<OriginRule> rules) : o_(std::move(o)), rules_(std::move(rules)) {
    n_origins_ = o_.origins ? o_.origins->size() : 0;
    allow_all_ = n_origins_ == 0 || (n_origins_ == 1 && (*o_.origins)[0] == "*");
    any_star_ = o_.origins && std::find(o_.origins->begin(), o_.origins->end(), "*") != o_.origins->end();
    single_plain_ = n_origins_ == 1 && !allow_all_ && !LooksLikeRegex((*o_.origins)[0]);
    methods_ = o_.methods.empty() ? std::string(kAllMethods) : Join(o_.methods);
    if (o_.headers && !o_.headers->empty()) allow_headers_ = Join(*o_.headers);
    if (o_.exposed_headers && !o_.exposed_headers->empty()) expose_headers_ = Join(*o_.exposed_headers);
    if (o_.max_age) max_age_ = FormatNumber(*o_.max_age);
  }

  [[nodiscard]] int Priority() const override { return 2000; }
  [[nodiscard]] std::string_view Name() const override { return "cors"; }

  void Access(RequestContext& ctx) const override {
    if (!IsPreflight(ctx.request)) return;
    if (o_.preflight_continue) return;  // the upstream answers it; HeaderFilter adds nothing either
    const auto& req = ctx.request.headers;
    std::string origin(*req.Get("Origin"));
    http::Response exit = http::Response::Empty(200);
    bool allow_all = ConfigureOrigin(exit.headers, false, &origin);
    ConfigureCredentials(exit.headers, allow_all, false, &origin);
    if (!allow_headers_.empty()) {
      exit.headers.Set("Access-Control-Allow-Headers", allow_headers_);
    } else if (auto acrh = req.Get("Access-Control-Request-Headers")) {
      exit.headers.Set("Access-Control-Allow-Headers", *acrh);
    }
    exit.headers.Set("Access-Control-Allow-Methods", methods_);
    if (!max_age_.empty()) exit.headers.Set("Access-Control-Max-Age", max_age_);
    if (o_.private_network && req.Get("Access-Control-Request-Private-Network") == std::string_view("true")) {
      exit.headers.Set("Access-Control-Allow-Private-Network", "true");
    }
    ctx.exit = std::move(exit);
  }

  [[nodiscard]] bool HasHeaderFilter() const override { return true; }
  void HeaderFilter(RequestContext& ctx, http::Response& response) const override {
    // Kong's skip_response_headers: a preflight was answered in Access or handed to the upstream.
    if (IsPreflight(ctx.request)) return;
    auto origin_header = ctx.request.headers.Get("Origin");
    if (!origin_header && !o_.allow_origin_absent) return;
    std::optional<std::string> origin;
    if (origin_header) origin = std::string(*origin_header);
    bool allow_all = ConfigureOrigin(response.headers, true, origin ? &*origin : nullptr);
    ConfigureCredentials(response.headers, allow_all, true, origin ? &*origin : nullptr);
    if (!expose_headers_.empty()) response.headers.Set("Access-Control-Expose-Headers", expose_headers_);
  }

 private:
  static std::string Join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) {
      if (!out.empty()) out += ',';
      out += s;
    }
    return out;
  }

  static bool IsPreflight(const http::Request& req) {
    return req.method == http::Method::kOptions && req.headers.Has("Origin") &&
           req.headers.Has("Access-Control-Request-Method");
  }

  static void Vary(http::Headers& h, bool header_filter) {
    if (header_filter)
      h.Add("Vary", "Origin");
    else
      h.Set("Vary", "Origin");
  }

  /// configure_origin: true when every origin is allowed ("*").
  bool ConfigureOrigin(http::Headers& h, bool header_filter, const std::string* req_origin) const {
    if (allow_all_) {
      h.Set("Access-Control-Allow-Origin", "*");
      return true;
    }
    // Always vary on Origin: the answer depends on it (caches must key on it).
    Vary(h, header_filter);
    if (single_plain_) {
      h.Set("Access-Control-Allow-Origin", (*o_.origins)[0]);
      return false;
    }
    if (req_origin != nullptr) {
      if (any_star_) {
        h.Set("Access-Control-Allow-Origin", "*");
        return true;
      }
      NormalizedOrigin n = Normalize(*req_origin);
      for (const auto& rule : rules_) {
        bool found = false;
        if (rule.regex) {
          const std::string& subject = rule.by_host ? n.host : n.domain;
          found = std::regex_search(subject, *rule.regex, std::regex_constants::match_continuous);
        } else {
          found = n.domain == rule.domain;
        }
        if (found) {
          h.Set("Access-Control-Allow-Origin", n.domain);
          return false;
        }
      }
    }
    h.Remove("Access-Control-Allow-Origin");
    return false;
  }

  void ConfigureCredentials(http::Headers& h, bool allow_all, bool header_filter, const std::string* req_origin) const {
    if (!o_.credentials) return;
    if (!allow_all) {
      h.Set("Access-Control-Allow-Credentials", "true");
      return;
    }
    // Access-Control-Allow-Credentials cannot be combined with a '*' origin: echo the origin.
    if (req_origin != nullptr) {
      Vary(h, header_filter);
      h.Set("Access-Control-Allow-Origin", *req_origin);
      h.Set("Access-Control-Allow-Credentials", "true");
    }
  }

  Options o_;
  std::vector<OriginRule> rules_;
  std::size_t n_origins_ = 0;
  bool allow_all_ = false;
  bool any_star_ = false;
  bool single_plain_ = false;
  std::string methods_;
  std::string allow_headers_;
  std::string expose_headers_;
  std::string max_age_;
};

/// Kong arrays without a default are null when absent.
std::optional<std::vector<std::string>> OptArray(SchemaReader& config, std::string_view key) {
  bool given = config.Raw(key) != nullptr;
  auto v = config.StringArray(key, {});
  if (!given) {
    config.output()[key] = nullptr;
    return std::nullopt;
  }
  return v;
}

}  // namespace

std::shared_ptr<Plugin> CreateCors(SchemaReader& config, const PluginEnv& /*env*/) {
  Cors::Options o;
  std::vector<OriginRule> rules;
  o.origins = OptArray(config, "origins");
  if (o.origins) {
    for (std::size_t i = 0; i < o.origins->size(); ++i) {
      const std::string& entry = (*o.origins)[i];
      OriginRule rule;
      rule.entry = entry;
      rule.by_host = entry.find(':') == std::string::npos;
      if (entry == "*") {
        // handled as allow-all
      } else if (LooksLikeRegex(entry)) {
        std::string pattern = entry;
        if (pattern.empty() || pattern.back() != '$') pattern += '$';
        if (pattern.front() == '^') pattern.erase(0, 1);
        try {
          rule.regex.emplace(pattern, std::regex::ECMAScript | std::regex::optimize);
        } catch (const std::regex_error&) {
          config.Fail("origins[" + std::to_string(i + 1) + "]", "'" + entry + "' is not a valid regex");
        }
      } else {
        rule.domain = Normalize(entry).domain;
      }
      rules.push_back(std::move(rule));
    }
  }
  o.headers = OptArray(config, "headers");
  o.exposed_headers = OptArray(config, "exposed_headers");
  o.methods =
      config.StringArray("methods", {"GET", "HEAD", "PUT", "PATCH", "POST", "DELETE", "OPTIONS", "TRACE", "CONNECT"},
                         {"GET", "HEAD", "PUT", "PATCH", "POST", "DELETE", "OPTIONS", "TRACE", "CONNECT"});
  o.max_age = config.OptNumber("max_age", -1e15, 1e15);
  o.credentials = config.Bool("credentials", false);
  o.private_network = config.Bool("private_network", false);
  o.preflight_continue = config.Bool("preflight_continue", false);
  o.allow_origin_absent = config.Bool("allow_origin_absent", true);
  config.RejectUnknown();
  if (!config.ok()) return nullptr;
  // Kong keeps `*` entries out of the matching list (it returns allow-all as soon as it sees one).
  std::erase_if(rules, [](const OriginRule& r) { return r.entry == "*"; });
  return std::make_shared<Cors>(std::move(o), std::move(rules));
}

}  // namespace comptoir::gateway::plugins
