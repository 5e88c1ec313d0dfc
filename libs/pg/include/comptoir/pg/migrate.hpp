#pragma once
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "comptoir/embedded.hpp"
#include "comptoir/pg/pg.hpp"

namespace comptoir::pg {

/// Applies the numbered migrations (`NNNN_name.sql`, applied in number order) that are not yet
/// recorded in `schema_migrations`, all in one transaction under a transaction-level advisory lock
/// keyed by `scope`, so two processes starting at once apply each file exactly once. A recorded
/// file whose checksum changed is refused (PgError/ApiError internal "migrations.checksum_mismatch").
/// Returns the number of files applied.
boost::asio::awaitable<int> Migrate(Pool& pool, std::string_view scope, const std::vector<EmbeddedFile>& files);

}  // namespace comptoir::pg
