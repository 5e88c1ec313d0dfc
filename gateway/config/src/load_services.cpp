// Services (kong/db/schema/entities/services.lua) and routes (routes.lua) of a declarative file.
#include <algorithm>
#include <cctype>
#include <climits>

#include "loader.hpp"

namespace comptoir::gateway::config_detail {

std::optional<std::string> Loader::ParseUrl(const std::string& url, ParsedUrl& out) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos || scheme_end == 0) return "missing scheme in url";
  out.protocol = Lower(url.substr(0, scheme_end));
  std::string rest = url.substr(scheme_end + 3);
  auto path_start = rest.find_first_of("/?#");
  std::string authority = rest.substr(0, path_start);
  std::string path = path_start == std::string::npos ? "" : rest.substr(path_start);
  if (auto q = path.find_first_of("?#"); q != std::string::npos) path.resize(q);  // Kong drops it too
  if (authority.find('@') != std::string::npos) return "credentials in url are not supported";
  if (authority.empty()) return "missing host in url";
  std::optional<int> port;
  if (!SplitHostPort(authority, out.host, port)) return "invalid port in url";
  if (out.host.empty()) return "missing host in url";
  out.port = port ? *port : (out.protocol == "https" || out.protocol == "grpcs" || out.protocol == "wss" ? 443 : 80);
  out.path = path;
  return std::nullopt;
}

void Loader::Protocol(SchemaReader& r, std::string_view field, const std::string& protocol) {
  if (protocol == "http" || protocol == "https") return;
  if (Contains(kKongProtocols, protocol)) {
    r.Fail(field, "protocol '" + protocol + "' is not supported by this gateway (http, https)");
  } else {
    r.Fail(field, "expected one of: " + Join(kKongProtocols));
  }
}

void Loader::LoadService(int i) {
  const Raw& raw = services_[static_cast<std::size_t>(i)];
  SchemaReader r(raw.value, issues_, "services", raw.display, "");
  Service s;
  if (auto name = r.OptString("name")) {
    s.name = *name;
    if (!IsUtf8Name(s.name)) {
      r.Fail("name",
             "invalid value '" + s.name + "': the only accepted ascii characters are alphanumerics or ., -, _, and ~");
    }
    UniqueName(r, "services", "name", s.name, service_names_);
  }
  s.id = ReadId(r, "services", s.name.empty() ? PositionalKey(raw) : s.name, service_ids_);
  auto url = r.OptString("url");
  r.output().erase("url");  // a shorthand: Kong stores protocol/host/port/path, not url
  s.protocol = r.String("protocol", "http");
  auto host = r.OptString("host");
  s.port = static_cast<std::uint16_t>(r.Int("port", 80, 0, 65535));
  auto path = r.OptString("path");
  std::string protocol_field = "protocol";
  if (url) {
    ParsedUrl parsed;
    if (auto err = ParseUrl(*url, parsed)) {
      r.Fail("url", *err);
    } else {
      s.protocol = parsed.protocol;
      host = parsed.host;
      s.port = static_cast<std::uint16_t>(parsed.port);
      path = parsed.path.empty() ? std::nullopt : std::optional<std::string>(parsed.path);
      protocol_field = "url";
      r.output()["protocol"] = s.protocol;
      r.output()["host"] = parsed.host;
      r.output()["port"] = parsed.port;
      r.output()["path"] = path ? json::value(*path) : json::value(nullptr);
    }
  }
  Protocol(r, protocol_field, s.protocol);
  if (!host) {
    if (!url) r.Fail("host", "required field missing");
  } else {
    s.host = *host;
    if (!IsHost(s.host)) r.Fail(url ? "url" : "host", "invalid hostname: " + s.host);
  }
  if (path) {
    s.path = *path;
    if (s.path.empty() || s.path.front() != '/') r.Fail("path", "should start with: /");
  }
  s.retries = static_cast<int>(r.Int("retries", 5, 0, 32767));
  s.connect_timeout = std::chrono::milliseconds(r.Int("connect_timeout", 60000, 1, 2147483646));
  s.write_timeout = std::chrono::milliseconds(r.Int("write_timeout", 60000, 1, 2147483646));
  s.read_timeout = std::chrono::milliseconds(r.Int("read_timeout", 60000, 1, 2147483646));
  s.enabled = r.Bool("enabled", true);
  s.tags = r.StringArray("tags", {});
  // TLS settings towards the upstream are accepted for compatibility; not used by this gateway.
  r.Bool("tls_verify", true);
  r.OptInt("tls_verify_depth", 0, 64);
  r.Keep("ca_certificates");
  r.Keep("client_certificate");
  for (const char* nested : {"routes", "plugins"}) {
    r.Keep(nested);
    r.output().erase(nested);
  }
  Meta(r);
  r.RejectUnknown();
  services_index_.Add(s.id, s.name, i);
  s.source = r.output();
  config_->services.push_back(std::move(s));
}

