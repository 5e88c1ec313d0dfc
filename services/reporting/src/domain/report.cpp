#include "domain/report.hpp"

#include <cmath>
#include <cstdio>

#include <boost/json.hpp>

#include "comptoir/error.hpp"

namespace comptoir::reporting {

std::string FormatDate(std::chrono::sys_days day) {
  const std::chrono::year_month_day ymd(day);
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buffer;
}

std::optional<std::chrono::sys_days> ParseDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto number = [&](std::size_t at, std::size_t n) -> std::optional<int> {
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  auto y = number(0, 4);
  auto m = number(5, 2);
  auto d = number(8, 2);
  if (!y || !m || !d) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year(*y), std::chrono::month(static_cast<unsigned>(*m)),
                                        std::chrono::day(static_cast<unsigned>(*d))};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days(ymd);
}

Period ParsePeriod(const std::optional<std::string>& from, const std::optional<std::string>& to,
                   std::chrono::sys_days today) {
  std::vector<FieldError> errors;
  Period period{today - std::chrono::days(6), today};
  std::optional<std::chrono::sys_days> parsed_to;
  if (to) {
    parsed_to = ParseDate(*to);
    if (parsed_to) {
      period.to = *parsed_to;
    } else {
      errors.push_back({"to", "must be a date YYYY-MM-DD"});
    }
  }
  if (!to || parsed_to) period.from = period.to - std::chrono::days(6);
  if (from) {
    if (auto f = ParseDate(*from)) {
      period.from = *f;
    } else {
      errors.push_back({"from", "must be a date YYYY-MM-DD"});
    }
  }
  if (errors.empty()) {
    if (period.from > period.to) {
      errors.push_back({"from", "must not be after to"});
    } else if ((period.to - period.from).count() + 1 > kMaxPeriodDays) {
      errors.push_back({"from", "the period must not be longer than " + std::to_string(kMaxPeriodDays) + " days"});
    }
  }
  if (!errors.empty()) throw ApiError::Validation("request.validation_failed", "the period is invalid", errors);
  return period;
}

namespace {
constexpr std::pair<GroupBy, std::string_view> kGroups[] = {{GroupBy::kLocation, "location"},
                                                            {GroupBy::kDay, "day"},
                                                            {GroupBy::kProduct, "product"},
                                                            {GroupBy::kCategory, "category"},
                                                            {GroupBy::kChannel, "channel"}};
}  // namespace

std::optional<GroupBy> ParseGroupBy(std::string_view text) {
  for (const auto& [g, name] : kGroups) {
    if (name == text) return g;
  }
  return std::nullopt;
}

std::string_view GroupByName(GroupBy g) noexcept {
  for (const auto& [group, name] : kGroups) {
    if (group == g) return name;
  }
  return "location";
}

std::optional<TaxPeriod> ParseTaxPeriod(std::string_view text) {
  if (text == "day") return TaxPeriod::kDay;
  if (text == "month") return TaxPeriod::kMonth;
  if (text == "quarter") return TaxPeriod::kQuarter;
  return std::nullopt;
}

std::string_view TaxPeriodName(TaxPeriod p) noexcept {
  switch (p) {
    case TaxPeriod::kDay:
      return "day";
    case TaxPeriod::kMonth:
      return "month";
    case TaxPeriod::kQuarter:
      return "quarter";
  }
  return "month";
}

namespace {
std::string PosText(const StreamPos& p) {
  return std::to_string(p.first) + "-" + std::to_string(p.second);
}
}  // namespace

std::optional<std::string> MissingHistory(const StreamHistory& stream, const std::optional<StreamPos>& first_applied) {
  if (first_applied) {
    if (!stream.exists || stream.length == 0 || !stream.first_entry) {
      return "the stream is empty, but reporting has applied events since " + PosText(*first_applied);
    }
    if (*stream.first_entry > *first_applied) {
      return "the stream now starts at " + PosText(*stream.first_entry) +
             ", after the first event reporting applied (" + PosText(*first_applied) + ")";
    }
  }
  if (stream.exists && stream.entries_added >= 0 && stream.entries_added > stream.length) {
    return "the stream holds " + std::to_string(stream.length) + " of the " + std::to_string(stream.entries_added) +
           " entries ever added (trimmed, events.stream_max_len)";
  }
  return std::nullopt;
}

