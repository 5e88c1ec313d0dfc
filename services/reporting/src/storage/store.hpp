#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "comptoir/events/consumer.hpp"
#include "comptoir/pg/pg.hpp"
#include "domain/report.hpp"

namespace comptoir::reporting {

/// Settings the read models and queries depend on.
struct ReportSettings {
  std::string time_zone = "America/Toronto";  ///< business days of the chain (Montréal)
  std::int64_t reorder_point_store = 5;       ///< when StockChanged carries no reorder_point
  std::int64_t reorder_point_logistics = 20;
};

/// Filters of the period reports. `location_id` set: that store only (online excluded).
struct ReportFilter {
  Period period;
  std::optional<std::int64_t> location_id;
  std::optional<std::string> channel;  ///< "store" | "online"
};

/// Applies events to the read models, in the consumer's transaction (libs/events/consumer.hpp). Events of
/// other types are ignored (recorded as processed all the same).
boost::asio::awaitable<void> ApplyEvent(pg::Transaction& tx, const events::StreamEvent& event);

/// Empties every table fed by events (and processed_events), keeping the reference tables, in one
/// transaction: what a rebuild starts from.
boost::asio::awaitable<void> ClearReadModels(pg::Pool& db);

/// The stream position of the first event reporting ever applied (kept across rebuilds); nullopt before any.
boost::asio::awaitable<std::optional<StreamPos>> FirstApplied(pg::Pool& db);
/// Forgets it: after a rebuild that knowingly started from a trimmed stream, the next first event is the base.
boost::asio::awaitable<void> ForgetHistory(pg::Pool& db);

/// The report queries (reporting's own tables only).
class Reports {
 public:
  Reports(pg::Pool& db, ReportSettings settings) : db_(db), settings_(std::move(settings)) {}

  [[nodiscard]] const ReportSettings& settings() const noexcept { return settings_; }
  /// Today in the chain's time zone.
  boost::asio::awaitable<std::chrono::sys_days> Today();

  boost::asio::awaitable<Table> Sales(const ReportFilter& filter, GroupBy group_by);
  /// The remittance view: GST and QST collected, refunded and net per day, month or quarter, cash rounding.
  boost::asio::awaitable<Table> Taxes(const ReportFilter& filter, TaxPeriod period);
  boost::asio::awaitable<Table> TopProducts(const ReportFilter& filter, bool by_quantity, std::int64_t limit);
  boost::asio::awaitable<Table> Returns(const ReportFilter& filter);
  boost::asio::awaitable<Table> Stock(std::optional<std::int64_t> location_id, std::optional<std::int64_t> product_id,
                                      bool low_stock_only);
  boost::asio::awaitable<Table> Restock(std::optional<std::int64_t> location_id, std::optional<std::string> status);
  /// `location_id` set: that store only, no online figures (a cashier's view).
  boost::asio::awaitable<DashboardInput> Dashboard(std::optional<std::int64_t> location_id);

 private:
  pg::Pool& db_;
  ReportSettings settings_;
};

}  // namespace comptoir::reporting