void Loader::LoadRoute(int i) {
  const Raw& raw = routes_[static_cast<std::size_t>(i)];
  SchemaReader r(raw.value, issues_, "routes", raw.display, "");
  Route rt;
  if (auto name = r.OptString("name")) {
    rt.name = *name;
    if (!IsUtf8Name(rt.name)) {
      r.Fail("name",
             "invalid value '" + rt.name + "': the only accepted ascii characters are alphanumerics or ., -, _, and ~");
    }
    UniqueName(r, "routes", "name", rt.name, route_names_);
  }
  rt.id = ReadId(r, "routes", rt.name.empty() ? PositionalKey(raw) : rt.name, route_ids_);
  rt.protocols = r.StringArray("protocols", {"http", "https"});
  for (std::size_t k = 0; k < rt.protocols.size(); ++k) {
    Protocol(r, "protocols[" + std::to_string(k + 1) + "]", rt.protocols[k]);
  }
  if (rt.protocols.empty()) r.Fail("protocols", "length must be at least 1");
  rt.methods = r.StringArray("methods", {});
  for (std::size_t k = 0; k < rt.methods.size(); ++k) {
    const auto& m = rt.methods[k];
    bool upper = !m.empty() && std::all_of(m.begin(), m.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
    if (!upper) r.Fail("methods[" + std::to_string(k + 1) + "]", "invalid value: " + m + " (methods are upper-case)");
  }
  auto hosts = r.StringArray("hosts", {});
  for (std::size_t k = 0; k < hosts.size(); ++k) {
    std::string h = Lower(hosts[k]);
    std::string field = "hosts[" + std::to_string(k + 1) + "]";
    auto stars = std::count(h.begin(), h.end(), '*');
    std::string host_part;
    std::optional<int> port;
    if (stars > 1) {
      r.Fail(field, "invalid wildcard: must have at most one wildcard");
    } else if (stars == 1 && !(h.rfind("*.", 0) == 0 || (h.size() > 2 && h.compare(h.size() - 2, 2, ".*") == 0))) {
      r.Fail(field, "invalid wildcard: must be placed at leftmost or rightmost label");
    } else if (!SplitHostPort(h, host_part, port)) {
      r.Fail(field, "invalid hostname: " + hosts[k]);
    } else {
      std::string check = host_part;
      std::replace(check.begin(), check.end(), '*', 'x');
      if (!IsHost(check)) r.Fail(field, "invalid hostname: " + hosts[k]);
    }
    rt.hosts.push_back(std::move(h));
  }
  auto paths = r.StringArray("paths", {});
  json::array paths_out;
  for (std::size_t k = 0; k < paths.size(); ++k) {
    std::string p = paths[k];
    std::string field = "paths[" + std::to_string(k + 1) + "]";
    if (format_version_ != "3.0" && !p.empty() && p.front() == '/' && LooksLikeRegex(p)) p = "~" + p;
    paths_out.emplace_back(p);
    RoutePath rp;
    if (!p.empty() && p.front() == '~') {
      rp.is_regex = true;
      rp.value = p.substr(1);
      try {
        // Anchored at the start, as Kong's traditional_compatible router does ("^" .. regex).
        rp.regex = std::make_shared<const std::regex>("^" + ToEcmaRegex(rp.value), std::regex::ECMAScript);
      } catch (const std::regex_error& e) {
        r.Fail(field, "invalid regex: '" + rp.value + "' (" + e.what() + ")");
      }
    } else if (p.empty() || p.front() != '/') {
      r.Fail(field, "should start with: / (fixed path) or ~/ (regex path)");
      rp.value = p;
    } else {
      rp.value = p;
    }
    rt.paths.push_back(std::move(rp));
  }
  r.output()["paths"] = std::move(paths_out);
  if (const auto* headers = r.Raw("headers")) {
    r.Keep("headers");
    json::object out;
    if (const auto* obj = headers->if_object()) {
      for (const auto& [name, values] : *obj) {
        std::string lname = Lower(std::string(name));
        std::string field = "headers." + std::string(name);
        if (lname == "host") {
          r.Fail("headers", "cannot contain 'host' header, which must be specified in the 'hosts' attribute");
          continue;
        }
        std::vector<std::string> list;
        json::array list_out;
        if (const auto* arr = values.if_array(); arr != nullptr && !arr->empty()) {
          for (std::size_t k = 0; k < arr->size(); ++k) {
            if (!(*arr)[k].is_string()) {
              r.Fail(field + "[" + std::to_string(k + 1) + "]", "expected a string");
              continue;
            }
            list.emplace_back((*arr)[k].get_string());
            list_out.emplace_back((*arr)[k].get_string());
          }
        } else {
          r.Fail(field, "expected a non-empty array of strings");
        }
        rt.headers.emplace_back(lname, std::move(list));
        out[lname] = std::move(list_out);
      }
    } else {
      r.Fail("headers", "expected a map");
    }
    r.output()["headers"] = std::move(out);
  } else {
    r.Keep("headers");
  }
  auto snis = r.StringArray("snis", {});
  for (const char* stream_field : {"sources", "destinations"}) {
    if (r.Raw(stream_field) != nullptr) r.Fail(stream_field, "not supported by this gateway (stream routes)");
    r.Keep(stream_field);
  }
  rt.strip_path = r.Bool("strip_path", true);
  rt.preserve_host = r.Bool("preserve_host", false);
  rt.path_handling = r.String("path_handling", "v0", {"v0", "v1"});
  rt.regex_priority = static_cast<int>(r.Int("regex_priority", 0, INT_MIN, INT_MAX));
  rt.https_redirect_status_code = static_cast<int>(r.Int("https_redirect_status_code", 426, 100, 999));
  if (!Contains({"426", "301", "302", "307", "308"}, std::to_string(rt.https_redirect_status_code))) {
    r.Fail("https_redirect_status_code", "expected one of: 426, 301, 302, 307, 308");
  }
  r.Bool("request_buffering", true);
  r.Bool("response_buffering", true);
  rt.tags = r.StringArray("tags", {});
  rt.service = Parent(r, raw, "service", "services", services_index_);
  bool http = std::find(rt.protocols.begin(), rt.protocols.end(), "http") != rt.protocols.end();
  bool https = std::find(rt.protocols.begin(), rt.protocols.end(), "https") != rt.protocols.end();
  if ((http || https) && rt.methods.empty() && rt.hosts.empty() && rt.headers.empty() && rt.paths.empty() &&
      (http || snis.empty())) {
    r.Fail("", http ? "must set one of 'methods', 'hosts', 'headers', 'paths' when 'protocols' is 'http'"
                    : "must set one of 'methods', 'hosts', 'headers', 'paths', 'snis' when 'protocols' is 'https'");
  }
  r.Keep("plugins");
  r.output().erase("plugins");
  Meta(r);
  r.RejectUnknown();
  routes_index_.Add(rt.id, rt.name, i);
  rt.source = r.output();
  config_->routes.push_back(std::move(rt));
}

}  // namespace comptoir::gateway::config_detail
