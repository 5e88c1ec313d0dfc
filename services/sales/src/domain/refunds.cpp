// Returns: what a return refunds (cumulative taxes) and how it goes back, tender by tender (ADR 0031).
#include <algorithm>
#include <map>

#include "comptoir/money.hpp"
#include "comptoir/pricing.hpp"
#include "domain/sales.hpp"

namespace comptoir::sales {
namespace {

// The exact cash part of a sale's total (what the cash tenders paid before rounding), when cash was tendered.
std::optional<std::int64_t> CashPart(const Sale& sale) {
  bool has_cash = false;
  std::int64_t non_cash = 0;
  for (const Payment& p : sale.payments) {
    if (p.method == Tender::kCash) {
      has_cash = true;
    } else {
      non_cash += p.amount_cents;
    }
  }
  if (!has_cash) return std::nullopt;
  return std::max<std::int64_t>(0, sale.totals.total_cents - non_cash);
}

int FirstCashLine(const Sale& sale) {
  for (std::size_t i = 0; i < sale.payments.size(); ++i) {
    if (sale.payments[i].method == Tender::kCash) return static_cast<int>(i + 1);
  }
  return 0;
}

// Taxes refunded now: cumulative on the returned subtotal, never below zero, never beyond what was collected.
std::int64_t TaxShare(std::int64_t cumulative_target, std::int64_t refunded_before, std::int64_t collected) {
  const std::int64_t room = std::max<std::int64_t>(0, collected - refunded_before);
  return std::min(std::max<std::int64_t>(0, cumulative_target - refunded_before), room);
}

}  // namespace

Refund ComputeRefund(const Sale& sale, std::span<const ReturnLineRequest> lines, bool in_cash) {
  Refund refund;
  std::map<std::int64_t, std::size_t> index;
  std::vector<FieldError> missing;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const ReturnLineRequest& request = lines[i];
    const SaleLine* line = nullptr;
    for (const SaleLine& s : sale.lines) {
      if (s.product_id == request.product_id) line = &s;
    }
    if (!line) {
      missing.push_back({"lines[" + std::to_string(i) + "].product_id",
                         "product " + std::to_string(request.product_id) + " is not on this sale"});
      continue;
    }
    auto [it, inserted] = index.try_emplace(request.product_id, refund.lines.size());
    if (inserted) {
      SaleLine r{line->product_id, line->sku, line->name, line->unit_price_cents, 0, 0, 0};
      r.tax_class = line->tax_class;
      refund.lines.push_back(std::move(r));
    }
    refund.lines[it->second].quantity += request.quantity;
  }
  if (!missing.empty()) {
    throw ApiError(ErrorKind::kUnprocessable, "sales.product_not_in_sale", "a returned product is not on this sale",
                   std::move(missing));
  }
  for (SaleLine& r : refund.lines) {
    for (const SaleLine& s : sale.lines) {
      if (s.product_id != r.product_id) continue;
      const std::int64_t left = s.quantity - s.returned_quantity;
      if (r.quantity > left) {
        throw ApiError::Conflict("sales.return_exceeds_sold",
                                 "product " + std::to_string(r.product_id) + ": " + std::to_string(r.quantity) +
                                     " returned but only " + std::to_string(left) + " of " +
                                     std::to_string(s.quantity) + " sold remain returnable");
      }
    }
  }
  // What was paid comes back (ADR 0141): each line's net prorated cumulatively — Prorated(after) − Prorated(before)
  // — so that any split of returns adds up to exactly the line's net and the last units refund what is left of it.
  // That covers a discounted line and weighed pieces sharing a line alike (ADR 0170: priced by their labels, the
  // unit price their rounded average). Taxes cumulatively on the taxable part (ADR 0140).
  money::ClassAmounts before;
  for (const SaleLine& s : sale.lines) {
    before.Add(s.tax_class, pricing::Prorated(s.line_total_cents, s.quantity, s.returned_quantity));
  }
  money::ClassAmounts now;
  for (SaleLine& r : refund.lines) {
    for (const SaleLine& s : sale.lines) {
      if (s.product_id != r.product_id) continue;
      r.line_total_cents = pricing::Prorated(s.line_total_cents, s.quantity, s.returned_quantity + r.quantity) -
                           pricing::Prorated(s.line_total_cents, s.quantity, s.returned_quantity);
      r.gross_cents = r.unit_price_cents * r.quantity;
      r.discount_cents = std::max<std::int64_t>(0, r.gross_cents - r.line_total_cents);
    }
    now.Add(r.tax_class, r.line_total_cents);
  }
  const std::int64_t subtotal = now.total();
  money::ClassAmounts cumulative = before;
  cumulative.taxable_cents += now.taxable_cents;
  cumulative.zero_rated_cents += now.zero_rated_cents;
  cumulative.exempt_cents += now.exempt_cents;
  const Totals after = TotalsOf(cumulative);
  refund.totals.subtotal_cents = subtotal;
  refund.totals.by_class = now;
  refund.totals.discount_cents = 0;
  for (const SaleLine& r : refund.lines) refund.totals.discount_cents += r.discount_cents;
  refund.totals.gst_cents = TaxShare(after.gst_cents, sale.refunded.gst_cents, sale.totals.gst_cents);
  refund.totals.qst_cents = TaxShare(after.qst_cents, sale.refunded.qst_cents, sale.totals.qst_cents);
  refund.totals.total_cents = subtotal + refund.totals.gst_cents + refund.totals.qst_cents;
  refund.tenders = AllocateRefund(sale, refund.totals.total_cents, in_cash);
  std::int64_t exact_in_cash = 0;
  for (const TenderRefund& t : refund.tenders) {
    if (t.refunded_as != Tender::kCash) continue;
    refund.cash_paid_cents += t.paid_cents;
    exact_in_cash += t.amount_cents;
  }
  refund.cash_rounding_cents = refund.cash_paid_cents - exact_in_cash;
  return refund;
}

