// Property tests (rapidcheck with GoogleTest) of refunds per tender (ADR 0031): over random sales — any
// lines, any mix of card, debit, gift cards and cash — and random sequences of partial returns, some of them
// undone again (a failed return whose reservation is cancelled), the refunds never exceed what a tender paid,
// the cash handed back never exceeds the cash taken (0.05 $ rounding of each cash refund included), and a
// sale returned in full gives back exactly what each tender paid, its taxes and its cash.
#include <algorithm>
#include <array>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "comptoir/error.hpp"
#include "comptoir/money.hpp"
#include "domain/sales.hpp"

namespace comptoir::sales {
namespace {

// Draws at full size: rapidcheck scales numbers with the test's size, which starts at 0 (always the lower
// bound), and a loop that always undoes its return would never end.
template <class T>
T Pick(T low, T high_exclusive) {
  return *rc::gen::resize(100, rc::gen::inRange<T>(low, high_exclusive));
}
bool Coin() {
  return Pick(0, 2) == 1;
}

struct RandomSale {
  Sale sale;
  Settlement settlement;
};

// A sale of 1–5 products with random prices and quantities, paid by a random mix of tenders that Settle
// accepts: non-cash tenders within the total, the rest in cash (tendered up to 20 $ above what is due).
rc::Gen<RandomSale> GenSale() {
  return rc::gen::exec([] {
    RandomSale r;
    const int products = Pick(1, 6);
    std::vector<std::pair<Product, std::int64_t>> scanned;
    for (int i = 0; i < products; ++i) {
      Product p{i + 1, "SKU-" + std::to_string(i), "P" + std::to_string(i), Pick<std::int64_t>(1, 50'000), true};
      scanned.emplace_back(p, Pick<std::int64_t>(1, 6));
    }
    r.sale.lines = PriceLines(scanned);
    r.sale.totals = TotalsOfLines(r.sale.lines);
    std::int64_t left = r.sale.totals.total_cents;
    const int non_cash = Pick(0, 4);
    for (int i = 0; i < non_cash && left > 0; ++i) {
      const Tender method =
          std::array{Tender::kCard, Tender::kDebit, Tender::kGiftCard}[static_cast<std::size_t>(Pick(0, 3))];
      const std::int64_t amount = Pick<std::int64_t>(1, left + 1);
      Payment p{method, amount};
      if (method == Tender::kGiftCard) {
        p.gift_card_id = i + 1;
        p.gift_card_code = "GC-****-****-****-000" + std::to_string(i);
      }
      r.sale.payments.push_back(p);
      left -= amount;
    }
    const bool with_cash = left > 0 || Coin();
    if (with_cash) {
      const std::int64_t due = money::RoundToNickel(left);
      r.sale.payments.push_back(Payment{Tender::kCash, due + Pick<std::int64_t>(0, 2001)});
      if (due == 0 && r.sale.payments.back().amount_cents == 0) r.sale.payments.back().amount_cents = 5;
    }
    r.settlement = Settle(r.sale.totals.total_cents, r.sale.payments);
    r.sale.cash_taken_cents = r.settlement.cash_taken_cents();
    return r;
  });
}

// One return: a random quantity (≥ 1) of each of a random non-empty subset of what is still returnable.
std::vector<ReturnLineRequest> RandomReturn(const Sale& sale) {
  std::vector<ReturnLineRequest> lines;
  for (const SaleLine& l : sale.lines) {
    const std::int64_t left = l.quantity - l.returned_quantity;
    if (left > 0 && Coin()) {
      lines.push_back({l.product_id, Pick<std::int64_t>(1, left + 1)});
    }
  }
  if (lines.empty()) {
    for (const SaleLine& l : sale.lines) {
      if (l.quantity > l.returned_quantity) {
        lines.push_back({l.product_id, 1});
        break;
      }
    }
  }
  return lines;
}

bool AnythingLeft(const Sale& sale) {
  return std::any_of(sale.lines.begin(), sale.lines.end(),
                     [](const SaleLine& l) { return l.returned_quantity < l.quantity; });
}

// What every tender refunded and what cash went out, summed over the returns still standing.
struct Ledger {
  std::vector<std::int64_t> per_payment;
  std::int64_t own_cash_paid = 0;
  std::int64_t total = 0;
  std::int64_t gst = 0;
  std::int64_t qst = 0;
};

void Record(Ledger& ledger, const Refund& refund, int sign) {
  for (const TenderRefund& t : refund.tenders) {
    ledger.per_payment[static_cast<std::size_t>(t.payment_line_no - 1)] += sign * t.amount_cents;
    if (t.method == Tender::kCash) ledger.own_cash_paid += sign * t.paid_cents;
  }
  ledger.total += sign * refund.totals.total_cents;
  ledger.gst += sign * refund.totals.gst_cents;
  ledger.qst += sign * refund.totals.qst_cents;
}

// What each tender contributed to the total: its amount, or for cash the exact cash part.
std::vector<std::int64_t> Contributions(const RandomSale& r) {
  std::vector<std::int64_t> paid;
  for (const Payment& p : r.sale.payments) {
    paid.push_back(p.method == Tender::kCash ? 0 : p.amount_cents);
  }
  for (std::size_t i = 0; i < r.sale.payments.size(); ++i) {
    if (r.sale.payments[i].method == Tender::kCash) {
      paid[i] = r.sale.totals.total_cents - r.settlement.non_cash_cents;
      break;
    }
  }
  return paid;
}

void CheckInvariants(const RandomSale& r, const Ledger& ledger, const Refund& refund) {
  const auto paid = Contributions(r);
  for (std::size_t i = 0; i < paid.size(); ++i) {
    RC_ASSERT(ledger.per_payment[i] >= 0);
    RC_ASSERT(ledger.per_payment[i] <= paid[i]);
  }
  RC_ASSERT(ledger.own_cash_paid >= 0);
  RC_ASSERT(ledger.own_cash_paid <= r.sale.cash_taken_cents);
  RC_ASSERT(ledger.total <= r.sale.totals.total_cents);
  // Taxes: each return gives back a part of each tax, never more than what is left of it.
  RC_ASSERT(refund.totals.gst_cents >= 0 && refund.totals.qst_cents >= 0);
  RC_ASSERT(ledger.gst <= r.sale.totals.gst_cents && ledger.qst <= r.sale.totals.qst_cents);
  RC_ASSERT(refund.totals.total_cents ==
            refund.totals.subtotal_cents + refund.totals.gst_cents + refund.totals.qst_cents);
  std::int64_t allocated = 0;
  for (const TenderRefund& t : refund.tenders) {
    allocated += t.amount_cents;
    RC_ASSERT(t.amount_cents > 0);
    if (t.refunded_as == Tender::kCash) RC_ASSERT(t.paid_cents % 5 == 0);
    if (t.refunded_as != Tender::kCash) RC_ASSERT(t.paid_cents == t.amount_cents);
  }
  RC_ASSERT(allocated == refund.totals.total_cents);
}

RC_GTEST_PROP(RefundProperty, PartialReturnsNeverExceedATenderNorTheCashTaken, ()) {
  RandomSale r = *GenSale();
  Ledger ledger{std::vector<std::int64_t>(r.sale.payments.size(), 0)};
  std::vector<Refund> standing;
  int undone = 0;
  while (AnythingLeft(r.sale)) {
    const auto lines = RandomReturn(r.sale);
    Refund refund = ComputeRefund(r.sale, lines, false);
    ApplyRefund(r.sale, refund);
    Record(ledger, refund, +1);
    CheckInvariants(r, ledger, refund);
    RC_ASSERT(!NeedsManagerApproval(refund));
    standing.push_back(refund);
    // Now and then (at most 4 times a sale) a return fails after its reservation and is undone.
    if (undone < 4 && Pick(0, 4) == 0) {
      ++undone;
      const auto victim = Pick<std::size_t>(0, standing.size());
      ApplyRefund(r.sale, standing[victim], -1);
      Record(ledger, standing[victim], -1);
      standing.erase(standing.begin() + static_cast<std::ptrdiff_t>(victim));
    }
  }
  // Everything returned: each tender got back exactly what it paid, the taxes and the cash taken too.
  const auto paid = Contributions(r);
  for (std::size_t i = 0; i < paid.size(); ++i) RC_ASSERT(ledger.per_payment[i] == paid[i]);
  RC_ASSERT(ledger.total == r.sale.totals.total_cents);
  RC_ASSERT(ledger.gst == r.sale.totals.gst_cents);
  RC_ASSERT(ledger.qst == r.sale.totals.qst_cents);
  RC_ASSERT(ledger.own_cash_paid == r.sale.cash_taken_cents);
}

RC_GTEST_PROP(RefundProperty, CashInsteadOfOtherTendersIsFlaggedAndStillCapped, ()) {
  RandomSale r = *GenSale();
  Ledger ledger{std::vector<std::int64_t>(r.sale.payments.size(), 0)};
  while (AnythingLeft(r.sale)) {
    Refund refund = ComputeRefund(r.sale, RandomReturn(r.sale), true);
    bool converted = false;
    for (const TenderRefund& t : refund.tenders) {
      RC_ASSERT(t.refunded_as == Tender::kCash);
      RC_ASSERT(t.paid_cents % 5 == 0);
      converted = converted || t.method != Tender::kCash;
    }
    RC_ASSERT(NeedsManagerApproval(refund) == converted);
    ApplyRefund(r.sale, refund);
    Record(ledger, refund, +1);
    CheckInvariants(r, ledger, refund);
  }
  RC_ASSERT(ledger.total == r.sale.totals.total_cents);
}

// Settling a sale: the cash part is rounded to 0.05 $ (never by more than 2 cents), change is what was tendered
// above that, the drawer keeps exactly the rounded cash part; tenders that leave something unpaid, or cards
// above the total, are refused — exactly when a reference computation says so.
RC_GTEST_PROP(SettleProperty, CashPartRoundedToTheNickelAndChangeNeverNegative, ()) {
  const std::int64_t total = Pick<std::int64_t>(0, 200'000);
  std::vector<Payment> payments;
  std::int64_t non_cash = 0;
  std::int64_t cash = 0;
  bool has_cash = false;
  const int count = Pick(1, 5);
  for (int i = 0; i < count; ++i) {
    const Tender method =
        std::array{Tender::kCash, Tender::kCard, Tender::kDebit, Tender::kGiftCard}[static_cast<std::size_t>(Pick(0, 4))];
    const std::int64_t amount = Pick<std::int64_t>(1, total / 2 + 3'000);
    payments.push_back({method, amount});
    (method == Tender::kCash ? cash : non_cash) += amount;
    has_cash = has_cash || method == Tender::kCash;
  }
  const std::int64_t rest = total - non_cash;
  const std::int64_t due = has_cash ? (rest % 5 <= 2 ? rest - rest % 5 : rest + 5 - rest % 5) : rest;
  const bool refused = non_cash > total || cash < due;
  try {
    const Settlement s = Settle(total, payments);
    RC_ASSERT(!refused);
    RC_ASSERT(s.non_cash_cents == non_cash && s.cash_tendered_cents == cash);
    RC_ASSERT(s.change_cents >= 0);
    if (has_cash) {
      RC_ASSERT(s.cash_due_cents % 5 == 0);
      RC_ASSERT(std::abs(s.cash_rounding_cents) <= 2);
      RC_ASSERT(s.cash_due_cents == rest + s.cash_rounding_cents);
      RC_ASSERT(s.cash_taken_cents() == s.cash_due_cents);
    } else {
      RC_ASSERT(s.cash_rounding_cents == 0 && s.change_cents == 0 && non_cash == total);
    }
  } catch (const ApiError& e) {
    RC_ASSERT(refused);
    RC_ASSERT(e.status() == 422);
  }
}

}  // namespace
}  // namespace comptoir::sales
