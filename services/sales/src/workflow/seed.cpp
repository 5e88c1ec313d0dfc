#include "workflow/seed.hpp"

#include <array>
#include <chrono>
#include <cstdio>

#include "comptoir/money.hpp"
#include "comptoir/service/outbox.hpp"
#include "storage/repository.hpp"
#include "workflow/desk.hpp"

namespace comptoir::sales {
namespace {

// Demo gift cards (README): codes drawn once from a CSPRNG, with their check symbol; the PINs 314159,
// 271828, 161803 and 141421 are stored as the Argon2id hashes below (libsodium's interactive cost).
constexpr pg::Statement kSeedGiftCards{
    "sales.seed_gift_cards",
    "INSERT INTO gift_cards (code, balance_cents, pin_hash, issued_by) VALUES"
    " ('GC-M5WH-9SD0-RR8Q-PRQZ', 5000,"
    " '$argon2id$v=19$m=65536,t=2,p=1$/Us+AyIdfqizRFRdiV8VOg$l05sHERmYmaE4MQTg6gWqM2uwBLY7EdT5bGKLUYIEr4', 'seed'),"
    " ('GC-CY8X-FR05-X3PA-TAK7', 10000,"
    " '$argon2id$v=19$m=65536,t=2,p=1$3QoEgOqfOxthXcfTVS3y9A$f1h44t+gZosinhKs8Z0cnDEZ75KTLGjGmpJ9AuDXtlQ', 'seed'),"
    " ('GC-Z2D7-2VNR-94K7-GF7T', 2500,"
    " '$argon2id$v=19$m=65536,t=2,p=1$60xmYYoRZBTf5Kgfioapgg$HNQovQKxWsTNCmI6A2ltRXjLEyzZn14SksSM+6/rSu8', 'seed'),"
    " ('GC-0THM-4JB6-VGKA-G7KJ', 20000,"
    " '$argon2id$v=19$m=65536,t=2,p=1$g9pYAqPvZPZH7gclGiSJgg$x+fm6SUbCh3/D60Rhg6beO+OtgU/IQnSd6QsBH/DTdU', 'seed')"
    " ON CONFLICT DO NOTHING"};
constexpr pg::Statement kClaimSeed{
    "sales.seed_claim", "INSERT INTO seed_runs (name) VALUES ($1::text) ON CONFLICT DO NOTHING RETURNING name"};

// The demo catalogue of DESIGN §7 (products 1–18), as product seeds it.
struct DemoProduct {
  std::int64_t id;
  const char* sku;
  const char* name;
  std::int64_t price_cents;
};
constexpr std::array<DemoProduct, 18> kProducts{{
    {1, "ELEC-0001", "iPhone 16 Pro Max", 129999},
    {2, "ELEC-0002", "MacBook Air", 109999},
    {3, "ELEC-0003", "AirPods Pro", 25999},
    {4, "ELEC-0004", "iPad", 44999},
    {5, "VETE-0001", "T-shirt", 1999},
    {6, "VETE-0002", "Jean", 5999},
    {7, "VETE-0003", "Veste d'hiver", 12999},
    {8, "VETE-0004", "Baskets", 8999},
    {9, "ALIM-0001", "Café", 1299},
    {10, "ALIM-0002", "Chocolat Noir", 499},
    {11, "ALIM-0003", "Thé Vert", 899},
    {12, "ALIM-0004", "Miel", 1599},
    {13, "MAIS-0001", "Aspirateur Dyson", 29999},
    {14, "MAIS-0002", "Plante Verte", 2499},
    {15, "MAIS-0003", "Lampe LED", 3999},
    {16, "SPOR-0001", "Ballon Football", 2999},
    {17, "SPOR-0002", "Raquette Tennis", 7999},
    {18, "SPOR-0003", "Vélo VTT", 49999},
}};
// Everyday items sell more often than laptops: an index list weighted by hand.
constexpr std::array<int, 32> kPopular{4, 4, 4,  8,  8,  8, 8, 9,  9, 9,  10, 10, 11, 11, 13, 13,
                                       5, 5, 15, 15, 14, 6, 7, 16, 2, 12, 3,  0,  1,  17, 8,  4};

// Deterministic pseudo-random numbers (a 64-bit LCG): the same history for the same seeding day.
class Lcg {
 public:
  explicit Lcg(std::uint64_t seed) : state_(seed * 6364136223846793005ULL + 1442695040888963407ULL) {}
  std::int64_t Next(std::int64_t bound) {
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::int64_t>((state_ >> 33) % static_cast<std::uint64_t>(bound));
  }

