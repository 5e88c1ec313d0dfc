#pragma once
#include <string_view>
#include <vector>

#include "runner.hpp"

namespace comptoir::load {

/// Every scenario, with its executor at full length (docs: bench/README.md):
///  seed-15vu, seed-100vu   the seed's two "fair comparison" profiles (ramping-vus, its mix and sleeps;
///                          its unauthenticated /customers calls are signed-in GET /customers/me here)
///  pos-sale                a cashier (signed in once per VU) scans 1-3 barcodes and sells, cash, 50/s
///  online-checkout         a shopper adds two products to the cart and checks out by card, 20/s
///  dashboard               the head-office dashboard, 100/s
///  product-search          full-text searches of the catalogue, 100/s
///  stock-lookup            a cashier looks up a product's stock in the store, 100/s
///  max-<endpoint>          closed loop without think time (constant-vus), for the throughput ceiling
///                          of products.get, products.list, products.search, inventory.lookup, dashboard
///  smoke                   one of each business flow at a low rate (tests)
const std::vector<Scenario>& Catalogue();
const Scenario* FindScenario(std::string_view name);

}  // namespace comptoir::load
