#pragma once
#include "comptoir/service/service.hpp"

namespace comptoir::order {

/// Online orders and the checkout saga (DESIGN §4).
/// Name "order", default port 8007.
const comptoir::service::Definition& Definition();

}  // namespace comptoir::order
