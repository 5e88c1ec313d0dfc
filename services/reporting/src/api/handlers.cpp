#include "api/handlers.hpp"

#include <array>
#include <charconv>

#include <boost/json.hpp>

namespace comptoir::reporting {
namespace {

using auth::Role;
using boost::asio::awaitable;
using http::Method;

constexpr std::array kRoutes{
    RouteEntry{Method::kGet, "/api/v1/reports/sales", &Handlers::Sales},
    RouteEntry{Method::kGet, "/api/v1/reports/taxes", &Handlers::Taxes},
    RouteEntry{Method::kGet, "/api/v1/reports/top-products", &Handlers::TopProducts},
    RouteEntry{Method::kGet, "/api/v1/reports/returns", &Handlers::Returns},
    RouteEntry{Method::kGet, "/api/v1/reports/stock", &Handlers::Stock},
    RouteEntry{Method::kGet, "/api/v1/reports/restock-requests", &Handlers::Restock},
    RouteEntry{Method::kPost, "/api/v1/reports/rebuild", &Handlers::RebuildModels},
    RouteEntry{Method::kGet, "/api/v1/dashboard", &Handlers::Dashboard},
};

/// Collects every bad query parameter, then throws once.
class QueryReader {
 public:
  explicit QueryReader(const http::Request& request) : request_(request) {}
  std::optional<std::int64_t> Int(std::string_view key, std::int64_t min, std::int64_t max) {
    auto text = request_.Query(key);
    if (!text) return std::nullopt;
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
    if (ec != std::errc() || end != text->data() + text->size() || v < min || v > max) {
      errors_.push_back(
          {std::string(key), "must be an integer from " + std::to_string(min) + " to " + std::to_string(max)});
      return std::nullopt;
    }
    return v;
  }
  std::optional<std::string> OneOf(std::string_view key, std::initializer_list<std::string_view> allowed) {
    auto text = request_.Query(key);
    if (!text) return std::nullopt;
    for (auto a : allowed) {
      if (*text == a) return text;
    }
    std::string list;
    for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    errors_.push_back({std::string(key), "must be one of " + list});
    return std::nullopt;
  }
  std::optional<std::string> Text(std::string_view key) { return request_.Query(key); }
  void Add(std::vector<FieldError> more) {
    for (auto& e : more) errors_.push_back(std::move(e));
  }
  void ThrowIfErrors() const {
    if (!errors_.empty())
      throw ApiError::Validation("request.validation_failed", "the query has invalid fields", errors_);
  }

