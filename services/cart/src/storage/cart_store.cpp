#include "storage/cart_store.hpp"

#include <algorithm>

namespace comptoir::cart {
namespace {

using boost::asio::awaitable;

// Shared by every script: creates the meta hash if needed, stamps updated_at and refreshes the expiry of
// both keys. KEYS of the cart in `items`, `meta`; `ttl`, `now`, `customer` ("" for a guest) from ARGV.
#define CART_TOUCH_LUA                                                                \
  "local function touch(items, meta, ttl, now, customer)\n"                           \
  "  redis.call('HSETNX', meta, 'created_at', now)\n"                                 \
  "  redis.call('HSETNX', meta, 'customer_id', customer)\n"                           \
  "  redis.call('HSET', meta, 'updated_at', now)\n"                                   \
  "  redis.call('EXPIRE', meta, ttl)\n"                                               \
  "  if redis.call('EXISTS', items) == 1 then redis.call('EXPIRE', items, ttl) end\n" \
  "end\n"

// KEYS: items, meta. ARGV: ttl, now, customer, must_exist, product_id, delta, cap.
// Returns {0, 0} cart not found, {2, current} over the cap (nothing changed), {1, new quantity}.
constexpr const char* kAddScript = CART_TOUCH_LUA
    "if ARGV[4] == '1' and redis.call('EXISTS', KEYS[2]) == 0 then return {0, 0} end\n"
    "local cur = tonumber(redis.call('HGET', KEYS[1], ARGV[5]) or '0')\n"
    "local new = cur + tonumber(ARGV[6])\n"
    "if new > tonumber(ARGV[7]) then return {2, cur} end\n"
    "redis.call('HSET', KEYS[1], ARGV[5], new)\n"
    "touch(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3])\n"
    "return {1, new}\n";

// KEYS: items, meta. ARGV: ttl, now, customer, must_exist, product_id, quantity, cap.
// An increase above the cap is refused; a decrease always applies (stock may have dropped meanwhile).
constexpr const char* kSetScript = CART_TOUCH_LUA
    "if ARGV[4] == '1' and redis.call('EXISTS', KEYS[2]) == 0 then return {0, 0} end\n"
    "local cur = tonumber(redis.call('HGET', KEYS[1], ARGV[5]) or '0')\n"
    "local new = tonumber(ARGV[6])\n"
    "if new > cur and new > tonumber(ARGV[7]) then return {2, cur} end\n"
    "if new == 0 then redis.call('HDEL', KEYS[1], ARGV[5]) else redis.call('HSET', KEYS[1], ARGV[5], new) end\n"
    "touch(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3])\n"
    "return {1, new}\n";

// KEYS: items, meta. ARGV: ttl, now, customer, must_exist. Returns 0 when the cart does not exist.
constexpr const char* kClearScript = CART_TOUCH_LUA
    "if ARGV[4] == '1' and redis.call('EXISTS', KEYS[2]) == 0 then return 0 end\n"
    "redis.call('DEL', KEYS[1])\n"
    "touch(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3])\n"
    "return 1\n";

// KEYS: items, meta. ARGV: ttl, now, customer.
constexpr const char* kTouchScript = CART_TOUCH_LUA
    "touch(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3])\n"
    "return 1\n";

// KEYS: guest items, guest meta, own items, own meta. ARGV: ttl, now, customer, then product_id, cap pairs.
// Returns {0} guest cart not found, {2, product_id} a line without a cap (nothing changed), {1} merged.
constexpr const char* kMergeScript = CART_TOUCH_LUA
    "if redis.call('EXISTS', KEYS[2]) == 0 then return {0} end\n"
    "local caps = {}\n"
    "for i = 4, #ARGV, 2 do caps[ARGV[i]] = tonumber(ARGV[i + 1]) end\n"
    "local guest = redis.call('HGETALL', KEYS[1])\n"
    "for i = 1, #guest, 2 do if caps[guest[i]] == nil then return {2, guest[i]} end end\n"
    "for i = 1, #guest, 2 do\n"
    "  local pid = guest[i]\n"
    "  local cur = tonumber(redis.call('HGET', KEYS[3], pid) or '0')\n"
    "  local room = caps[pid] - cur\n"
    "  if room < 0 then room = 0 end\n"
    "  local add = tonumber(guest[i + 1])\n"
    "  if add > room then add = room end\n"
    "  if add > 0 then redis.call('HSET', KEYS[3], pid, cur + add) end\n"
    "end\n"
    "redis.call('DEL', KEYS[1], KEYS[2])\n"
    "touch(KEYS[3], KEYS[4], ARGV[1], ARGV[2], ARGV[3])\n"
    "return {1}\n";

#undef CART_TOUCH_LUA

std::string NowText() {
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch());
  return FormatTimestamp(now.count());
}

std::int64_t ToInt(const std::string& text) {
  try {
    return std::stoll(text);
  } catch (const std::exception&) {
    throw ApiError::Internal("cart.corrupt", "a cart holds a value that is not a number: " + text);
  }
}

ChangeResult ToChange(const redis::Reply& reply) {
  reply.ThrowIfError();
  const auto& parts = reply.Array();
  switch (parts.at(0).Integer()) {
    case 0:
      return {ChangeOutcome::kCartNotFound, 0};
    case 2:
      return {ChangeOutcome::kOverCap, parts.at(1).Integer()};
    default:
      return {ChangeOutcome::kApplied, parts.at(1).Integer()};
  }
}

}  // namespace

