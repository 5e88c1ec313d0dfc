// The access phase of a request: plugins in priority order, switching to the consumer's plugin
// list once an authentication plugin identified a consumer with plugins of its own (Kong's
// precedence); header filters and the log phase.
#include "session.hpp"

namespace comptoir::gateway {
namespace proxy_detail {

// Runs the header filters and log phases of `plugins` (priority order).
void HeaderFilters(RequestContext& ctx, const std::vector<const PluginInstance*>& plugins, http::Response& r) {
  for (const auto* pi : plugins) pi->plugin->HeaderFilter(ctx, r);
}
void LogPhase(const RequestContext& ctx, const std::vector<const PluginInstance*>& plugins) {
  for (const auto* pi : plugins) pi->plugin->Log(ctx);
}

// After plugin `i` of the active list ran: moves the cursor past it, switching to the plugin list
// of the consumer when an authentication plugin identified one (or another one: jwt, then key-auth),
// as Kong picks each plugin's configuration with the consumer known when that plugin runs.
void Advance(RequestContext& ctx, const State& state, AccessCursor& c, std::size_t i) {
  c.next = i + 1;
  if (c.route_list == nullptr) c.route_list = c.active;
  if (ctx.consumer_index < 0 || ctx.consumer_index == c.resolved_for) return;
  c.resolved_for = ctx.consumer_index;
  // Without plugins of its own, the consumer's combination is the route's list.
  const auto consumer = static_cast<std::size_t>(ctx.consumer_index);
  const bool own = consumer < state.consumer_has_plugins.size() && state.consumer_has_plugins[consumer];
  if (!own && c.active == c.route_list) return;
  const auto* current = (*c.active)[i];
  if (own) {
    c.consumer_plugins = ResolvePlugins(*state.config, ctx.route_index, ctx.service_index, ctx.consumer_index);
    c.active = &c.consumer_plugins;
  } else {
    c.active = c.route_list;
  }
  // Continue with what comes after the current plugin in the new list.
  const int priority = current->plugin->Priority();
  std::size_t next = 0;
  const auto& list = *c.active;
  while (next < list.size() && (list[next]->plugin->Priority() > priority ||
                                (list[next]->plugin->Priority() == priority && list[next]->name <= current->name))) {
    ++next;
  }
  c.next = next;
}

// Runs Access of the plugins from the cursor on. Returns true when it stopped at a plugin whose
// AccessAsync must now be awaited (the cursor still points at it), false when the phase is over
// (every plugin ran, or one set ctx.exit).
bool AccessUntilAsync(RequestContext& ctx, const State& state, AccessCursor& c) {
  while (c.next < c.active->size()) {
    const auto* pi = (*c.active)[c.next];
    pi->plugin->Access(ctx);
    if (ctx.exit) return false;
    if (pi->plugin->HasAsyncAccess()) return true;
    Advance(ctx, state, c, c.next);
  }
  return false;
}

// The part of the access phase that awaits (plugins with I/O, such as rate-limiting on Redis).
asio::awaitable<void> AccessAsyncRest(RequestContext& ctx, const State& state, AccessCursor& c) {
  do {
    co_await (*c.active)[c.next]->plugin->AccessAsync(ctx);
    if (ctx.exit) co_return;
    Advance(ctx, state, c, c.next);
  } while (AccessUntilAsync(ctx, state, c));
}

}  // namespace proxy_detail
}  // namespace comptoir::gateway
