#include "comptoir/money.hpp"

#include <cstdlib>

namespace comptoir::money {

Taxes QuebecTaxes(std::int64_t subtotal_cents) noexcept {
  // Half-up in integer arithmetic: 5 % is 5/100, 9.975 % is 9975/100000.
  return Taxes{(subtotal_cents * 5 + 50) / 100, (subtotal_cents * 9975 + 50000) / 100000};
}

std::string_view TaxClassName(TaxClass tax_class) noexcept {
  switch (tax_class) {
    case TaxClass::kTaxable:
      return "taxable";
    case TaxClass::kZeroRated:
      return "zero_rated";
    case TaxClass::kExempt:
      return "exempt";
  }
  return "taxable";
}

std::optional<TaxClass> ParseTaxClass(std::string_view text) noexcept {
  if (text == "taxable") return TaxClass::kTaxable;
  if (text == "zero_rated") return TaxClass::kZeroRated;
  if (text == "exempt") return TaxClass::kExempt;
  return std::nullopt;
}

void ClassAmounts::Add(TaxClass tax_class, std::int64_t cents) noexcept {
  switch (tax_class) {
    case TaxClass::kTaxable:
      taxable_cents += cents;
      break;
    case TaxClass::kZeroRated:
      zero_rated_cents += cents;
      break;
    case TaxClass::kExempt:
      exempt_cents += cents;
      break;
  }
}

Taxes QuebecTaxes(const ClassAmounts& amounts) noexcept { return QuebecTaxes(amounts.taxable_cents); }

std::int64_t RoundToNickel(std::int64_t cents) noexcept { return (cents + 2) / 5 * 5; }

std::string FormatCents(std::int64_t cents) {
  std::string sign = cents < 0 ? "-" : "";
  auto a = std::llabs(cents);
  auto fraction = std::to_string(a % 100);
  return sign + std::to_string(a / 100) + "." + (fraction.size() == 1 ? "0" : "") + fraction;
}

}  // namespace comptoir::money
