// Kong's Admin API, read-only in DB-less mode except POST /config and target health overrides.
#include <unistd.h>

#include <boost/json.hpp>

#include "comptoir/error.hpp"
#include "comptoir/gateway/config_loader.hpp"
#include "impl.hpp"

namespace comptoir::gateway {
namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr std::string_view kVersion = "3.9.1";  // the Kong version whose behaviour we follow

http::Response JsonResponse(int status, const json::value& v) {
  return http::Response::Json(status, json::serialize(v));
}

http::Response KongMessage(int status, std::string_view message) {
  return JsonResponse(status, json::object{{"message", message}});
}

json::object List(json::array data) {
  json::object o;
  o["data"] = std::move(data);
  o["next"] = nullptr;
  return o;
}

// An entity as loaded, without its secrets (health-check probe headers, ...).
json::value Source(const json::value& source, const std::string& id) {
  json::value v = source.is_object() ? Redacted(source) : json::value(json::object{});
  v.as_object()["id"] = id;
  return v;
}

// Finds an entity by id or name in a vector of entities that have `id` and `name`.
template <class T>
const T* FindByIdOrName(const std::vector<T>& items, std::string_view key) {
  for (const auto& item : items) {
    if (item.id == key || item.name == key) return &item;
  }
  return nullptr;
}

json::object ConsumerJson(const Consumer& c) {
  json::object o;
  o["id"] = c.id;
  o["username"] = c.username.empty() ? json::value(nullptr) : json::value(c.username);
  o["custom_id"] = c.custom_id.empty() ? json::value(nullptr) : json::value(c.custom_id);
  json::array tags;
  for (const auto& t : c.tags) tags.emplace_back(t);
  o["tags"] = std::move(tags);
  return o;
}

json::object PluginJson(const Config& config, const PluginInstance& p) {
  json::object o;
  o["id"] = p.id;
  o["name"] = p.name;
  o["instance_name"] = p.instance_name.empty() ? json::value(nullptr) : json::value(p.instance_name);
  o["enabled"] = p.enabled;
  o["config"] = Redacted(p.config);  // redis passwords, keys in transformer headers
  auto ref = [](const std::string& id) { return json::value(json::object{{"id", id}}); };
  o["service"] = p.service >= 0 ? ref(config.services[static_cast<std::size_t>(p.service)].id) : json::value(nullptr);
  o["route"] = p.route >= 0 ? ref(config.routes[static_cast<std::size_t>(p.route)].id) : json::value(nullptr);
  o["consumer"] =
      p.consumer >= 0 ? ref(config.consumers[static_cast<std::size_t>(p.consumer)].id) : json::value(nullptr);
  json::array protocols;
  for (const auto& pr : p.protocols) protocols.emplace_back(pr);
  o["protocols"] = std::move(protocols);
  return o;
}

json::object TargetJson(const Upstream& u, const Target& t) {
  return json::object{
      {"id", t.id}, {"target", t.target}, {"weight", t.weight}, {"upstream", json::object{{"id", u.id}}}};
}

std::string Hostname() {
  char buf[256] = {};
  gethostname(buf, sizeof(buf) - 1);
  return buf;
}

// The handlers, each a named coroutine. They hold a plain pointer: the router that keeps them is a
// member of Impl, so a shared_ptr here would keep Impl alive forever.
using ImplPtr = Gateway::Impl*;

asio::awaitable<http::Response> Root(ImplPtr impl, http::Request&) {
  auto state = impl->Current();
  json::object available;
  for (auto name : KnownPlugins()) available[name] = json::object{{"version", kVersion}, {"priority", nullptr}};
  json::array enabled;
  for (const auto& p : state->config->plugins) {
    bool seen = false;
    for (const auto& e : enabled) seen = seen || e.as_string() == p.name;
    if (!seen) enabled.emplace_back(p.name);
  }
  json::object body;
  body["version"] = std::string(kVersion) + "-comptoir";
  body["tagline"] = "Welcome to comptoir-gateway (Kong-compatible)";
  body["node_id"] = impl->options.node_id;
  body["hostname"] = Hostname();
  body["plugins"] =
      json::object{{"available_on_server", std::move(available)}, {"enabled_in_cluster", std::move(enabled)}};
  body["configuration"] = json::object{
      {"database", "off"},
      {"declarative_config", impl->options.config_file},
      {"proxy_listen", json::array{impl->options.proxy_host + ":" + std::to_string(impl->bound_port)}},
      {"admin_listen", json::array{impl->options.admin_host + ":" + std::to_string(impl->options.admin_port)}},
      {"router_flavor", "traditional_compatible"}};
  co_return JsonResponse(200, body);
}

asio::awaitable<http::Response> Status(ImplPtr impl, http::Request&) {
  auto state = impl->Current();
  auto active = std::max(0, impl->open_sessions.load());
  auto reading = std::max(0, impl->reading.load());
  auto writing = std::max(0, impl->writing.load());
  json::object server{{"connections_active", active},
                      {"connections_reading", reading},
                      {"connections_writing", writing},
                      {"connections_waiting", std::max(0, active - reading - writing)},
                      {"connections_accepted", impl->accepted.load()},
                      {"connections_handled", impl->accepted.load()},
                      {"total_requests", impl->total_requests.load()}};
  json::object body{{"server", std::move(server)},
                    {"configuration_hash", state->config->hash.empty() ? std::string(32, '0') : state->config->hash},
                    {"memory", json::object{}}};
  co_return JsonResponse(200, body);
}

asio::awaitable<http::Response> Ready(ImplPtr impl, http::Request&) {
  auto state = impl->Current();
  if (state->config->hash.empty())
    co_return KongMessage(503, "no configuration available (empty configuration present)");
  co_return KongMessage(200, "ready");
}

asio::awaitable<http::Response> Services(ImplPtr impl, http::Request&) {
  auto state = impl->Current();
  json::array data;
  for (const auto& s : state->config->services) data.push_back(Source(s.source, s.id));
  co_return JsonResponse(200, List(std::move(data)));
}

asio::awaitable<http::Response> OneService(ImplPtr impl, http::Request& r) {
  auto state = impl->Current();
  const auto* s = FindByIdOrName(state->config->services, r.PathParam("id"));
  if (s == nullptr) co_return KongMessage(404, "Not found");
  co_return JsonResponse(200, Source(s->source, s->id));
}

json::value RouteJson(const Config& config, const Route& route) {
  auto v = Source(route.source, route.id);
  v.as_object()["service"] =
      route.service >= 0
          ? json::value(json::object{{"id", config.services[static_cast<std::size_t>(route.service)].id}})
          : json::value(nullptr);
  return v;
}

asio::awaitable<http::Response> Routes(ImplPtr impl, http::Request&) {
  auto state = impl->Current();
  json::array data;
  for (const auto& route : state->config->routes) data.push_back(RouteJson(*state->config, route));
  co_return JsonResponse(200, List(std::move(data)));
}

asio::awaitable<http::Response> OneRoute(ImplPtr impl, http::Request& r) {
  auto state = impl->Current();
  const auto* route = FindByIdOrName(state->config->routes, r.PathParam("id"));
  if (route == nullptr) co_return KongMessage(404, "Not found");
  co_return JsonResponse(200, RouteJson(*state->config, *route));
}

asio::awaitable<http::Response> ServiceRoutes(ImplPtr impl, http::Request& r) {
  auto state = impl->Current();
  const auto* s = FindByIdOrName(state->config->services, r.PathParam("id"));
  if (s == nullptr) co_return KongMessage(404, "Not found");
  auto index = static_cast<int>(s - state->config->services.data());
  json::array data;
  for (const auto& route : state->config->routes) {
    if (route.service == index) data.push_back(RouteJson(*state->config, route));
  }
  co_return JsonResponse(200, List(std::move(data)));
}

asio::awaitable<http::Response> Upstreams(ImplPtr impl, http::Request&) {
  auto state = impl->Current();
  json::array data;
  for (const auto& u : state->config->upstreams) data.push_back(Source(u.source, u.id));
  co_return JsonResponse(200, List(std::move(data)));
}

asio::awaitable<http::Response> OneUpstream(ImplPtr impl, http::Request& r) {
  auto state = impl->Current();
  const auto* u = FindByIdOrName(state->config->upstreams, r.PathParam("id"));
  if (u == nullptr) co_return KongMessage(404, "Not found");
  co_return JsonResponse(200, Source(u->source, u->id));
}

asio::awaitable<http::Response> Targets(ImplPtr impl, http::Request& r) {
  auto state = impl->Current();
  const auto* u = FindByIdOrName(state->config->upstreams, r.PathParam("id"));
  if (u == nullptr) co_return KongMessage(404, "Not found");
  json::array data;
  for (const auto& t : u->targets) data.push_back(TargetJson(*u, t));
  co_return JsonResponse(200, List(std::move(data)));
}

asio::awaitable<http::Response> UpstreamHealth(ImplPtr impl, http::Request& r) {
  auto state = impl->Current();
  const auto* u = FindByIdOrName(state->config->upstreams, r.PathParam("id"));
  if (u == nullptr) co_return KongMessage(404, "Not found");
  auto snapshot = impl->balancers.Snapshot();
  json::array data;
  for (const auto& t : u->targets) {
    auto entry = TargetJson(*u, t);
    std::string_view health = "HEALTHCHECKS_OFF";
    for (const auto& s : snapshot) {
      if (s.upstream == u->name && s.target == t.target) health = HealthName(s.health);
    }
    entry["health"] = health;
    entry["data"] = json::object{
        {"addresses",
         json::array{json::object{{"ip", t.host}, {"port", t.port}, {"health", health}, {"weight", t.weight}}}}};
    data.push_back(std::move(entry));
  }
  json::object body = List(std::move(data));
  body["node_id"] = impl->options.node_id;
  co_return JsonResponse(200, body);
}

asio::awaitable<http::Response> SetTargetHealth(ImplPtr impl, http::Request& r, bool healthy) {
  auto state = impl->Current();
  const auto* u = FindByIdOrName(state->config->upstreams, r.PathParam("id"));
  if (u == nullptr) co_return KongMessage(404, "Not found");
  std::string target(r.PathParam("target"));
  for (const auto& t : u->targets) {
    if (t.id == target) target = t.target;
  }
  if (!impl->balancers.SetHealth(u->name, target, healthy)) co_return KongMessage(404, "Not found");
  co_return http::Response::Empty(204);
}

asio::awaitable<http::Response> Consumers(ImplPtr impl, http::Request&) {
  auto state = impl->Current();
  json::array data;
  for (const auto& c : state->config->consumers) data.push_back(ConsumerJson(c));
  co_return JsonResponse(200, List(std::move(data)));
}

asio::awaitable<http::Response> OneConsumer(ImplPtr impl, http::Request& r) {
  auto state = impl->Current();
  const auto* c = state->config->FindConsumer(r.PathParam("id"));
  if (c == nullptr) co_return KongMessage(404, "Not found");
  co_return JsonResponse(200, ConsumerJson(*c));
}

asio::awaitable<http::Response> Plugins(ImplPtr impl, http::Request&) {
  auto state = impl->Current();
  json::array data;
  for (const auto& p : state->config->plugins) data.push_back(PluginJson(*state->config, p));
  co_return JsonResponse(200, List(std::move(data)));
}

asio::awaitable<http::Response> OnePlugin(ImplPtr impl, http::Request& r) {
  auto state = impl->Current();
  for (const auto& p : state->config->plugins) {
    if (p.id == r.PathParam("id")) co_return JsonResponse(200, PluginJson(*state->config, p));
  }
  co_return KongMessage(404, "Not found");
}

asio::awaitable<http::Response> Metrics(ImplPtr impl, http::Request&) {
  co_return http::Response::Text(200, impl->registry.Render(), "text/plain; version=0.0.4; charset=utf-8");
}

// Kong's {"config": "<document>"}: the loaded document (as JSON, which is YAML too), secrets redacted.
asio::awaitable<http::Response> GetConfig(ImplPtr impl, http::Request&) {
  co_return JsonResponse(200, json::object{{"config", impl->Current()->shown_config}});
}

asio::awaitable<http::Response> PostConfig(ImplPtr impl, http::Request& r) {
  std::string_view text = r.body;
  if (r.Query("check_hash") == "1") {
    // Kong answers 304 when the document is the one already loaded.
    if (impl->Current()->raw_text == text) co_return http::Response::Empty(304);
  }
  if (text.empty()) co_return KongMessage(400, "expected a declarative configuration");
  // Loading parses and validates on this worker; it is bounded by the body limit and rare.
  // A posted configuration substitutes only the allowed variables; the change is logged with who made it.
  auto result = impl->Load(text, LoadOrigin{"admin api",
                                            "admin api client " + r.remote_address + " with admin token " +
                                                CredentialFingerprint(impl->options.admin_token),
                                            false});
  if (!result.ok) co_return http::Response::Json(400, result.kong_body);
  auto state = impl->Current();
  json::object entities;
  json::object services;
  for (const auto& s : state->config->services) services[s.id] = Source(s.source, s.id);
  json::object routes;
  for (const auto& route : state->config->routes) routes[route.id] = RouteJson(*state->config, route);
  json::object upstreams;
  for (const auto& u : state->config->upstreams) upstreams[u.id] = Source(u.source, u.id);
  json::object consumers;
  for (const auto& c : state->config->consumers) consumers[c.id] = ConsumerJson(c);
  json::object plugins;
  for (const auto& p : state->config->plugins) plugins[p.id] = PluginJson(*state->config, p);
  entities["services"] = std::move(services);
  entities["routes"] = std::move(routes);
  entities["upstreams"] = std::move(upstreams);
  entities["consumers"] = std::move(consumers);
  entities["plugins"] = std::move(plugins);
  co_return JsonResponse(201, entities);
}

}  // namespace