 private:
  const http::Request& request_;
  std::vector<FieldError> errors_;
};

// A cashier's reports are their store's: no location means theirs, another store is refused.
std::optional<std::int64_t> VisibleLocation(const auth::Principal& who, std::optional<std::int64_t> asked) {
  if (auth::SeesEverything(who) || who.role == Role::kLogistics) return asked;
  if (asked && *asked != who.location_id) {
    throw ApiError(ErrorKind::kForbidden, "auth.wrong_location", "a cashier sees only their own store's reports");
  }
  return who.location_id;
}

auth::Principal SalesReader(const auth::Verifier& verifier, http::Request& request) {
  auth::Principal who = verifier.Authenticate(request);
  auth::RequireRole(who, {Role::kCashier, Role::kManager, Role::kAdmin}, "read sales reports");
  return who;
}

auth::Principal StockReader(const auth::Verifier& verifier, http::Request& request) {
  auth::Principal who = verifier.Authenticate(request);
  auth::RequireRole(who, {Role::kCashier, Role::kLogistics, Role::kManager, Role::kAdmin}, "read stock reports");
  return who;
}

// Period filters of the sales, top-products and returns reports; the caller checks the errors.
awaitable<ReportFilter> ReadFilter(Reports& reports, QueryReader& q, const auth::Principal& who) {
  const auto today = co_await reports.Today();
  ReportFilter filter;
  try {
    filter.period = ParsePeriod(q.Text("from"), q.Text("to"), today);
  } catch (const ApiError& e) {
    q.Add(e.fields());
  }
  filter.location_id = q.Int("location_id", 1, 1'000'000'000);
  filter.channel = q.OneOf("channel", {"store", "online"});
  filter.location_id = VisibleLocation(who, filter.location_id);
  co_return filter;
}

bool IsTotalColumn(std::string_view column) {
  return column.ends_with("_cents") || column == "transactions" || column == "refunds" || column == "quantity" ||
         column == "returned_quantity";
}

boost::json::object Totals(const Table& t) {
  boost::json::object totals;
  for (std::size_t c = 0; c < t.columns.size(); ++c) {
    if (!IsTotalColumn(t.columns[c])) continue;
    std::int64_t sum = 0;
    for (const auto& row : t.rows) {
      if (const auto* v = std::get_if<std::int64_t>(&row[c])) sum += *v;
    }
    totals[t.columns[c]] = sum;
  }
  return totals;
}

http::Response Csv(const Table& table, const std::string& name) {
  http::Response r = http::Response::Text(200, ToCsv(table), "text/csv; charset=utf-8");
  r.headers.Set("Content-Disposition", "attachment; filename=\"" + name + ".csv\"");
  return r;
}

bool CsvWanted(QueryReader& q, const http::Request& request) {
  try {
    return WantsCsv(q.Text("format"), request.headers.Get("Accept"));
  } catch (const ApiError& e) {
    q.Add(e.fields());
    return false;
  }
}

void AddPeriod(boost::json::object& body, const ReportFilter& f, const Reports& reports) {
  body["from"] = FormatDate(f.period.from);
  body["to"] = FormatDate(f.period.to);
  body["time_zone"] = reports.settings().time_zone;
  body["location_id"] = f.location_id ? boost::json::value(*f.location_id) : boost::json::value(nullptr);
  body["channel"] = f.channel ? boost::json::value(*f.channel) : boost::json::value(nullptr);
}

// {from, to, time_zone, location_id, channel, <kind>: <value>, totals, rows} of a period report.
http::Response PeriodAnswer(const ReportFilter& f, const Reports& reports, const Table& table, std::string_view kind,
                            std::string_view value) {
  boost::json::object body;
  AddPeriod(body, f, reports);
  body[kind] = value;
  body["totals"] = Totals(table);
  body["rows"] = RowsJson(table);
  return http::Response::Json(200, boost::json::serialize(body));
}

}  // namespace

awaitable<http::Response> Handlers::Sales(http::Request& request) {
  const auth::Principal who = SalesReader(verifier_, request);
  QueryReader q(request);
  ReportFilter filter = co_await ReadFilter(reports_, q, who);
  GroupBy group_by = GroupBy::kLocation;
  if (auto g = q.OneOf("group_by", {"location", "day", "product", "category", "channel"})) {
    group_by = *ParseGroupBy(*g);
  }
  const bool csv = CsvWanted(q, request);
  q.ThrowIfErrors();
  Table table = co_await reports_.Sales(filter, group_by);
  if (csv) {
    co_return Csv(table, "sales-by-" + std::string(GroupByName(group_by)) + "-" + FormatDate(filter.period.from) + "-" +
                             FormatDate(filter.period.to));
  }
  co_return PeriodAnswer(filter, reports_, table, "group_by", GroupByName(group_by));
}

awaitable<http::Response> Handlers::Taxes(http::Request& request) {
  const auth::Principal who = verifier_.Authenticate(request);
  // Remitting GST and QST is the head office's business.
  auth::RequireRole(who, {Role::kManager, Role::kAdmin}, "read the tax remittance report");
  QueryReader q(request);
  ReportFilter filter = co_await ReadFilter(reports_, q, who);
  TaxPeriod period = TaxPeriod::kMonth;
  if (auto p = q.OneOf("period", {"day", "month", "quarter"})) period = *ParseTaxPeriod(*p);
  const bool csv = CsvWanted(q, request);
  q.ThrowIfErrors();
  Table table = co_await reports_.Taxes(filter, period);
  if (csv) co_return Csv(table, "taxes-" + FormatDate(filter.period.from) + "-" + FormatDate(filter.period.to));
  co_return PeriodAnswer(filter, reports_, table, "period", TaxPeriodName(period));
}

awaitable<http::Response> Handlers::TopProducts(http::Request& request) {
  const auth::Principal who = SalesReader(verifier_, request);
  QueryReader q(request);
  ReportFilter filter = co_await ReadFilter(reports_, q, who);
  const std::int64_t limit = q.Int("limit", 1, 100).value_or(10);
  const bool by_quantity = q.OneOf("by", {"revenue", "quantity"}).value_or("revenue") == "quantity";
  const bool csv = CsvWanted(q, request);
  q.ThrowIfErrors();
  Table table = co_await reports_.TopProducts(filter, by_quantity, limit);
  if (csv) co_return Csv(table, "top-products-" + FormatDate(filter.period.from) + "-" + FormatDate(filter.period.to));
  boost::json::object body;
  AddPeriod(body, filter, reports_);
  body["by"] = by_quantity ? "quantity" : "revenue";
  body["rows"] = RowsJson(table);
  co_return http::Response::Json(200, boost::json::serialize(body));
}

awaitable<http::Response> Handlers::Returns(http::Request& request) {
  const auth::Principal who = SalesReader(verifier_, request);
  QueryReader q(request);
  ReportFilter filter = co_await ReadFilter(reports_, q, who);
  const bool csv = CsvWanted(q, request);
  q.ThrowIfErrors();
  Table table = co_await reports_.Returns(filter);
  if (csv) co_return Csv(table, "returns-" + FormatDate(filter.period.from) + "-" + FormatDate(filter.period.to));
  boost::json::object body;
  AddPeriod(body, filter, reports_);
  body["totals"] = Totals(table);
  body["rows"] = RowsJson(table);
  co_return http::Response::Json(200, boost::json::serialize(body));
}

awaitable<http::Response> Handlers::Stock(http::Request& request) {
  const auth::Principal who = StockReader(verifier_, request);
  QueryReader q(request);
  auto location = q.Int("location_id", 1, 1'000'000'000);
  auto product = q.Int("product_id", 1, 1'000'000'000'000);
  const bool low_only = q.OneOf("low_stock", {"true", "false"}).value_or("false") == "true";
  const bool csv = CsvWanted(q, request);
  q.ThrowIfErrors();
  location = VisibleLocation(who, location);
  Table table = co_await reports_.Stock(location, product, low_only);
  if (csv) co_return Csv(table, "stock");
  std::int64_t alerts = 0;
  const std::size_t low_column = 8;
  for (const auto& row : table.rows) {
    if (const auto* low = std::get_if<bool>(&row[low_column]); low && *low) ++alerts;
  }
  boost::json::object body;
  body["location_id"] = location ? boost::json::value(*location) : boost::json::value(nullptr);
  body["low_stock_count"] = alerts;
  body["rows"] = RowsJson(table);
  co_return http::Response::Json(200, boost::json::serialize(body));
}

awaitable<http::Response> Handlers::Restock(http::Request& request) {
  const auth::Principal who = StockReader(verifier_, request);
  QueryReader q(request);
  auto location = q.Int("location_id", 1, 1'000'000'000);
  auto status = q.OneOf("status", {"pending", "all", "requested", "approved", "rejected", "shipped", "received"});
  const bool csv = CsvWanted(q, request);
  q.ThrowIfErrors();
  location = VisibleLocation(who, location);
  Table table = co_await reports_.Restock(location, status);
  if (csv) co_return Csv(table, "restock-requests");
  boost::json::object body;
  body["status"] = status.value_or("pending");
  body["count"] = static_cast<std::int64_t>(table.rows.size());
  body["rows"] = RowsJson(table);
  co_return http::Response::Json(200, boost::json::serialize(body));
}

awaitable<http::Response> Handlers::Dashboard(http::Request& request) {
  const auth::Principal who = SalesReader(verifier_, request);
  QueryReader q(request);
  const bool csv = CsvWanted(q, request);
  q.ThrowIfErrors();
  const std::optional<std::int64_t> location = VisibleLocation(who, std::nullopt);
  DashboardInput input = co_await reports_.Dashboard(location);
  boost::json::object doc = BuildDashboard(input, !location);
  if (csv) {
    // One line per store, then online and the totals, with the same columns.
    Table t;
    t.columns = {"location_id",
                 "name",
                 "revenue_today_cents",
                 "revenue_7d_cents",
                 "revenue_previous_7d_cents",
                 "trend_pct",
                 "transactions_today",
                 "average_basket_cents",
                 "low_stock_count",
                 "pending_restock_requests"};
    auto cell = [](const boost::json::value* v) -> Cell {
      if (!v || v->is_null()) return std::monostate{};
      if (v->is_int64()) return v->as_int64();
      if (v->is_double()) return v->as_double();
      if (v->is_string()) return std::string(v->as_string());
      return std::monostate{};
    };
    auto add = [&](const boost::json::object& o, Cell id, std::string name) {
      std::vector<Cell> row{id, std::move(name)};
      for (std::size_t c = 2; c < t.columns.size(); ++c) {
        std::string key = t.columns[c];
        if (key == "transactions_today" && !o.contains(key)) key = "orders_today";
        row.push_back(cell(o.if_contains(key)));
      }
      t.rows.push_back(std::move(row));
    };
    for (const auto& s : doc.at("stores").as_array()) {
      const auto& o = s.as_object();
      add(o, o.at("location_id").as_int64(), std::string(o.at("name").as_string()));
    }
    if (doc.at("online").is_object()) add(doc.at("online").as_object(), std::monostate{}, "online");
    add(doc.at("totals").as_object(), std::monostate{}, "total");
    co_return Csv(t, "dashboard-" + input.business_day);
  }
  co_return http::Response::Json(200, boost::json::serialize(doc));
}

awaitable<http::Response> Handlers::RebuildModels(http::Request& request) {
  const auth::Principal who = verifier_.Authenticate(request);
  auth::RequireRole(who, {Role::kAdmin}, "rebuild the reports");
  QueryReader q(request);
  const bool allow_incomplete = q.OneOf("allow_incomplete", {"true", "false"}).value_or("false") == "true";
  q.ThrowIfErrors();
  const bool complete = co_await rebuild_(allow_incomplete);
  boost::json::object body;
  body["status"] = "rebuilding";
  body["complete_history"] = complete;
  co_return http::Response::Json(202, boost::json::serialize(body));
}

std::span<const RouteEntry> Routes() {
  return kRoutes;
}

void AddRoutes(http::Router& router, Handlers& handlers) {
  for (const RouteEntry& route : kRoutes) {
    auto member = route.handler;
    router.Add(route.method, std::string(route.pattern),
               [&handlers, member](http::Request& request) { return (handlers.*member)(request); });
  }
}

}  // namespace comptoir::reporting
