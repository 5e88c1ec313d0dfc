// Property test (rapidcheck state machine) of the cart's store against a model (ADR 0040), on the real Redis
// of the CTest "redis" fixture: random sequences of adds, sets, clears, touches, loads and merges over one
// guest cart and one shopper's cart, with caps that move (stock drops meanwhile). After every command the
// outcome (applied / over the cap / not found, the quantity) and every cart Load() returns are the model's.
#include <unistd.h>
#include <map>
#include <optional>

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

#include "comptoir/http/runtime.hpp"
#include "comptoir/redis/redis.hpp"
#include "comptoir/testing/async.hpp"
#include "comptoir/testing/pg.hpp"
#include "storage/cart_store.hpp"

namespace comptoir::cart {
namespace {

namespace ct = comptoir::testing;

struct ModelCart {
  bool exists = false;
  std::map<std::int64_t, std::int64_t> items;  ///< product_id -> quantity (> 0)
};

struct Model {
  ModelCart guest;
  ModelCart own;  ///< the shopper's cart: created by its first change
};

struct Sut {
  http::Runtime& runtime;
  CartStore& store;
  CartIdentity guest;
  CartIdentity own;
  template <class T>
  T Run(boost::asio::awaitable<T> task) {
    return ct::RunAsync(runtime, std::move(task));
  }
};

using Cmd = rc::state::Command<Model, Sut>;

// Few products, so lines meet again; caps around the quantities, so both outcomes happen.
std::int64_t AnyProduct() {
  return *rc::gen::inRange<std::int64_t>(1, 5);
}
std::int64_t AnyCap() {
  return *rc::gen::inRange<std::int64_t>(0, 30);
}

ModelCart& Of(Model& m, bool guest) {
  return guest ? m.guest : m.own;
}
const ModelCart& Of(const Model& m, bool guest) {
  return guest ? m.guest : m.own;
}

void ExpectStored(Sut& sut, const Model& m, bool guest) {
  const ModelCart& want = Of(m, guest);
  auto got = sut.Run(sut.store.Load(guest ? sut.guest : sut.own));
  RC_ASSERT(got.has_value() == want.exists);
  if (!got) return;
  const std::vector<std::pair<std::int64_t, std::int64_t>> items(want.items.begin(), want.items.end());
  RC_ASSERT(got->items == items);
}

struct Add : Cmd {
  bool guest = *rc::gen::arbitrary<bool>();
  std::int64_t product = AnyProduct();
  std::int64_t delta = *rc::gen::inRange<std::int64_t>(1, 12);
  std::int64_t cap = AnyCap();
  // The model's answer: outcome and quantity, and the model after.
  ChangeResult Expected(Model& m) const {
    ModelCart& c = Of(m, guest);
    if (guest && !c.exists) return {ChangeOutcome::kCartNotFound, 0};
    const std::int64_t cur = c.items.contains(product) ? c.items.at(product) : 0;
    if (cur + delta > cap) return {ChangeOutcome::kOverCap, cur};
    c.exists = true;
    c.items[product] = cur + delta;
    return {ChangeOutcome::kApplied, cur + delta};
  }
  void apply(Model& m) const override { Expected(m); }
  void run(const Model& m, Sut& sut) const override {
    Model after = m;
    const ChangeResult want = Expected(after);
    const ChangeResult got = sut.Run(sut.store.Add(guest ? sut.guest : sut.own, product, delta, cap));
    RC_ASSERT(got.outcome == want.outcome);
    RC_ASSERT(got.quantity == want.quantity);
    ExpectStored(sut, after, guest);
  }
  void show(std::ostream& os) const override {
    os << "Add(" << (guest ? "guest" : "own") << ", product " << product << ", +" << delta << ", cap " << cap << ")";
  }
};

struct Set : Cmd {
  bool guest = *rc::gen::arbitrary<bool>();
  std::int64_t product = AnyProduct();
  std::int64_t quantity = *rc::gen::inRange<std::int64_t>(0, 25);
  std::int64_t cap = AnyCap();
  ChangeResult Expected(Model& m) const {
    ModelCart& c = Of(m, guest);
    if (guest && !c.exists) return {ChangeOutcome::kCartNotFound, 0};
    const std::int64_t cur = c.items.contains(product) ? c.items.at(product) : 0;
    // An increase above the cap is refused; a decrease always applies.
    if (quantity > cur && quantity > cap) return {ChangeOutcome::kOverCap, cur};
    c.exists = true;
    if (quantity == 0) {
      c.items.erase(product);
    } else {
      c.items[product] = quantity;
    }
    return {ChangeOutcome::kApplied, quantity};
  }
  void apply(Model& m) const override { Expected(m); }
  void run(const Model& m, Sut& sut) const override {
    Model after = m;
    const ChangeResult want = Expected(after);
    const ChangeResult got = sut.Run(sut.store.Set(guest ? sut.guest : sut.own, product, quantity, cap));
    RC_ASSERT(got.outcome == want.outcome);
    RC_ASSERT(got.quantity == want.quantity);
    ExpectStored(sut, after, guest);
  }
  void show(std::ostream& os) const override {
    os << "Set(" << (guest ? "guest" : "own") << ", product " << product << ", =" << quantity << ", cap " << cap << ")";
  }
};

struct Clear : Cmd {
  bool guest = *rc::gen::arbitrary<bool>();
  void apply(Model& m) const override {
    ModelCart& c = Of(m, guest);
    if (guest && !c.exists) return;
    c.exists = true;
    c.items.clear();
  }
  void run(const Model& m, Sut& sut) const override {
    const bool want = !(guest && !Of(m, guest).exists);
    RC_ASSERT(sut.Run(sut.store.Clear(guest ? sut.guest : sut.own)) == want);
    Model after = m;
    apply(after);
    ExpectStored(sut, after, guest);
  }
  void show(std::ostream& os) const override { os << "Clear(" << (guest ? "guest" : "own") << ")"; }
};

struct Touch : Cmd {
  bool guest = *rc::gen::arbitrary<bool>();
  void apply(Model& m) const override { Of(m, guest).exists = true; }
  void run(const Model& m, Sut& sut) const override {
    sut.Run(sut.store.Touch(guest ? sut.guest : sut.own));
    Model after = m;
    apply(after);
    ExpectStored(sut, after, guest);
  }
  void show(std::ostream& os) const override { os << "Touch(" << (guest ? "guest" : "own") << ")"; }
};

// Signing in: the guest cart's lines move into the shopper's, each within its cap (a line already above
// its cap is never reduced), and the guest cart is gone.
struct Merge : Cmd {
  std::map<std::int64_t, std::int64_t> caps = [] {
    std::map<std::int64_t, std::int64_t> c;
    for (std::int64_t p = 1; p < 5; ++p) c[p] = AnyCap();
    // Now and then a product of the guest cart has no cap (it was added after the caps were read).
    if (*rc::gen::inRange(0, 6) == 0) c.erase(AnyProduct());
    return c;
  }();
  MergeOutcome Expected(Model& m) const {
    if (!m.guest.exists) return MergeOutcome::kGuestNotFound;
    for (const auto& [p, q] : m.guest.items) {
      if (!caps.contains(p)) return MergeOutcome::kUnknownProduct;
    }
    for (const auto& [p, q] : m.guest.items) {
      const std::int64_t cur = m.own.items.contains(p) ? m.own.items.at(p) : 0;
      const std::int64_t add = std::min(q, std::max<std::int64_t>(0, caps.at(p) - cur));
      if (add > 0) m.own.items[p] = cur + add;
    }
    m.guest = ModelCart{};
    m.own.exists = true;
    return MergeOutcome::kMerged;
  }
  void apply(Model& m) const override { Expected(m); }
  void run(const Model& m, Sut& sut) const override {
    Model after = m;
    const MergeOutcome want = Expected(after);
    RC_ASSERT(sut.Run(sut.store.Merge(sut.guest, sut.own, caps)) == want);
    ExpectStored(sut, after, true);
    ExpectStored(sut, after, false);
  }
  void show(std::ostream& os) const override {
    os << "Merge(caps";
    for (const auto& [p, c] : caps) os << " " << p << ":" << c;
    os << ")";
  }
};

std::string UniqueUuid() {
  static int n = 0;
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%08x-0000-4000-8000-%012x", static_cast<unsigned>(::getpid()), ++n);
  return buffer;
}

RC_GTEST_PROP(CartStoreProperty, EveryCommandAnswersAndStoresWhatTheModelSays, ()) {
  static http::Runtime runtime{1};
  static redis::Client redis(runtime, [] {
    redis::Options o;
    o.port = static_cast<std::uint16_t>(ct::RedisPort());
    return o;
  }());
  CartStore store(redis, "cart_property_test", std::chrono::seconds(600));
  // Fresh carts for every sequence: a guest's (UUID) and a shopper's.
  Sut sut{runtime, store, CartIdentity{UniqueUuid(), std::nullopt}, CartIdentity{}};
  sut.own.customer_id = std::to_string(::getpid()) + std::to_string(*rc::gen::inRange(0, 1 << 30));
  sut.own.id = CustomerCartId(*sut.own.customer_id);
  Model model;
  rc::state::check(model, sut, rc::state::gen::execOneOfWithArgs<Add, Set, Clear, Touch, Merge>());
}

}  // namespace
}  // namespace comptoir::cart