std::optional<double> TrendPct(std::int64_t current, std::int64_t previous) {
  if (previous <= 0) return std::nullopt;
  // Tenths of a percent in integers, rounded half away from zero, so that the same cents give the same text.
  const std::int64_t diff = current - previous;
  const std::int64_t numerator = diff * 1000;
  std::int64_t tenths = numerator / previous;
  const std::int64_t rest = numerator % previous;
  if (2 * std::llabs(rest) >= previous) tenths += diff >= 0 ? 1 : -1;
  return static_cast<double>(tenths) / 10.0;
}

std::int64_t AverageBasket(std::int64_t revenue_cents, std::int64_t transactions) {
  if (transactions <= 0) return 0;
  const std::int64_t q = revenue_cents / transactions;
  const std::int64_t r = revenue_cents % transactions;
  if (2 * std::llabs(r) >= transactions) return q + (revenue_cents >= 0 ? 1 : -1);
  return q;
}

bool IsPendingRestock(std::string_view status) noexcept {
  return status == "requested" || status == "approved" || status == "shipped";
}

namespace {

boost::json::value CellJson(const Cell& cell) {
  return std::visit(
      [](const auto& v) -> boost::json::value {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return nullptr;
        } else if constexpr (std::is_same_v<T, std::string>) {
          return boost::json::value(v);
        } else {
          return boost::json::value(v);
        }
      },
      cell);
}

std::string CellText(const Cell& cell) {
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return {};
        } else if constexpr (std::is_same_v<T, std::string>) {
          return v;
        } else if constexpr (std::is_same_v<T, bool>) {
          return v ? "true" : "false";
        } else if constexpr (std::is_same_v<T, double>) {
          char buffer[32];
          std::snprintf(buffer, sizeof buffer, "%.1f", v);
          return buffer;
        } else {
          return std::to_string(v);
        }
      },
      cell);
}

std::string CsvField(const std::string& text) {
  // Quote fields with separators, quotes or line breaks, and those a spreadsheet would take for a formula.
  const bool formula = !text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '@');
  if (text.find_first_of(",\"\r\n") == std::string::npos && !formula) return text;
  std::string out = "\"";
  if (formula) out += '\'';
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace

boost::json::array RowsJson(const Table& table) {
  boost::json::array rows;
  for (const auto& row : table.rows) {
    boost::json::object o;
    for (std::size_t i = 0; i < table.columns.size() && i < row.size(); ++i) o[table.columns[i]] = CellJson(row[i]);
    rows.push_back(std::move(o));
  }
  return rows;
}

std::string ToCsv(const Table& table) {
  std::string out;
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    if (i > 0) out += ',';
    out += CsvField(table.columns[i]);
  }
  out += "\r\n";
  for (const auto& row : table.rows) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i > 0) out += ',';
      out += CsvField(CellText(row[i]));
    }
    out += "\r\n";
  }
  return out;
}

bool WantsCsv(const std::optional<std::string>& format, std::optional<std::string_view> accept) {
  if (format) {
    if (*format == "csv") return true;
    if (*format == "json") return false;
    throw ApiError::Validation("request.validation_failed", "the request has invalid fields",
                               {{"format", "must be json or csv"}});
  }
  return accept && accept->find("text/csv") != std::string_view::npos;
}

namespace {

boost::json::value Trend(std::int64_t current, std::int64_t previous) {
  if (auto t = TrendPct(current, previous)) return *t;
  return nullptr;
}

}  // namespace

