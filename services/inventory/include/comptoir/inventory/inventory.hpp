#pragma once
#include "comptoir/service/service.hpp"

namespace comptoir::inventory {

/// Locations, stock per location, the movement ledger, reservations, restock requests (DESIGN §4).
/// Name "inventory", default port 8002.
const comptoir::service::Definition& Definition();

}  // namespace comptoir::inventory