 private:
  std::uint64_t state_;
};

std::string Timestamp(std::chrono::sys_days day, std::int64_t minutes) {
  std::chrono::year_month_day ymd(day);
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02lld:%02lld:00Z", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long long>(minutes / 60), static_cast<long long>(minutes % 60));
  return buffer;
}

Sale DemoSale(Lcg& rng, std::int64_t store) {
  std::vector<std::pair<Product, std::int64_t>> scanned;
  const std::int64_t count = 1 + rng.Next(3);
  for (std::int64_t i = 0; i < count; ++i) {
    const DemoProduct& d = kProducts[static_cast<std::size_t>(kPopular[static_cast<std::size_t>(rng.Next(32))])];
    // ADR 0140: Café, Thé Vert and Miel are zero-rated basic groceries.
    const bool grocery = d.id == 9 || d.id == 11 || d.id == 12;
    scanned.emplace_back(Product{d.id, d.sku, d.name, d.price_cents, true, std::nullopt,
                                 grocery ? money::TaxClass::kZeroRated : money::TaxClass::kTaxable},
                         1 + (rng.Next(4) == 0 ? 1 : 0));
  }
  Sale sale;
  sale.location_id = store;
  sale.cashier_id = std::to_string(store);  // demo cashier ids equal their store ids
  sale.lines = PriceLines(scanned);
  sale.totals = TotalsOfLines(sale.lines);
  switch (rng.Next(3)) {
    case 0:
      sale.payments.push_back(Payment{Tender::kCard, sale.totals.total_cents});
      break;
    case 1:
      sale.payments.push_back(Payment{Tender::kDebit, sale.totals.total_cents});
      break;
    default: {
      // Cash: the customer hands the next multiple of 5 $ above what is due.
      const std::int64_t due = money::RoundToNickel(sale.totals.total_cents);
      sale.payments.push_back(Payment{Tender::kCash, (due / 500 + 1) * 500});
    }
  }
  return sale;
}

}  // namespace

boost::asio::awaitable<void> SeedDemoData(pg::Pool& db) {
  co_await db.Execute(kSeedGiftCards);
  pg::Transaction tx = co_await db.Begin();
  pg::Result claimed = co_await tx.Execute(kClaimSeed, pg::Params().Add("demo_sales_history"));
  if (claimed.empty()) co_return;  // seeded before: the transaction rolls back, nothing changes
  Repository repository(db);
  const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  // Day by day, store by store, so that receipt numbers follow time at each store.
  for (int days_ago = 7; days_ago >= 1; --days_ago) {
    const std::chrono::sys_days day = today - std::chrono::days(days_ago);
    for (std::int64_t store = 1; store <= 5; ++store) {
      Lcg rng(static_cast<std::uint64_t>(days_ago * 10 + store));
      const std::int64_t sales = 3 + rng.Next(6);
      std::int64_t minute = 14 * 60;  // 9:00 in Montréal (UTC−5), in UTC
      for (std::int64_t n = 0; n < sales; ++n) {
        minute += 20 + rng.Next(70);
        Sale sale = DemoSale(rng, store);
        const Settlement settlement = Settle(sale.totals.total_cents, sale.payments);
        sale.cash_rounding_cents = settlement.cash_rounding_cents;
        sale.change_cents = settlement.change_cents;
        sale.cash_taken_cents = settlement.cash_taken_cents();
        co_await repository.InsertSale(tx, sale, settlement, std::nullopt, "seed", Timestamp(day, minute));
        service::Event event{"SaleCompleted", "sale", std::to_string(sale.id), SaleCompletedData(sale), "seed"};
        co_await service::AppendEvent(tx, "sales", std::move(event));
      }
    }
  }
  co_await tx.Commit();
}

}  // namespace comptoir::sales
