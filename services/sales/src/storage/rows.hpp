// Row mapping shared by the storage files of sales (repository.cpp, till.cpp).
#pragma once
#include "comptoir/pg/pg.hpp"
#include "domain/sales.hpp"

namespace comptoir::sales {

#define COMPTOIR_SESSION_COLUMNS                                                                      \
  "id, location_id, register, status = 'open', opening_float_cents, opened_by, f_rfc3339(opened_at)," \
  " counted_cash_cents, expected_cash_cents, over_short_cents, closed_by, f_rfc3339(closed_at),"      \
  " (SELECT z.z_number FROM z_reports z WHERE z.register_session_id = register_sessions.id)"

/// A register_sessions row selected with COMPTOIR_SESSION_COLUMNS.
RegisterSession SessionFromRow(const pg::Row& row);

}  // namespace comptoir::sales
