#pragma once
#include <vector>

#include "comptoir/service/retention.hpp"

namespace comptoir::customer {

/// The tables of customer the retention job purges (ADR 0065; ages in the README): idempotency keys and published
/// outbox rows (libs/service), refresh-token families that are over (every token expired or revoked), and sign-in
/// failure windows that started long ago.
std::vector<service::RetentionJob> AccountRetention();

}  // namespace comptoir::customer
