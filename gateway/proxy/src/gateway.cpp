#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "comptoir/log.hpp"
#include "comptoir/redis/redis.hpp"
#include "impl.hpp"
#include "prometheus/prometheus.hpp"

namespace comptoir::gateway {
namespace asio = boost::asio;

Gateway::Impl::Impl(http::Runtime& rt, GatewayOptions opts)
    : runtime(rt),
      options(std::move(opts)),
      probe_client(rt, http::ClientOptions{}),
      balancers(rt, probe_client),
      acceptor(rt.Context(0)),
      sessions(rt.size()),
      pools(rt.size()) {
  if (options.node_id.empty()) options.node_id = http::NewUuid();
  plugin_env.runtime = &runtime;
  plugin_env.registry = &registry;
  plugin_env.health = &balancers;
  plugin_env.node_id = options.node_id;
  plugin_env.redis = [this](const std::string& host, int port, const std::string& password, int database,
                            std::chrono::milliseconds timeout) {
    std::lock_guard lock(redis_mutex);
    std::string key = host + ":" + std::to_string(port) + "/" + std::to_string(database);
    auto& client = redis_clients[key];
    if (!client) {
      redis::Options o;
      o.host = host;
      o.port = static_cast<std::uint16_t>(port);
      o.password = password;
      o.database = database;
      o.connect_timeout = timeout;
      o.command_timeout = timeout;
      client = std::make_shared<redis::Client>(runtime, o);
    }
    return client;
  };
}

std::shared_ptr<const State> BuildState(std::shared_ptr<const Config> config, std::string raw_text,
                                        std::string shown_config) {
  auto state = std::make_shared<State>();
  state->config = std::move(config);
  state->raw_text = std::move(raw_text);
  state->shown_config = std::move(shown_config);
  state->loaded_at = std::chrono::system_clock::now();
  state->router = std::make_unique<KongRouter>(*state->config);
  state->global_plugins = ResolvePlugins(*state->config, -1, -1, -1);
  const auto& routes = state->config->routes;
  state->route_plugins.resize(routes.size());
  state->route_needs_request_body.resize(routes.size(), false);
  state->route_needs_response_body.resize(routes.size(), false);
  for (std::size_t r = 0; r < routes.size(); ++r) {
    state->route_plugins[r] = ResolvePlugins(*state->config, static_cast<int>(r), routes[r].service, -1);
    // Consumer-scoped plugins can also need bodies: look at every instance that could apply.
    for (const auto& pi : state->config->plugins) {
      if (!pi.enabled || !pi.plugin) continue;
      bool applies =
          (pi.route < 0 || pi.route == static_cast<int>(r)) && (pi.service < 0 || pi.service == routes[r].service);
      if (!applies) continue;
      if (pi.plugin->NeedsRequestBody()) state->route_needs_request_body[r] = true;
      if (pi.plugin->NeedsResponseBody()) state->route_needs_response_body[r] = true;
    }
  }
  state->consumer_has_plugins.resize(state->config->consumers.size(), false);
  for (const auto& pi : state->config->plugins) {
    if (pi.consumer >= 0 && static_cast<std::size_t>(pi.consumer) < state->consumer_has_plugins.size()) {
      state->consumer_has_plugins[static_cast<std::size_t>(pi.consumer)] = true;
    }
  }
  return state;
}

std::string CredentialFingerprint(std::string_view token) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(token.data(), token.size(), digest, &size, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "sha256:";
  for (unsigned i = 0; i < 6 && i < size; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xf];
  }
  return out;
}

