#include "peers/locations.hpp"

#include <boost/json.hpp>

#include "comptoir/error.hpp"

namespace comptoir::sales {

boost::asio::awaitable<receipt::Store> Locations::Find(const http::Request& origin, std::int64_t location_id) {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    auto it = cache_.find(location_id);
    if (it != cache_.end() && now - it->second.fetched < ttl_) co_return it->second.store;
  }
  boost::json::value body;
  try {
    body = co_await peer_.CallJson(origin, http::Method::kGet, "/api/v1/locations/" + std::to_string(location_id));
  } catch (const ApiError& e) {
    if (e.kind() != ErrorKind::kNotFound) throw;
    throw ApiError::Unavailable("inventory.unavailable", "inventory does not know the sale's location");
  }
  receipt::Store store;
  const auto* o = body.if_object();
  auto text = [o](std::string_view key) -> std::string {
    const auto* v = o != nullptr ? o->if_contains(key) : nullptr;
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  store.name = text("name");
  store.address = text("address");
  store.city = text("city");
  if (store.name.empty()) throw ApiError::Unavailable("inventory.unavailable", "inventory answered a location without name");
  std::lock_guard lock(mutex_);
  cache_[location_id] = Entry{store, now};
  co_return store;
}

}  // namespace comptoir::sales
