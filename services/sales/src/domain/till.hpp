#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "domain/sales.hpp"

/// Till operations of a register session (ADR 0150): voids, no-sales, cash drops and pay-outs, and the X / Z
/// report figures. No I/O: storage sums the session's rows into SessionFigures, this file turns them into a
/// report.
namespace comptoir::sales {

inline constexpr std::size_t kMaxVoidLines = 200;

/// What a register movement records.
enum class MovementKind { kNoSale, kDrop, kPayout, kVoidLine, kVoidSale };
std::string_view MovementKindName(MovementKind kind) noexcept;
std::optional<MovementKind> ParseMovementKind(std::string_view text) noexcept;

/// A line taken off the basket before payment (as the till priced it).
struct VoidedLine {
  std::optional<std::int64_t> product_id;
  std::optional<std::string> sku;
  std::int64_t quantity = 1;
  std::int64_t amount_cents = 0;  ///< pre-tax value voided
};

/// A validated POST /register-sessions/{id}/movements body, and a recorded movement.
struct Movement {
  std::int64_t id = 0;
  std::int64_t register_session_id = 0;
  MovementKind kind = MovementKind::kNoSale;
  std::int64_t amount_cents = 0;  ///< drop, payout: the cash; voids: Σ of the lines; no_sale: 0
  std::optional<std::string> reason;
  std::vector<VoidedLine> lines;  ///< voids
  std::string actor;
  std::string created_at;
};

/// Parses the body: `kind`; `amount_cents` for drop and payout (1 to 1 000 000 $); `reason` required for
/// no_sale and payout (optional otherwise); `lines` [{product_id|sku, quantity, amount_cents}] required for
/// void_line (exactly one) and void_sale (at least one). 400 `request.validation_failed` naming every field.
Movement ParseMovementBody(const boost::json::value& body);

/// Per tender: what the session's sales took on it (cash: tendered − change, the cash that stayed).
struct TenderFigures {
  std::int64_t count = 0;
  std::int64_t amount_cents = 0;
};

/// Everything a report needs of a session, summed by storage from its rows.
struct SessionFigures {
  RegisterSession session;
  std::int64_t sales_count = 0;
  std::int64_t sales_subtotal_cents = 0;  ///< goods, pre-tax, after discounts
  money::ClassAmounts sales_by_class;     ///< the subtotal per tax class (ADR 0140)
  std::int64_t sales_gst_cents = 0;
  std::int64_t sales_qst_cents = 0;
  std::int64_t sales_total_cents = 0;  ///< goods + taxes + gift cards loaded
  std::int64_t cash_rounding_cents = 0;
  std::map<std::string, TenderFigures> tenders;  ///< cash, card, debit, gift_card
  std::int64_t discounts_cents = 0;              ///< Σ discounts of the sales (promotions + cashiers', ADR 0141)
  std::int64_t promotion_discounts_cents = 0;    ///< the promotions' part of it
  std::int64_t discounted_sales_count = 0;       ///< sales with some discount
  std::int64_t gift_card_count = 0;              ///< loads (activations + top-ups)
  std::int64_t gift_card_activations = 0;
  std::int64_t gift_card_cents = 0;
  std::int64_t returns_count = 0;
  std::int64_t refunds_subtotal_cents = 0;
  std::int64_t refunds_gst_cents = 0;
  std::int64_t refunds_qst_cents = 0;
  std::int64_t refunds_total_cents = 0;
  money::ClassAmounts refunds_by_class;  ///< refunded pre-tax amounts per tax class
  std::map<std::string, std::int64_t> refunds_by_tender;  ///< refunded_as → paid back
  std::int64_t cash_refunded_cents = 0;                   ///< cash handed out by returns
  std::int64_t void_line_count = 0;
  std::int64_t void_sale_count = 0;
  std::int64_t voids_cents = 0;
  std::int64_t no_sale_count = 0;
  std::int64_t drops_count = 0;
  std::int64_t drops_cents = 0;
  std::int64_t payouts_count = 0;
  std::int64_t payouts_cents = 0;
  std::int64_t late_sales_count = 0;  ///< offline sales replayed after the close (outside the Z)
  std::int64_t late_sales_cents = 0;
};

/// Cash expected in the drawer: float + cash kept by sales − cash refunded − drops − pay-outs.
std::int64_t ExpectedDrawerCash(const SessionFigures& f) noexcept;

/// Revenue of the session: what the sales took minus the gift cards they loaded (a liability, not revenue).
std::int64_t RevenueCents(const SessionFigures& f) noexcept;

/// The report answered by GET /register-sessions/{id}/report and stored as the Z at close. `type` "X" (a
/// read-only snapshot of an open session) or "Z"; `z_number` for a Z; `counted_cash_cents` at close.
boost::json::object ReportJson(const SessionFigures& f, std::string_view type, std::optional<std::int64_t> z_number,
                               std::optional<std::int64_t> counted_cash_cents, std::string_view generated_at);

/// The JSON of a movement.
boost::json::object ToJson(const Movement& m);

}  // namespace comptoir::sales