ReloadResult Gateway::Impl::Load(std::string_view text, const LoadOrigin& origin) {
  std::lock_guard lock(load_mutex);
  ReloadResult result;
  Substitution substitution{ProcessEnvLookup()};
  if (!origin.trusted) {
    // A posted configuration substitutes only the variables the operator listed: `${ANY}` would
    // otherwise read the gateway's own secrets into a header or a body.
    substitution.lookup = [allowed = options.config_variables](const std::string& name) -> std::optional<std::string> {
      if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) return std::nullopt;
      const char* v = std::getenv(name.c_str());
      return v == nullptr ? std::nullopt : std::optional<std::string>(v);
    };
    substitution.unset_reason =
        "not set, or not one of the variables a configuration posted to the Admin API may use "
        "(COMPTOIR_GATEWAY_CONFIG_VARIABLES)";
  }
  auto loaded = LoadDeclarative(text, plugin_env, substitution);
  if (!loaded.issues.empty() || !loaded.config) {
    result.issues = std::move(loaded.issues);
    result.kong_body = IssuesToKongBody(result.issues);
    log::Warn("configuration refused", {{"source", origin.source},
                                        {"who", origin.who},
                                        {"problems", result.issues.size()},
                                        {"hash", Current()->config->hash}});
    return result;
  }
  const std::string previous = Current()->config->hash;
  auto next =
      BuildState(loaded.config, std::string(text), boost::json::serialize(Redacted(std::move(loaded.document))));
  // Balancers first: a request that sees the new state must find its upstreams.
  balancers.Apply(loaded.config);
  state.store(next, std::memory_order_release);
  result.ok = true;
  // Who changed what, when (the line's timestamp): one line per configuration change.
  log::Info("configuration changed", {{"source", origin.source},
                                      {"who", origin.who},
                                      {"hash", next->config->hash},
                                      {"previous_hash", previous},
                                      {"services", next->config->services.size()},
                                      {"routes", next->config->routes.size()},
                                      {"upstreams", next->config->upstreams.size()},
                                      {"consumers", next->config->consumers.size()},
                                      {"plugins", next->config->plugins.size()}});
  return result;
}

Gateway::Gateway(http::Runtime& runtime, GatewayOptions options)
    : impl_(std::make_shared<Impl>(runtime, std::move(options))) {
  // An empty configuration until one is loaded: every request gets Kong's 404.
  impl_->state.store(BuildState(std::make_shared<Config>(), "", "{}"));
  plugins::RegisterPrometheusProcessMetrics(impl_->registry, impl_->options.node_id, [impl = impl_.get()]() {
    plugins::ConnectionStats s;
    s.accepted = static_cast<double>(impl->accepted.load(std::memory_order_relaxed));
    s.handled = s.accepted;
    s.active = std::max(0, impl->open_sessions.load());
    s.reading = std::max(0, impl->reading.load());
    s.writing = std::max(0, impl->writing.load());
    s.waiting = std::max(0.0, s.active - s.reading - s.writing);
    s.total_requests = static_cast<double>(impl->total_requests.load(std::memory_order_relaxed));
    return s;
  });
  AddAdminRoutes(impl_->admin_router, impl_.get());
}

Gateway::~Gateway() {
  impl_->balancers.Stop();
}

ReloadResult Gateway::LoadFile(std::string_view source) {
  std::ifstream in(impl_->options.config_file);
  if (!in) {
    ReloadResult r;
    r.issues.push_back({"file", impl_->options.config_file, "", "cannot be read"});
    return r;
  }
  std::stringstream text;
  text << in.rdbuf();
  return impl_->Load(
      text.str(),
      LoadOrigin{std::string(source),
                 "gateway process " + std::to_string(::getpid()) + ", file " + impl_->options.config_file, true});
}

ReloadResult Gateway::LoadText(std::string_view text) {
  return impl_->Load(text, LoadOrigin{"program", "gateway process " + std::to_string(::getpid()), true});
}

