#pragma once
#include "comptoir/service/service.hpp"

namespace comptoir::payment {

/// A simulated card payment provider reached over HTTP (test cards that succeed, are declined or time out).
/// Name "payment", default port 8009.
const comptoir::service::Definition& Definition();

}  // namespace comptoir::payment
