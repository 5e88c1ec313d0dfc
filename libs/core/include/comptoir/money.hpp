#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

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

/// The tax class of a product (ADR 0140). Taxable supplies pay GST and QST; zero-rated supplies (basic
/// groceries: coffee beans, tea leaves, honey, …) are taxable at 0 %; exempt supplies pay no tax at all
/// (and give the seller no input tax credit). At the till both of the latter collect nothing.
enum class TaxClass { kTaxable, kZeroRated, kExempt };

/// "taxable", "zero_rated", "exempt" (the API's spelling).
std::string_view TaxClassName(TaxClass tax_class) noexcept;
/// The class of its API spelling; nullopt for anything else.
std::optional<TaxClass> ParseTaxClass(std::string_view text) noexcept;

/// Pre-tax amounts of one receipt (sale, cart, order, return) summed per tax class.
struct ClassAmounts {
  std::int64_t taxable_cents = 0;
  std::int64_t zero_rated_cents = 0;
  std::int64_t exempt_cents = 0;
  void Add(TaxClass tax_class, std::int64_t cents) noexcept;
  [[nodiscard]] std::int64_t total() const noexcept { return taxable_cents + zero_rated_cents + exempt_cents; }
  [[nodiscard]] std::int64_t Of(TaxClass tax_class) const noexcept {
    return tax_class == TaxClass::kTaxable ? taxable_cents
           : tax_class == TaxClass::kZeroRated ? zero_rated_cents
                                               : exempt_cents;
  }
};

/// Taxes of a receipt with several classes: each tax is computed once on the receipt's taxable total and
/// rounded half-up (ADR 0140: never per line); zero-rated and exempt amounts add nothing.
/// E.g. taxable 4098, zero-rated 1299 → GST 205, QST 409.
Taxes QuebecTaxes(const ClassAmounts& amounts) noexcept;

/// An amount due in cash rounded to the nearest 0.05 $ (Canadian rounding: …1, …2 down; …3, …4 up;
/// …6, …7 down; …8, …9 up). E.g. 1001 → 1000, 1003 → 1005, 1008 → 1010.
std::int64_t RoundToNickel(std::int64_t cents) noexcept;

/// "12.34" for 1234 (receipts and logs; the API itself speaks cents).
std::string FormatCents(std::int64_t cents);

}  // namespace comptoir::money