boost::json::object BuildDashboard(const DashboardInput& in, bool chain_view) {
  boost::json::array stores;
  Figures total;
  std::int64_t low_total = 0;
  std::int64_t restock_total = 0;
  auto count_of = [](const std::map<std::int64_t, std::int64_t>& m, std::int64_t id) {
    auto it = m.find(id);
    return it == m.end() ? std::int64_t{0} : it->second;
  };
  for (const StoreInfo& store : in.stores) {
    Figures f;
    if (auto it = in.store_figures.find(store.id); it != in.store_figures.end()) f = it->second;
    boost::json::object o;
    o["location_id"] = store.id;
    o["name"] = store.name;
    o["revenue_today_cents"] = f.revenue_today;
    o["revenue_7d_cents"] = f.revenue_7d;
    o["revenue_previous_7d_cents"] = f.revenue_previous_7d;
    o["trend_pct"] = Trend(f.revenue_7d, f.revenue_previous_7d);
    o["transactions_today"] = f.transactions_today;
    o["average_basket_cents"] = AverageBasket(f.gross_today, f.transactions_today);
    o["low_stock_count"] = count_of(in.low_stock, store.id);
    o["pending_restock_requests"] = count_of(in.pending_restock, store.id);
    stores.push_back(std::move(o));
    total.revenue_today += f.revenue_today;
    total.revenue_7d += f.revenue_7d;
    total.revenue_previous_7d += f.revenue_previous_7d;
    total.transactions_today += f.transactions_today;
    total.gross_today += f.gross_today;
    if (!chain_view) {
      low_total += count_of(in.low_stock, store.id);
      restock_total += count_of(in.pending_restock, store.id);
    }
  }
  if (chain_view) {
    // The chain's alerts include the logistics centre's.
    for (const auto& [id, n] : in.low_stock) low_total += n;
    for (const auto& [id, n] : in.pending_restock) restock_total += n;
  }
  boost::json::object doc;
  doc["stores"] = std::move(stores);
  if (in.online) {
    const Figures& f = *in.online;
    boost::json::object o;
    o["revenue_today_cents"] = f.revenue_today;
    o["revenue_7d_cents"] = f.revenue_7d;
    o["revenue_previous_7d_cents"] = f.revenue_previous_7d;
    o["trend_pct"] = Trend(f.revenue_7d, f.revenue_previous_7d);
    o["orders_today"] = f.transactions_today;
    o["average_basket_cents"] = AverageBasket(f.gross_today, f.transactions_today);
    o["open_orders"] = f.open_orders;
    doc["online"] = std::move(o);
    total.revenue_today += f.revenue_today;
    total.revenue_7d += f.revenue_7d;
    total.revenue_previous_7d += f.revenue_previous_7d;
    total.transactions_today += f.transactions_today;
    total.gross_today += f.gross_today;
  } else {
    doc["online"] = nullptr;
  }
  boost::json::object t;
  t["revenue_today_cents"] = total.revenue_today;
  t["revenue_7d_cents"] = total.revenue_7d;
  t["revenue_previous_7d_cents"] = total.revenue_previous_7d;
  t["trend_pct"] = Trend(total.revenue_7d, total.revenue_previous_7d);
  t["transactions_today"] = total.transactions_today;
  t["average_basket_cents"] = AverageBasket(total.gross_today, total.transactions_today);
  t["low_stock_count"] = low_total;
  t["pending_restock_requests"] = restock_total;
  doc["totals"] = std::move(t);
  doc["business_day"] = in.business_day;
  doc["time_zone"] = in.time_zone;
  doc["as_of"] = in.as_of;
  return doc;
}

// ---- Events → facts ------------------------------------------------------------------------------------

