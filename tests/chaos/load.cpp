#include "load.hpp"

#include <functional>
#include <random>

#include <boost/json.hpp>

#include "comptoir/http/server.hpp"
#include "comptoir/money.hpp"
#include "comptoir/testing/http.hpp"
#include "comptoir/testing/platform.hpp"

namespace comptoir::chaos {
namespace json = boost::json;
using namespace std::chrono_literals;

const char* KindName(Kind kind) {
  switch (kind) {
    case Kind::kSale:
      return "sale";
    case Kind::kReturn:
      return "return";
    case Kind::kCheckout:
      return "checkout";
  }
  return "?";
}

void Journal::Record(const Attempt& a) {
  std::lock_guard lock(mutex_);
  attempts_.push_back(a);
}

void Journal::Finish(Operation op) {
  op.ended = Clock::now();
  std::lock_guard lock(mutex_);
  operations_.push_back(std::move(op));
}

std::vector<Attempt> Journal::AttemptsBetween(Clock::time_point from, Clock::time_point to) const {
  std::lock_guard lock(mutex_);
  std::vector<Attempt> out;
  for (const auto& a : attempts_) {
    if (a.start >= from && a.start < to) out.push_back(a);
  }
  return out;
}

std::vector<Operation> Journal::Operations() const {
  std::lock_guard lock(mutex_);
  return operations_;
}

Clock::time_point Journal::FirstSuccessAfter(Kind kind, Clock::time_point after) const {
  std::lock_guard lock(mutex_);
  auto best = Clock::time_point::max();
  for (const auto& op : operations_) {
    if (op.kind == kind && op.started >= after && op.succeeded) best = std::min(best, op.ended);
  }
  return best;
}

namespace {

// Demo prices (DESIGN §7) of the products the tills sell: T-shirt, Café, Chocolat Noir, Thé Vert, Miel,
// Plante Verte, Lampe LED, Ballon Football. Every product is taxable here.
const std::map<int, std::int64_t> kPrices = {{5, 1999},  {9, 1299},  {10, 499},  {11, 899},
                                             {12, 1599}, {14, 2499}, {15, 3999}, {16, 2999}};

struct Answer {
  int status = 0;
  bool timed_out = false;
  json::value body;
};

// One attempt, recorded.
Answer Send(const LoadOptions& o, Journal& journal, Kind kind, const std::string& method, const std::string& target,
            const std::string& body, const std::string& token, const std::string& key) {
  std::vector<std::pair<std::string, std::string>> headers{{"X-API-Key", testing::kTestApiKey}};
  if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
  if (!key.empty()) headers.emplace_back("Idempotency-Key", key);
  Attempt a{kind, Clock::now(), {}, 0, false};
  Answer answer;
  try {
    auto r = testing::Http(static_cast<std::uint16_t>(o.gateway_port), method, target, body, headers, o.client_timeout);
    answer.status = r.status;
    boost::system::error_code ec;
    answer.body = json::parse(r.body, ec);
  } catch (const std::exception& e) {
    answer.timed_out = std::string_view(e.what()).find("timeout") != std::string_view::npos ||
                       std::string_view(e.what()).find("timed out") != std::string_view::npos;
  }
  a.end = Clock::now();
  a.status = answer.status;
  a.timed_out = answer.timed_out || a.end - a.start >= o.client_timeout;
  journal.Record(a);
  return answer;
}

bool Ok(const Answer& a) {
  return a.status >= 200 && a.status < 300;
}
// What a client retries: no answer, or the platform's own trouble (5xx, 429). A 4xx is final.
bool Retryable(const Answer& a) {
  return a.status == 0 || a.status >= 500 || a.status == 429;
}

std::string IdText(const json::value& v) {
  if (!v.is_object() || !v.as_object().contains("id")) return {};
  const auto& id = v.at("id");
  return id.is_string() ? std::string(id.as_string()) : json::serialize(id);
}

std::int64_t IntOf(const json::value& v, const char* field) {
  if (!v.is_object() || !v.as_object().contains(field) || !v.at(field).is_int64()) return 0;
  return v.at(field).as_int64();
}

}  // namespace

Load::Load(LoadOptions options, Journal& journal) : options_(options), journal_(journal) {}

Load::~Load() {
  Stop();
}

void Load::Start() {
  threads_.emplace_back([this] { Cashier("cashier.vieux-montreal@comptoir.local", 1); });
  threads_.emplace_back([this] { Cashier("cashier.plateau@comptoir.local", 2); });
  threads_.emplace_back([this] { Shopper("jean.dupont@example.com"); });
}

void Load::Pause() {
  paused_ = true;
  while (busy_.load() > 0) std::this_thread::sleep_for(20ms);
}

void Load::Resume() {
  paused_ = false;
}

void Load::Stop() {
  stop_ = true;
  paused_ = false;
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

// Between two operations: the pace, and a pause while the suite checks; false when stopping.
bool Load::Waiting() {
  busy_.fetch_sub(1);
  std::this_thread::sleep_for(options_.pace);
  while (paused_ && !stop_) std::this_thread::sleep_for(20ms);
  busy_.fetch_add(1);
  // The suite may have paused between the check and the increment: back off once more.
  if (paused_ && !stop_) return Waiting();
  return !stop_;
}

namespace {

// Signs in (staff or shopper) until it works or the client stops.
std::string SignIn(const LoadOptions& o, Journal& journal, Kind kind, const std::string& path, const std::string& email,
                   const std::atomic<bool>& stop) {
  const std::string body = json::serialize(json::object{{"email", email}, {"password", "comptoir-demo"}});
  while (!stop) {
    Answer a = Send(o, journal, kind, "POST", path, body, {}, {});
    if (Ok(a) && a.body.is_object() && a.body.as_object().contains("access_token")) {
      return std::string(a.body.at("access_token").as_string());
    }
    std::this_thread::sleep_for(200ms);
  }
  return {};
}

// One write until it succeeds, is refused (4xx), or has been retried for `give_up`; re-signs in on 401.
Answer Write(const LoadOptions& o, Journal& journal, Kind kind, const std::string& target, const std::string& body,
             std::string& token, const std::string& key, const std::function<std::string()>& sign_in) {
  const auto deadline = Clock::now() + o.give_up;
  for (;;) {
    Answer a = Send(o, journal, kind, "POST", target, body, token, key);
    if (a.status == 401) token = sign_in();
    if (Ok(a) || (!Retryable(a) && a.status != 401) || Clock::now() >= deadline) return a;
    std::this_thread::sleep_for(300ms);
  }
}

}  // namespace

void Load::Cashier(std::string email, int location) {
  busy_.fetch_add(1);
  std::mt19937 rng(static_cast<unsigned>(location));
  auto sign_in = [&] { return SignIn(options_, journal_, Kind::kSale, "/api/v1/auth/staff/login", email, stop_); };
  std::string token = sign_in();
  struct Sold {
    std::string id;
    int product;
    int left;  // units not yet returned
  };
  std::vector<Sold> sold;
  while (Waiting()) {
    if (!sold.empty() && rng() % 3 == 0) {
      // A return of one unit of an earlier sale.
      const std::size_t pick = rng() % sold.size();
      Operation op{Kind::kReturn, http::NewUuid()};
      json::object body{{"lines", json::array{json::object{{"product_id", sold[pick].product}, {"quantity", 1}}}},
                        {"reason", "chaos"}};
      Answer a = Write(options_, journal_, Kind::kReturn, "/api/v1/sales/" + sold[pick].id + "/returns",
                       json::serialize(body), token, op.key, sign_in);
      op.succeeded = Ok(a);
      op.id = IdText(a.body);
      op.total_cents = IntOf(a.body, "total_cents");
      if (op.succeeded && --sold[pick].left == 0) sold.erase(sold.begin() + static_cast<std::ptrdiff_t>(pick));
      journal_.Finish(std::move(op));
      continue;
    }
    auto it = kPrices.begin();
    std::advance(it, static_cast<long>(rng() % kPrices.size()));
    const int product = it->first;
    const std::int64_t subtotal = 2 * it->second;
    const std::int64_t total = subtotal + money::QuebecTaxes(subtotal).total();
    Operation op{Kind::kSale, http::NewUuid()};
    json::object body{{"location_id", location},
                      {"lines", json::array{json::object{{"product_id", product}, {"quantity", 2}}}},
                      {"payments", json::array{json::object{{"method", "card"}, {"amount_cents", total}}}}};
    Answer a = Write(options_, journal_, Kind::kSale, "/api/v1/sales", json::serialize(body), token, op.key, sign_in);
    op.succeeded = Ok(a);
    op.id = IdText(a.body);
    op.total_cents = IntOf(a.body, "total_cents");
    if (op.succeeded) sold.push_back({op.id, product, 2});
    journal_.Finish(std::move(op));
  }
  busy_.fetch_sub(1);
}

void Load::Shopper(std::string email) {
  busy_.fetch_add(1);
  auto sign_in = [&] { return SignIn(options_, journal_, Kind::kCheckout, "/api/v1/auth/login", email, stop_); };
  std::string token = sign_in();
  std::size_t turn = 0;
  const json::object address{
      {"line1", "5333 avenue Casgrain"}, {"city", "Montréal"}, {"province", "QC"}, {"postal_code", "H2T 1X3"}};
  while (Waiting()) {
    // Fill the shopper's cart with one unit (the products turn, so the centre's stock lasts).
    auto it = kPrices.begin();
    std::advance(it, static_cast<long>(turn++ % kPrices.size()));
    Answer cart = Send(options_, journal_, Kind::kCheckout, "GET", "/api/v1/cart", {}, token, {});
    if (cart.status == 401) token = sign_in();
    const std::string cart_id = IdText(cart.body);
    if (!Ok(cart) || cart_id.empty()) continue;
    Answer added = Send(options_, journal_, Kind::kCheckout, "POST", "/api/v1/carts/" + cart_id + "/items",
                        json::serialize(json::object{{"product_id", it->first}, {"quantity", 1}}), token, {});
    if (!Ok(added)) continue;
    Operation op{Kind::kCheckout, http::NewUuid()};
    json::object body{{"cart_id", cart_id},
                      {"shipping_address", address},
                      {"payment", json::object{{"method", "card"}, {"card_number", "4242424242424242"}}}};
    Answer a =
        Write(options_, journal_, Kind::kCheckout, "/api/v1/checkout", json::serialize(body), token, op.key, sign_in);
    op.succeeded = Ok(a);
    op.id = IdText(a.body);
    op.total_cents = IntOf(a.body, "total_cents");
    journal_.Finish(std::move(op));
  }
  busy_.fetch_sub(1);
}

}  // namespace comptoir::chaos
