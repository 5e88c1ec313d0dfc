#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/fwd.hpp>

#include "comptoir/money.hpp"
#include "comptoir/pricing.hpp"

/// The till: the basket being sold, its taxes and its tenders. Money from libs/core money.hpp only
/// (the same rules as the sales service, ADR 0030), so that what the screen shows is what the server
/// computes. No I/O.
namespace comptoir::console {

/// A catalogue product as the till knows it (from product, cached for offline sales).
struct Item {
  std::int64_t id = 0;
  std::string sku;
  std::string name;
  std::int64_t price_cents = 0;
  bool active = true;
  std::optional<std::int64_t> category_id;
  money::TaxClass tax_class = money::TaxClass::kTaxable;  ///< ADR 0140
  /// A weighed piece scanned by its price-embedded label (ADR 0170): the label as scanned, `price_cents` is the
  /// label's price. Such a line is sold by its barcode and never merged with another.
  std::string embedded_barcode;
  /// The product's own barcode (GTIN-13, "" when none): a scan finds it in the offline catalogue.
  std::string gtin;
  [[nodiscard]] bool price_embedded() const noexcept { return !embedded_barcode.empty(); }
};

struct Line {
  Item item;
  std::int64_t quantity = 0;
  std::optional<pricing::LineDiscount> discount;  ///< the cashier's line discount (ADR 0141)
  /// Before discounts (Till::quote() says what the line costs after them).
  [[nodiscard]] std::int64_t total_cents() const noexcept { return item.price_cents * quantity; }
};

enum class Method { kCash, kCard, kDebit, kGiftCard };
/// "cash", "card", "debit", "gift_card".
std::string_view MethodName(Method method) noexcept;
/// "Comptant", "Crédit", "Débit", "Carte-cadeau".
std::string_view MethodLabel(Method method) noexcept;
std::optional<Method> ParseMethod(std::string_view name) noexcept;
/// Card, debit and gift card need the server (an authorisation, a balance): refused offline.
bool NeedsServer(Method method) noexcept;

struct Tender {
  Method method = Method::kCash;
  std::int64_t amount_cents = 0;
  std::string gift_card_code;  ///< gift cards only
  std::string gift_card_pin;   ///< gift cards only: sent to the server, never written to the journal
};

struct Totals {
  std::int64_t subtotal_cents = 0;  ///< after discounts
  std::int64_t gst_cents = 0;
  std::int64_t qst_cents = 0;
  std::int64_t total_cents = 0;
  std::int64_t discount_cents = 0;
};

/// How the tenders settle the total (the sales service's rule): card, debit and gift card may not
/// exceed the total; the rest is due in cash, rounded to 0.05 $ when cash is tendered.
struct Settlement {
  std::int64_t non_cash_cents = 0;
  std::int64_t cash_tendered_cents = 0;
  std::int64_t cash_due_cents = 0;       ///< rounded to 0.05 $ (or exact when no cash is tendered)
  std::int64_t cash_rounding_cents = 0;  ///< cash due − exact cash part
  std::int64_t remaining_cents = 0;      ///< still to pay (0 when settled)
  std::int64_t change_cents = 0;         ///< cash tendered − cash due, when settled
  bool overpaid_non_cash = false;        ///< card + debit + gift card > total
  [[nodiscard]] bool settled() const noexcept { return remaining_cents == 0 && !overpaid_non_cash; }
};

/// Why a tender is refused before it is added.
enum class TenderRefusal { kNone, kZero, kOfflineNeedsServer, kNonCashOverTotal, kEmptyBasket, kGiftCardCode };
std::string TenderRefusalText(TenderRefusal refusal);

class Till {
 public:
  /// Adds `quantity` of `item`; the same product again is merged into its line (as the server does), except a
  /// price-embedded piece, which keeps its own line and price.
  void Add(const Item& item, std::int64_t quantity = 1);
  /// Sets the quantity of line `index` (0 removes it); false when there is no such line or q < 0.
  bool SetQuantity(std::size_t index, std::int64_t quantity);
  bool Remove(std::size_t index);
  void Clear();

  [[nodiscard]] const std::vector<Line>& lines() const noexcept { return lines_; }
  [[nodiscard]] bool empty() const noexcept { return lines_.empty(); }
  [[nodiscard]] Totals totals() const;
  /// The basket priced by libs/pricing with `promotions` (what sales will compute): per-line discounts,
  /// promotions applied, taxes per class. Throws ApiError for a discount larger than its line.
  [[nodiscard]] pricing::Quote quote() const;
  /// Sets (or clears, nullopt) the cashier's discount of line `index`; false when there is no such line or
  /// the discount is malformed (pricing::DiscountProblem) or larger than the line.
  bool SetDiscount(std::size_t index, std::optional<pricing::LineDiscount> discount);
  /// True when some line's discount is above `discount_limit_percent` (a manager must approve: X-Manager-Token).
  [[nodiscard]] bool NeedsManagerApproval() const;

  /// The store's promotions in force (GET /api/v1/promotions?location_id=), shown and applied on screen.
  std::vector<pricing::Promotion> promotions;
  /// sales.discount_limit_percent of the server (20 unless the station was told otherwise).
  std::int64_t discount_limit_percent = 20;
  /// A manager's token approving this sale's discounts above the limit (sent as X-Manager-Token, never stored).
  std::string manager_token;

  /// Adds a tender unless refused (`offline`: the platform is unreachable).
  TenderRefusal AddTender(Tender tender, bool offline);
  void ClearTenders() { tenders_.clear(); }
  [[nodiscard]] const std::vector<Tender>& tenders() const noexcept { return tenders_; }
  [[nodiscard]] Settlement settlement() const;
  /// What a cash payment of the rest would be: RoundToNickel(total − non-cash tendered so far).
  [[nodiscard]] std::int64_t CashToPay() const;

  std::optional<std::int64_t> customer_id;
  std::string customer_label;  ///< e-mail or phone shown on screen
  /// Where the server sends the receipt by e-mail once the sale is made (`receipt_email`, ADR 0161); "" none.
  std::string receipt_email;

  /// The POST /api/v1/sales body (`offline_at`: the sale was made offline at that RFC 3339 time).
  /// `with_pins`: the gift cards' PINs (for the request; the journal keeps the body without them).
  [[nodiscard]] std::string SaleBody(std::int64_t location_id, std::optional<std::int64_t> register_session_id,
                                     const std::string& offline_at, bool with_pins = true) const;
  /// The basket as JSON (the journal keeps the sale being made, so that a killed console loses nothing).
  [[nodiscard]] std::string ToDraft() const;
  /// The basket of a draft (an empty till when `draft` is not one).
  static Till FromDraft(std::string_view draft);

 private:
  std::vector<Line> lines_;
  std::vector<Tender> tenders_;
};

/// Totals of a set of lines through libs/pricing (taxes once per receipt on the taxable part, ADR 0140).
Totals TotalsOf(const std::vector<Line>& lines, const std::vector<pricing::Promotion>& promotions = {});
/// The settlement of `total_cents` by `tenders`.
Settlement Settle(std::int64_t total_cents, const std::vector<Tender>& tenders);

}  // namespace comptoir::console
