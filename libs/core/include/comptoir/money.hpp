#pragma once
#include <cstdint>
#include <string>

namespace comptoir::money {

/// Quebec sales taxes on a pre-tax amount (DESIGN §3): GST 5 % and QST 9.975 %, each computed on the
/// pre-tax amount and rounded half-up to the cent. Amounts are integer cents, never floating point.
struct Taxes {
  std::int64_t gst_cents = 0;
  std::int64_t qst_cents = 0;
  [[nodiscard]] std::int64_t total() const noexcept { return gst_cents + qst_cents; }
};

/// Taxes of `subtotal_cents` (≥ 0). E.g. 27597 → GST 1380, QST 2753.
Taxes QuebecTaxes(std::int64_t subtotal_cents) noexcept;

/// An amount due in cash rounded to the nearest 0.05 $ (Canadian rounding: …1, …2 down; …3, …4 up;
/// …6, …7 down; …8, …9 up). E.g. 1001 → 1000, 1003 → 1005, 1008 → 1010.
std::int64_t RoundToNickel(std::int64_t cents) noexcept;

/// "12.34" for 1234 (receipts and logs; the API itself speaks cents).
std::string FormatCents(std::int64_t cents);

}  // namespace comptoir::money
