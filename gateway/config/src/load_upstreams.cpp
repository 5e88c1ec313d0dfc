// Upstreams with their health checks (upstreams.lua) and targets (targets.lua) of a declarative file.
#include <algorithm>
#include <cctype>
#include <climits>

#include "loader.hpp"

namespace comptoir::gateway::config_detail {

std::vector<int> Loader::ToInts(const std::vector<std::int64_t>& v) {
  return {v.begin(), v.end()};
}

void Loader::HealthcheckType(SchemaReader& r, std::string& type) {
  type = r.String("type", "http");
  if (type == "grpc" || type == "grpcs") {
    r.Fail("type", "health check type '" + type + "' is not supported by this gateway (tcp, http, https)");
  } else if (!Contains({"tcp", "http", "https"}, type)) {
    r.Fail("type", "expected one of: tcp, http, https, grpc, grpcs");
  }
}

void Loader::LoadHealthchecks(SchemaReader& hc, Healthchecks& out) {
  {
    SchemaReader active = hc.Record("active");
    auto& a = out.active;
    HealthcheckType(active, a.type);
    a.timeout = active.Number("timeout", 1, 0, 65535);
    a.concurrency = static_cast<int>(active.Int("concurrency", 10, 1, 2147483648LL));
    a.http_path = active.String("http_path", "/");
    if (a.http_path.empty() || a.http_path.front() != '/') active.Fail("http_path", "should start with: /");
    active.OptString("https_sni");
    active.Bool("https_verify_certificate", true);
    if (const auto* headers = active.Raw("headers")) {
      if (const auto* obj = headers->if_object()) {
        for (const auto& [name, values] : *obj) {
          if (const auto* arr = values.if_array()) {
            for (const auto& v : *arr) {
              if (v.is_string()) {
                a.headers.emplace_back(std::string(name), std::string(v.get_string()));
              } else {
                active.Fail("headers." + std::string(name), "expected an array of strings");
              }
            }
          } else {
            active.Fail("headers." + std::string(name), "expected an array of strings");
          }
        }
      } else {
        active.Fail("headers", "expected a map");
      }
    }
    active.Keep("headers");
    {
      SchemaReader healthy = active.Record("healthy");
      a.healthy.interval = healthy.Number("interval", 0, 0, 65535);
      a.healthy.http_statuses = ToInts(healthy.IntArray("http_statuses", {200, 302}, 100, 999));
      a.healthy.successes = static_cast<int>(healthy.Int("successes", 0, 0, 255));
      healthy.RejectUnknown();
    }
    {
      SchemaReader unhealthy = active.Record("unhealthy");
      a.unhealthy.interval = unhealthy.Number("interval", 0, 0, 65535);
      a.unhealthy.http_statuses =
          ToInts(unhealthy.IntArray("http_statuses", {429, 404, 500, 501, 502, 503, 504, 505}, 100, 999));
      a.unhealthy.tcp_failures = static_cast<int>(unhealthy.Int("tcp_failures", 0, 0, 255));
      a.unhealthy.timeouts = static_cast<int>(unhealthy.Int("timeouts", 0, 0, 255));
      a.unhealthy.http_failures = static_cast<int>(unhealthy.Int("http_failures", 0, 0, 255));
      unhealthy.RejectUnknown();
    }
    active.RejectUnknown();
  }
  {
    SchemaReader passive = hc.Record("passive");
    auto& p = out.passive;
    HealthcheckType(passive, p.type);
    {
      SchemaReader healthy = passive.Record("healthy");
      p.healthy.http_statuses = ToInts(healthy.IntArray(
          "http_statuses",
          {200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 306, 307, 308}, 100, 999));
      p.healthy.successes = static_cast<int>(healthy.Int("successes", 0, 0, 255));
      healthy.RejectUnknown();
    }
    {
      SchemaReader unhealthy = passive.Record("unhealthy");
      p.unhealthy.http_statuses = ToInts(unhealthy.IntArray("http_statuses", {429, 500, 503}, 100, 999));
      p.unhealthy.tcp_failures = static_cast<int>(unhealthy.Int("tcp_failures", 0, 0, 255));
      p.unhealthy.timeouts = static_cast<int>(unhealthy.Int("timeouts", 0, 0, 255));
      p.unhealthy.http_failures = static_cast<int>(unhealthy.Int("http_failures", 0, 0, 255));
      unhealthy.RejectUnknown();
    }
    passive.RejectUnknown();
  }
  out.threshold = hc.Number("threshold", 0, 0, 100);
  hc.RejectUnknown();
}

void Loader::LoadUpstream(int i) {
  const Raw& raw = upstreams_[static_cast<std::size_t>(i)];
  SchemaReader r(raw.value, issues_, "upstreams", raw.display, "");
  Upstream u;
  if (auto name = r.OptString("name")) {
    u.name = *name;
    if (u.name.find(':') != std::string::npos && !IsIpv6(u.name)) {
      r.Fail("name", "Invalid name ('" + u.name + "'); no port allowed");
    } else if (IsIpv4(u.name) || IsIpv6(u.name)) {
      r.Fail("name", "Invalid name ('" + u.name + "'); no ip addresses allowed");
    } else if (!IsHostname(u.name)) {
      r.Fail("name", "Invalid name ('" + u.name + "'); must be a valid hostname");
    }
    UniqueName(r, "upstreams", "name", u.name, upstream_names_);
  } else {
    r.Fail("name", "required field missing");
  }
  u.id = ReadId(r, "upstreams", u.name.empty() ? PositionalKey(raw) : u.name, upstream_ids_);
  u.algorithm = r.String("algorithm", "round-robin");
  if (u.algorithm == "latency") {
    r.Fail("algorithm",
           "algorithm 'latency' is not supported by this gateway (round-robin, least-connections, "
           "consistent-hashing)");
  } else if (!Contains({"round-robin", "least-connections", "consistent-hashing"}, u.algorithm)) {
    r.Fail("algorithm", "expected one of: consistent-hashing, least-connections, round-robin, latency");
  }
  auto hash_field = [&](std::string_view key) {
    std::string v = r.String(key, "none");
    if (v == "uri_capture") {
      r.Fail(key, "hash input 'uri_capture' is not supported by this gateway");
    } else if (!Contains({"none", "consumer", "ip", "header", "cookie", "path", "query_arg", "uri_capture"}, v)) {
      r.Fail(key, "expected one of: none, consumer, ip, header, cookie, path, query_arg, uri_capture");
    }
    return v;
  };
  u.hash_on = hash_field("hash_on");
  u.hash_fallback = hash_field("hash_fallback");
  auto opt = [&](std::string_view key) { return r.OptString(key).value_or(""); };
  u.hash_on_header = opt("hash_on_header");
  u.hash_fallback_header = opt("hash_fallback_header");
  u.hash_on_cookie = opt("hash_on_cookie");
  u.hash_on_cookie_path = r.String("hash_on_cookie_path", "/");
  if (u.hash_on_cookie_path.empty() || u.hash_on_cookie_path.front() != '/') {
    r.Fail("hash_on_cookie_path", "should start with: /");
  }
  u.hash_on_query_arg = opt("hash_on_query_arg");
  u.hash_fallback_query_arg = opt("hash_fallback_query_arg");
  r.OptString("hash_on_uri_capture");
  r.OptString("hash_fallback_uri_capture");
  u.slots = static_cast<int>(r.Int("slots", 10000, 10, 65536));
  u.host_header = opt("host_header");
  if (!u.host_header.empty() && !IsHost(u.host_header)) r.Fail("host_header", "invalid hostname: " + u.host_header);
  r.Bool("use_srv_name", false);
  if (r.Raw("client_certificate") != nullptr) r.Fail("client_certificate", "not supported by this gateway");
  r.Keep("client_certificate");
  {
    SchemaReader hc = r.Record("healthchecks");
    LoadHealthchecks(hc, u.healthchecks);
  }
  // Kong's upstreams entity checks.
  if (u.hash_on == "header" && u.hash_on_header.empty()) r.Fail("hash_on_header", "required field missing");
  if (u.hash_fallback == "header" && u.hash_fallback_header.empty()) {
    r.Fail("hash_fallback_header", "required field missing");
  }
  if ((u.hash_on == "cookie" || u.hash_fallback == "cookie") && u.hash_on_cookie.empty()) {
    r.Fail("hash_on_cookie", "required field missing");
  }
  if (u.hash_on == "query_arg" && u.hash_on_query_arg.empty()) r.Fail("hash_on_query_arg", "required field missing");
  if (u.hash_fallback == "query_arg" && u.hash_fallback_query_arg.empty()) {
    r.Fail("hash_fallback_query_arg", "required field missing");
  }
  if ((u.hash_on == "none" || u.hash_on == "cookie") && u.hash_fallback != "none") {
    r.Fail("hash_fallback", "expected one of: none");
  }
  if (u.hash_on == u.hash_fallback && u.hash_on != "none" && u.hash_on != "header" && u.hash_on != "query_arg") {
    r.Fail("hash_fallback", "must be different from hash_on");
  }
  if (u.hash_on == "header" && u.hash_fallback == "header" &&
      Lower(u.hash_on_header) == Lower(u.hash_fallback_header)) {
    r.Fail("hash_fallback_header", "values of these fields must be distinct: 'hash_on_header', 'hash_fallback_header'");
  }
  if (u.hash_on == "query_arg" && u.hash_fallback == "query_arg" && u.hash_on_query_arg == u.hash_fallback_query_arg) {
    r.Fail("hash_fallback_query_arg",
           "values of these fields must be distinct: 'hash_on_query_arg', 'hash_fallback_query_arg'");
  }
  // Kong 3.x: hashing on anything implies the consistent-hashing balancer.
  if (u.hash_on != "none" && u.algorithm != "latency") {
    u.algorithm = "consistent-hashing";
    r.output()["algorithm"] = u.algorithm;
  }
  u.tags = r.StringArray("tags", {});
  r.Keep("targets");
  r.output().erase("targets");
  Meta(r);
  r.RejectUnknown();
  upstreams_index_.Add(u.id, u.name, i);
  u.source = r.output();
  config_->upstreams.push_back(std::move(u));
}

void Loader::LoadTarget(int i) {
  const Raw& raw = targets_[static_cast<std::size_t>(i)];
  SchemaReader r(raw.value, issues_, "targets", raw.display, "");
  Target t;
  int upstream = Parent(r, raw, "upstream", "upstreams", upstreams_index_);
  if (raw.parent_kind.empty() && r.Raw("upstream") == nullptr) r.Fail("upstream", "required field missing");
  auto target = r.OptString("target");
  if (!target) {
    r.Fail("target", "required field missing");
  } else {
    std::string host;
    std::optional<int> port;
    if (!SplitHostPort(*target, host, port) || !IsHost(host) || (port && *port == 0)) {
      r.Fail("target", "Invalid target ('" + *target + "'); not a valid hostname or ip address");
    }
    t.host = host;
    t.port = static_cast<std::uint16_t>(port.value_or(8000));
    t.target = host + ":" + std::to_string(t.port);
  }
  std::string upstream_key = raw.parent_kind.empty() ? (r.Raw("upstream") != nullptr && r.Raw("upstream")->is_string()
                                                            ? std::string(r.Raw("upstream")->get_string())
                                                            : std::string())
                                                     : ParentIdOf(raw);
  t.id = ReadId(r, "targets", target ? *target + ":" + upstream_key : PositionalKey(raw), target_ids_);
  t.weight = static_cast<int>(r.Int("weight", 100, 0, 65535));
  t.tags = r.StringArray("tags", {});
  Meta(r);
  r.RejectUnknown();
  if (upstream >= 0 && !t.target.empty()) {
    auto& list = config_->upstreams[static_cast<std::size_t>(upstream)].targets;
    bool duplicate = std::any_of(list.begin(), list.end(), [&](const Target& o) { return o.target == t.target; });
    if (duplicate) {
      r.Fail("target", "duplicate target '" + t.target + "' in upstream '" +
                           config_->upstreams[static_cast<std::size_t>(upstream)].name + "'");
    } else {
      list.push_back(std::move(t));
    }
  }
}

}  // namespace comptoir::gateway::config_detail