std::vector<std::string> CartStore::CommonArgs(const CartIdentity& cart) const {
  return {std::to_string(ttl_.count()), NowText(), cart.customer_id.value_or(""), cart.IsGuest() ? "1" : "0"};
}

awaitable<std::optional<StoredCart>> CartStore::Load(const CartIdentity& cart) {
  CartKeys keys = KeysOf(prefix_, cart.id);
  std::vector<std::vector<std::string>> commands;
  commands.push_back({"HGETALL", keys.meta});
  commands.push_back({"HGETALL", keys.items});
  std::vector<redis::Reply> replies = co_await redis_.Pipeline(std::move(commands));
  const auto& meta = replies.at(0).ThrowIfError().Array();
  if (meta.empty()) co_return std::nullopt;
  StoredCart stored;
  stored.id = cart.id;
  stored.customer_id = cart.customer_id;
  for (std::size_t i = 0; i + 1 < meta.size(); i += 2) {
    const std::string& field = meta[i].String();
    if (field == "created_at") stored.created_at = meta[i + 1].String();
    if (field == "updated_at") stored.updated_at = meta[i + 1].String();
  }
  const auto& items = replies.at(1).ThrowIfError().Array();
  for (std::size_t i = 0; i + 1 < items.size(); i += 2) {
    stored.items.emplace_back(ToInt(items[i].String()), ToInt(items[i + 1].String()));
  }
  std::sort(stored.items.begin(), stored.items.end());
  co_return stored;
}

awaitable<void> CartStore::Touch(const CartIdentity& cart) {
  CartKeys keys = KeysOf(prefix_, cart.id);
  auto args = CommonArgs(cart);
  args.pop_back();
  std::vector<std::string> key_list{keys.items, keys.meta};
  redis::Reply reply = co_await redis_.Eval(kTouchScript, std::move(key_list), std::move(args));
  reply.ThrowIfError();
}

awaitable<ChangeResult> CartStore::Add(const CartIdentity& cart, std::int64_t product_id, std::int64_t delta,
                                       std::int64_t cap) {
  CartKeys keys = KeysOf(prefix_, cart.id);
  auto args = CommonArgs(cart);
  args.push_back(std::to_string(product_id));
  args.push_back(std::to_string(delta));
  args.push_back(std::to_string(cap));
  std::vector<std::string> key_list{keys.items, keys.meta};
  redis::Reply reply = co_await redis_.Eval(kAddScript, std::move(key_list), std::move(args));
  co_return ToChange(reply);
}

awaitable<ChangeResult> CartStore::Set(const CartIdentity& cart, std::int64_t product_id, std::int64_t quantity,
                                       std::int64_t cap) {
  CartKeys keys = KeysOf(prefix_, cart.id);
  auto args = CommonArgs(cart);
  args.push_back(std::to_string(product_id));
  args.push_back(std::to_string(quantity));
  args.push_back(std::to_string(cap));
  std::vector<std::string> key_list{keys.items, keys.meta};
  redis::Reply reply = co_await redis_.Eval(kSetScript, std::move(key_list), std::move(args));
  co_return ToChange(reply);
}

awaitable<bool> CartStore::Clear(const CartIdentity& cart) {
  CartKeys keys = KeysOf(prefix_, cart.id);
  std::vector<std::string> key_list{keys.items, keys.meta};
  redis::Reply reply = co_await redis_.Eval(kClearScript, std::move(key_list), CommonArgs(cart));
  co_return reply.ThrowIfError().Integer() == 1;
}

awaitable<std::vector<std::int64_t>> CartStore::ProductIds(const CartIdentity& cart) {
  CartKeys keys = KeysOf(prefix_, cart.id);
  std::vector<std::string> command{"HKEYS", keys.items};
  redis::Reply reply = co_await redis_.Command(std::move(command));
  std::vector<std::int64_t> ids;
  for (const auto& field : reply.ThrowIfError().Array()) ids.push_back(ToInt(field.String()));
  std::sort(ids.begin(), ids.end());
  co_return ids;
}

awaitable<MergeOutcome> CartStore::Merge(const CartIdentity& guest, const CartIdentity& own,
                                         const std::map<std::int64_t, std::int64_t>& caps) {
  CartKeys from = KeysOf(prefix_, guest.id);
  CartKeys to = KeysOf(prefix_, own.id);
  auto args = CommonArgs(own);
  args.pop_back();
  for (const auto& [product_id, cap] : caps) {
    args.push_back(std::to_string(product_id));
    args.push_back(std::to_string(cap));
  }
  std::vector<std::string> key_list{from.items, from.meta, to.items, to.meta};
  redis::Reply reply = co_await redis_.Eval(kMergeScript, std::move(key_list), std::move(args));
  switch (reply.ThrowIfError().Array().at(0).Integer()) {
    case 0:
      co_return MergeOutcome::kGuestNotFound;
    case 2:
      co_return MergeOutcome::kUnknownProduct;
    default:
      co_return MergeOutcome::kMerged;
  }
}

}  // namespace comptoir::cart