void AddAdminRoutes(http::Router& router, Gateway::Impl* impl) {
  using M = http::Method;
  auto add = [&](M method, std::string pattern, asio::awaitable<http::Response> (*fn)(ImplPtr, http::Request&)) {
    router.Add(method, std::move(pattern), [impl, fn](http::Request& r) { return fn(impl, r); });
  };
  add(M::kGet, "/", Root);
  add(M::kGet, "/status", Status);
  // The one endpoint open without the admin token (AdminGuard): a readiness probe.
  add(M::kGet, "/status/ready", Ready);
  add(M::kGet, "/services", Services);
  add(M::kGet, "/services/{id}", OneService);
  add(M::kGet, "/services/{id}/routes", ServiceRoutes);
  add(M::kGet, "/routes", Routes);
  add(M::kGet, "/routes/{id}", OneRoute);
  add(M::kGet, "/upstreams", Upstreams);
  add(M::kGet, "/upstreams/{id}", OneUpstream);
  add(M::kGet, "/upstreams/{id}/targets", Targets);
  add(M::kGet, "/upstreams/{id}/targets/all", Targets);
  add(M::kGet, "/upstreams/{id}/health", UpstreamHealth);
  router.Add(M::kPost, "/upstreams/{id}/targets/{target}/healthy",
             [impl](http::Request& r) { return SetTargetHealth(impl, r, true); });
  router.Add(M::kPost, "/upstreams/{id}/targets/{target}/unhealthy",
             [impl](http::Request& r) { return SetTargetHealth(impl, r, false); });
  add(M::kGet, "/consumers", Consumers);
  add(M::kGet, "/consumers/{id}", OneConsumer);
  add(M::kGet, "/plugins", Plugins);
  add(M::kGet, "/plugins/{id}", OnePlugin);
  add(M::kGet, "/metrics", Metrics);
  add(M::kGet, "/config", GetConfig);
  add(M::kPost, "/config", PostConfig);
}

}  // namespace comptoir::gateway