namespace {

// The token of an Admin API request: Kong-Admin-Token (Kong Enterprise's RBAC header) or a bearer.
std::optional<std::string_view> PresentedToken(const http::Request& r) {
  if (auto t = r.headers.Get("Kong-Admin-Token")) return *t;
  if (auto a = r.headers.Get("Authorization"); a && a->size() > 7 && http::IEquals(a->substr(0, 7), "Bearer ")) {
    return a->substr(7);
  }
  return std::nullopt;
}

// Compares digests, so the time taken says nothing of the token, not even its length.
bool SameToken(std::string_view a, std::string_view b) {
  unsigned char da[EVP_MAX_MD_SIZE];
  unsigned char db[EVP_MAX_MD_SIZE];
  unsigned int na = 0;
  unsigned int nb = 0;
  EVP_Digest(a.data(), a.size(), da, &na, EVP_sha256(), nullptr);
  EVP_Digest(b.data(), b.size(), db, &nb, EVP_sha256(), nullptr);
  return na == nb && CRYPTO_memcmp(da, db, na) == 0;
}

std::optional<http::Response> AdminGuard(const Gateway::Impl& impl, const http::Request& r) {
  // The one open endpoint: the readiness probe (Kong's /status/ready), which shows nothing.
  if (r.method == http::Method::kGet && r.path == "/status/ready") return std::nullopt;
  auto token = PresentedToken(r);
  if (token && SameToken(*token, impl.options.admin_token)) return std::nullopt;
  auto answer = GatewayProblem(ApiError(ErrorKind::kUnauthorized, "gateway.admin_unauthorized",
                                        "The Admin API needs the admin token: Kong-Admin-Token: <token> or "
                                        "Authorization: Bearer <token>."),
                               "Invalid credentials. Token or User credentials required", r.request_id);
  answer.headers.Set("WWW-Authenticate", "Bearer realm=\"comptoir-gateway-admin\"");
  if (token) log::Warn("admin api credential refused", {{"client", r.remote_address}, {"path", r.path}});
  return answer;
}

}  // namespace

void Gateway::Start() {
  StartProxy(impl_);
  if (!impl_->options.admin_enabled) {
    log::Info("gateway listening",
              {{"proxy", impl_->options.proxy_host + ":" + std::to_string(impl_->bound_port)}, {"admin", "off"}});
    return;
  }
  if (impl_->options.admin_token.empty()) {
    throw std::invalid_argument("the Admin API needs a credential (GatewayOptions::admin_token)");
  }
  http::ServerOptions admin;
  admin.guard = [impl = impl_.get()](const http::Request& r) { return AdminGuard(*impl, r); };
  admin.name = "gateway-admin";
  admin.host = impl_->options.admin_host;
  admin.port = impl_->options.admin_port;
  admin.body_limit = 64 * 1024 * 1024;
  admin.access_log = false;
  impl_->admin_server =
      std::make_unique<http::Server>(impl_->runtime, admin, impl_->admin_router, impl_->admin_registry);
  impl_->admin_server->Start();
  log::Info("gateway listening",
            {{"proxy", impl_->options.proxy_host + ":" + std::to_string(impl_->bound_port)},
             {"admin", impl_->options.admin_host + ":" + std::to_string(impl_->admin_server->port())}});
}

namespace {

asio::awaitable<void> Drain(std::shared_ptr<Gateway::Impl> impl, std::function<void()> done) {
  auto deadline = std::chrono::steady_clock::now() + impl->options.shutdown_grace;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while ((impl->open_sessions.load() > 0 || impl->accepting.load()) && std::chrono::steady_clock::now() < deadline) {
    timer.expires_after(std::chrono::milliseconds(20));
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  impl->balancers.Stop();
  if (impl->admin_server) {
    impl->admin_server->Shutdown(std::move(done));
  } else {
    done();
  }
}

}  // namespace

void Gateway::Shutdown(std::function<void()> done) {
  auto impl = impl_;
  impl->stopping = true;
  asio::post(impl->acceptor.get_executor(), [impl] {
    boost::system::error_code ec;
    impl->acceptor.close(ec);
  });
  for (std::size_t i = 0; i < impl->runtime.size(); ++i) {
    asio::post(impl->runtime.Context(i), [impl, i] { CloseIdleSessions(*impl, i); });
  }
  asio::co_spawn(impl->runtime.Context(0), Drain(impl, std::move(done)), log::LogFailure{"gateway drain failed"});
}

std::uint16_t Gateway::proxy_port() const {
  return impl_->bound_port;
}
std::uint16_t Gateway::admin_port() const {
  return impl_->admin_server ? impl_->admin_server->port() : 0;
}

}  // namespace comptoir::gateway
