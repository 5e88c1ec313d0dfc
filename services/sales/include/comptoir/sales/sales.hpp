#pragma once
#include "comptoir/service/service.hpp"

namespace comptoir::sales {

/// In-store sales, returns and cash-register sessions (DESIGN §4).
/// Name "sales", default port 8003.
const comptoir::service::Definition& Definition();

}  // namespace comptoir::sales
