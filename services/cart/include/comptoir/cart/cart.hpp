#pragma once
#include "comptoir/service/service.hpp"

namespace comptoir::cart {

/// Shopping carts in Redis, shared by three instances (DESIGN §4).
/// Name "cart", default port 8006.
const comptoir::service::Definition& Definition();

}  // namespace comptoir::cart
