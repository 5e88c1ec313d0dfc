#pragma once
#include "comptoir/service/service.hpp"

namespace comptoir::customer {

/// Customer accounts and staff: registration, sign-in, tokens, profiles, addresses (DESIGN §4).
/// Name "customer", default port 8005.
const comptoir::service::Definition& Definition();

}  // namespace comptoir::customer
