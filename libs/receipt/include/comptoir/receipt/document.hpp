#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/fwd.hpp>

/// The receipt a customer takes home (issue 15, ADR 0160): what it says, independent of how it is printed.
/// Built from the JSON of a sale (or an online order) so that whatever the record carries — line discounts,
/// a basket discount, one amount per tax — is shown without this library knowing how it was computed.
namespace comptoir::receipt {

/// An amount taken off a line or the whole basket (positive cents, shown negative).
struct Discount {
  std::string label;  ///< "Rabais 10 %", "Promo 2 pour 1", as the record names it
  std::int64_t amount_cents = 0;
};

/// A sold line: quantity × unit price, then its discounts.
struct Line {
  std::string name;
  std::string sku;
  std::int64_t quantity = 0;
  std::int64_t unit_price_cents = 0;
  std::vector<Discount> discounts;
  /// "taxable" (or empty: not said), "zero_rated" (détaxé: basic groceries) or "exempt" (exonéré), ADR 0140.
  std::string tax_class;
  /// The record's own gross when it has one (weighed pieces sharing a line: the sum of their labels).
  std::optional<std::int64_t> gross;
  /// Before discounts: the record's gross, else quantity × unit price.
  [[nodiscard]] std::int64_t gross_cents() const noexcept { return gross.value_or(quantity * unit_price_cents); }
  /// True for a line that collects no GST/QST (zero-rated or exempt).
  [[nodiscard]] bool untaxed() const noexcept { return tax_class == "zero_rated" || tax_class == "exempt"; }
};

/// The pre-tax amounts per tax class (ADR 0140): the taxes are computed on `taxable_cents` only.
struct ClassTotals {
  std::int64_t taxable_cents = 0;
  std::int64_t zero_rated_cents = 0;
  std::int64_t exempt_cents = 0;
};

/// One tax collected ("TPS (5 %)", 255).
struct Tax {
  std::string label;
  std::int64_t amount_cents = 0;
};

/// A tender as paid ("Comptant", 6000), with an optional detail line (a masked gift card code).
struct Tender {
  std::string label;
  std::int64_t amount_cents = 0;
  std::string detail;
};

/// Where the sale was made: the store as inventory describes its location.
struct Store {
  std::string name;     ///< "Mile End"
  std::string address;  ///< "5225, boulevard Saint-Laurent"
  std::string city;     ///< "Montréal"
};

/// The chain that issues the receipt, and its tax registrations (configuration).
struct Issuer {
  std::string chain_name = "Comptoir";
  std::string gst_number;  ///< "123456789 RT0001"
  std::string qst_number;  ///< "1234567890 TQ0001"
};

/// Everything a receipt shows.
struct Document {
  Issuer issuer;
  Store store;
  std::string receipt_number;  ///< "S4-000034": also the barcode's content
  std::string issued_at;       ///< local time of the sale, "2026-12-06 09:03"
  std::vector<Line> lines;
  std::vector<Discount> discounts;  ///< on the whole basket
  std::int64_t subtotal_cents = 0;
  /// Shown under the subtotal when some goods are zero-rated or exempt (the record's `taxable_cents`,
  /// `zero_rated_cents`, `exempt_cents`, else summed from the lines' `tax_class` and `line_total_cents`).
  std::optional<ClassTotals> classes;
  std::vector<Tax> taxes;
  std::int64_t total_cents = 0;
  std::int64_t cash_rounding_cents = 0;  ///< the cash part rounded to 0.05 $ minus the exact part
  std::vector<Tender> tenders;
  std::int64_t change_cents = 0;
  bool copy = false;    ///< a reprint: marked « COPIE »
  bool online = false;  ///< an online order (no change, shipping shown)
  std::optional<std::int64_t> shipping_cents;
};

/// Builds the document of a sale or order answer (`GET /sales/{id}`, `GET /orders/{id}`). Reads
/// `receipt_number` (or `order_number`/`number`/`id`), `created_at`, `lines[]` or `items[]` (`name`, `sku`, `quantity`,
/// `unit_price_cents`, optional `discounts[]` — else a `discount_cents` shown as « Rabais » —, `tax_class`,
/// `gross_cents`), optional `discounts[]`, `taxable_cents`/`zero_rated_cents`/`exempt_cents`, `subtotal_cents`, `taxes[]` when present
/// (each `{code|name|label, amount_cents|cents}`) else `gst_cents`/`qst_cents`, `shipping_cents`, `total_cents`,
/// `cash_rounding_cents`, `payments[]` (`method`, `amount_cents`, `gift_card_code`) and `change_cents`.
/// A field of the wrong type throws std::invalid_argument.
Document FromJson(const boost::json::object& record, Issuer issuer, Store store);

/// The French name of a tender method on a receipt ("cash" → "Comptant"); unknown methods as given.
std::string TenderLabel(std::string_view method);
/// The label of a tax by code: "gst" → "TPS (5 %)", "qst" → "TVQ (9,975 %)"; anything else as given.
std::string TaxLabel(std::string_view code);

/// "1 299,99" (French: space between thousands, decimal comma); "-2,00" for −200.
std::string FormatAmount(std::int64_t cents);

/// The wall-clock time in Montréal (Eastern time: UTC−5, UTC−4 from the second Sunday of March 2:00 to the
/// first Sunday of November 2:00) of an RFC 3339 UTC instant, as "YYYY-MM-DD HH:MM". nullopt when `utc` is
/// not of the form "YYYY-MM-DDTHH:MM:SS[.frac]Z".
std::optional<std::string> MontrealTime(std::string_view utc);

/// GST/HST registration as printed: 9 digits, a space, "RT" and 4 digits ("123456789 RT0001").
bool IsGstNumber(std::string_view text) noexcept;
/// QST registration as printed: 10 digits, a space, "TQ" and 4 digits ("1234567890 TQ0001").
bool IsQstNumber(std::string_view text) noexcept;

}  // namespace comptoir::receipt
