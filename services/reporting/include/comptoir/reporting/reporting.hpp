#pragma once
#include "comptoir/service/service.hpp"

namespace comptoir::reporting {

/// The reporting service (DESIGN §4, issue 6): name "reporting", default port 8004. Read models in its own
/// database fed only by the events of the stream (libs/events consumer group "reporting"); sales, top
/// products, returns, stock and restock reports and the head-office dashboard, JSON or CSV.
const comptoir::service::Definition& Definition();

}  // namespace comptoir::reporting
