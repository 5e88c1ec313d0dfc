#pragma once
#include <boost/asio/awaitable.hpp>

#include "comptoir/pg/pg.hpp"

namespace comptoir::sales {

/// Demo data of DESIGN §7 owned by sales: a few gift cards, and a week of past sales at the five stores
/// (3–8 a day per store for the 7 days before the first seeding, deterministic, prices of DESIGN §7,
/// taxes and cash rounding from money.hpp, cashier id = store id, receipt numbers from the counters,
/// a SaleCompleted event each). Gift cards: ON CONFLICT DO NOTHING; history: once per database
/// (seed_runs). Never destroys anything.
boost::asio::awaitable<void> SeedDemoData(pg::Pool& db);

}  // namespace comptoir::sales
