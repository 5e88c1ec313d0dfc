#pragma once
#include "comptoir/service/service.hpp"

namespace comptoir::product {

/// The product catalogue service (DESIGN §4): name "product", default port 8001, its migrations,
/// OpenAPI document, handlers and demo seed.
const comptoir::service::Definition& Definition();

}  // namespace comptoir::product