namespace {

class DataReader {
 public:
  explicit DataReader(const boost::json::value& data) : object_(data.if_object()) {
    if (!object_) errors_.push_back({"data", "must be an object"});
  }
  std::optional<std::int64_t> Int(std::string_view key, bool required) {
    const auto* v = object_ ? object_->if_contains(key) : nullptr;
    if (v && v->is_int64()) return v->as_int64();
    if (v && v->is_uint64()) return static_cast<std::int64_t>(v->as_uint64());
    if (required && object_) errors_.push_back({std::string(key), "must be an integer"});
    return std::nullopt;
  }
  std::optional<std::string> Text(std::string_view key, bool required) {
    const auto* v = object_ ? object_->if_contains(key) : nullptr;
    if (v && v->is_string()) return std::string(v->as_string());
    if (required && object_) errors_.push_back({std::string(key), "must be a string"});
    return std::nullopt;
  }
  /// An id given as a number or as text.
  std::optional<std::string> Id(std::string_view key) {
    const auto* v = object_ ? object_->if_contains(key) : nullptr;
    if (!v) return std::nullopt;
    if (v->is_string()) return std::string(v->as_string());
    if (v->is_int64()) return std::to_string(v->as_int64());
    if (v->is_uint64()) return std::to_string(v->as_uint64());
    return std::nullopt;
  }
  std::string Lines() {
    boost::json::array out;
    const auto* v = object_ ? object_->if_contains("lines") : nullptr;
    if (!v || !v->is_array()) {
      if (object_) errors_.push_back({"lines", "must be an array"});
      return "[]";
    }
    std::size_t i = 0;
    for (const auto& line : v->as_array()) {
      DataReader r(line);
      const std::string at = "lines[" + std::to_string(i++) + "].";
      auto product = r.Int("product_id", true);
      auto quantity = r.Int("quantity", true);
      auto total = r.Int("line_total_cents", false);
      auto unit = r.Int("unit_price_cents", false);
      if (!total && unit && quantity) total = *unit * *quantity;
      if (!total) r.errors_.push_back({"line_total_cents", "must be an integer"});
      for (auto& e : r.errors_) errors_.push_back({at + e.field, e.message});
      if (!r.errors_.empty()) continue;
      boost::json::object o;
      o["product_id"] = *product;
      o["name"] = r.Text("name", false).value_or("");
      o["quantity"] = *quantity;
      o["line_total_cents"] = *total;
      out.push_back(std::move(o));
    }
    return boost::json::serialize(out);
  }
  void Totals(Fact& f) {
    f.total_cents = Int("total_cents", true).value_or(0);
    f.subtotal_cents = Int("subtotal_cents", false).value_or(f.total_cents);
    f.gst_cents = Int("gst_cents", false).value_or(0);
    f.qst_cents = Int("qst_cents", false).value_or(0);
    f.zero_rated_cents = Int("zero_rated_cents", false).value_or(0);
    f.exempt_cents = Int("exempt_cents", false).value_or(0);
  }
  void Fail(std::string field, std::string message) { errors_.push_back({std::move(field), std::move(message)}); }
  void ThrowIfErrors(std::string_view what) const {
    if (!errors_.empty()) {
      throw ApiError::Validation("events.invalid_data", std::string(what) + " data does not match the contract",
                                 errors_);
    }
  }

 private:
  const boost::json::object* object_;
  std::vector<FieldError> errors_;
};

}  // namespace

Fact SaleFact(const boost::json::value& data) {
  DataReader r(data);
  Fact f;
  f.ref = r.Id("id").value_or("");
  if (f.ref.empty()) r.Fail("id", "is required");
  f.location_id = r.Int("location_id", true);
  f.receipt_number = r.Id("receipt_number");
  f.occurred_at = r.Text("created_at", true).value_or("");
  r.Totals(f);
  f.cash_rounding_cents = r.Int("cash_rounding_cents", false).value_or(0);
  f.status = "completed";
  f.lines_json = r.Lines();
  r.ThrowIfErrors("SaleCompleted");
  return f;
}

Fact ReturnFact(const boost::json::value& data) {
  DataReader r(data);
  Fact f;
  f.ref = r.Id("id").value_or("");
  if (f.ref.empty()) r.Fail("id", "is required");
  f.receipt_ref = r.Id("sale_id");
  if (!f.receipt_ref) r.Fail("sale_id", "is required");
  f.location_id = r.Int("location_id", true);
  f.occurred_at = r.Text("created_at", true).value_or("");
  r.Totals(f);
  // Cash paid out minus the exact amounts refunded in cash (0 for a refund to a card).
  f.cash_rounding_cents = r.Int("cash_rounding_cents", false).value_or(0);
  f.reason = r.Text("reason", false).value_or("");
  f.lines_json = r.Lines();
  r.ThrowIfErrors("SaleReturned");
  return f;
}

Fact OrderFact(const boost::json::value& data, const std::string& fallback_time) {
  DataReader r(data);
  Fact f;
  f.ref = r.Id("order_id").value_or(r.Id("id").value_or(""));
  if (f.ref.empty()) r.Fail("order_id", "is required");
  f.receipt_number = r.Id("number");
  f.occurred_at = r.Text("created_at", false).value_or(r.Text("placed_at", false).value_or(fallback_time));
  r.Totals(f);
  f.status = r.Text("status", false).value_or("paid");
  f.lines_json = r.Lines();
  r.ThrowIfErrors("OrderPlaced");
  return f;
}

std::string OrderRef(const boost::json::value& data) {
  DataReader r(data);
  std::string ref = r.Id("order_id").value_or(r.Id("id").value_or(""));
  if (ref.empty()) r.Fail("order_id", "is required");
  r.ThrowIfErrors("Order event");
  return ref;
}

}  // namespace comptoir::reporting