std::vector<TenderRefund> AllocateRefund(const Sale& sale, std::int64_t refund_cents, bool in_cash) {
  std::vector<TenderRefund> out;
  std::int64_t left = refund_cents;
  // Card and debit first (the money goes back where it came from), then gift cards, then cash.
  for (const bool gift_cards : {false, true}) {
    for (std::size_t i = 0; i < sale.payments.size() && left > 0; ++i) {
      const Payment& p = sale.payments[i];
      if (p.method == Tender::kCash || (p.method == Tender::kGiftCard) != gift_cards) continue;
      const std::int64_t share = std::min(left, p.amount_cents - p.refunded_cents);
      if (share <= 0) continue;
      TenderRefund t;
      t.payment_line_no = static_cast<int>(i + 1);
      t.method = p.method;
      t.refunded_as = in_cash ? Tender::kCash : p.method;
      t.amount_cents = share;
      t.paid_cents = in_cash ? money::RoundToNickel(share) : share;
      t.gift_card_id = p.gift_card_id;
      t.gift_card_code = p.gift_card_code;
      out.push_back(std::move(t));
      left -= share;
    }
  }
  if (left > 0) {
    if (auto cash = CashPart(sale)) {
      const std::int64_t share = std::min(left, *cash - sale.cash_refunded_cents);
      if (share > 0) {
        TenderRefund t;
        t.payment_line_no = FirstCashLine(sale);
        t.method = Tender::kCash;
        t.refunded_as = Tender::kCash;
        t.amount_cents = share;
        // Cumulative rounding: after this return the sale's cash paid out is the rounded exact cash refunded.
        // max(0, …): a return undone earlier may have left slightly more paid out than that.
        t.paid_cents = std::max<std::int64_t>(
            0, money::RoundToNickel(sale.cash_refunded_cents + share) - sale.cash_paid_out_cents);
        out.push_back(std::move(t));
        left -= share;
      }
    }
  }
  if (left > 0) {
    throw ApiError::Conflict("sales.refund_exceeds_payments", "the tenders of the sale cannot cover a refund of " +
                                                                  money::FormatCents(refund_cents) + " $");
  }
  return out;
}

bool NeedsManagerApproval(const Refund& refund) noexcept {
  return std::any_of(refund.tenders.begin(), refund.tenders.end(),
                     [](const TenderRefund& t) { return t.method != Tender::kCash && t.refunded_as == Tender::kCash; });
}

std::string RefundMethodOf(const Refund& refund, std::span<const Payment> payments) {
  if (refund.tenders.empty()) return std::string(TenderName(DefaultRefundMethod(payments)));
  const Tender first = refund.tenders.front().refunded_as;
  for (const TenderRefund& t : refund.tenders) {
    if (t.refunded_as != first) return "mixed";
  }
  return std::string(TenderName(first));
}

void ApplyRefund(Sale& sale, const Refund& refund, int sign) {
  for (const SaleLine& r : refund.lines) {
    for (SaleLine& s : sale.lines) {
      if (s.product_id == r.product_id) s.returned_quantity += sign * r.quantity;
    }
  }
  sale.refunded.subtotal_cents += sign * refund.totals.subtotal_cents;
  sale.refunded.gst_cents += sign * refund.totals.gst_cents;
  sale.refunded.qst_cents += sign * refund.totals.qst_cents;
  sale.refunded.total_cents += sign * refund.totals.total_cents;
  for (const TenderRefund& t : refund.tenders) {
    if (t.method == Tender::kCash) {
      sale.cash_refunded_cents += sign * t.amount_cents;
      sale.cash_paid_out_cents += sign * t.paid_cents;
    } else if (t.payment_line_no >= 1 && static_cast<std::size_t>(t.payment_line_no) <= sale.payments.size()) {
      sale.payments[static_cast<std::size_t>(t.payment_line_no - 1)].refunded_cents += sign * t.amount_cents;
    }
  }
}

}  // namespace comptoir::sales
