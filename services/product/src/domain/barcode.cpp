#include "domain/barcode.hpp"

#include <algorithm>

#include "comptoir/error.hpp"

namespace comptoir::product {
namespace {

bool AllDigits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int Digit(char c) {
  return c - '0';
}

// GS1 §7.9.3 weighting factors, applied to one digit; each gives the units digit of the weighted product.
int Minus2(int d) {  // 2×d, minus its tens digit
  int p = 2 * d;
  return (p - p / 10) % 10;
}
int Plus5(int d) {  // 5×d, plus its tens digit
  int p = 5 * d;
  return (p + p / 10) % 10;
}
int Minus5(int d) {  // 5×d, minus its tens digit
  int p = 5 * d;
  return (p - p / 10) % 10;
}

[[noreturn]] void Invalid(const std::string& why) {
  throw ApiError::Validation("product.invalid_barcode", why, {{"barcode", why}});
}

}  // namespace

int Gs1CheckDigit(std::string_view digits) {
  int sum = 0;
  bool three = true;  // the digit next to the check digit weighs 3
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    sum += Digit(*it) * (three ? 3 : 1);
    three = !three;
  }
  return (10 - sum % 10) % 10;
}

int PriceCheckDigit4(std::string_view p) {
  int sum = Minus2(Digit(p[0])) + Minus2(Digit(p[1])) + (3 * Digit(p[2])) % 10 + Minus5(Digit(p[3]));
  return (sum * 3) % 10;
}

int PriceCheckDigit5(std::string_view p) {
  int sum = Plus5(Digit(p[0])) + Minus2(Digit(p[1])) + Minus5(Digit(p[2])) + Plus5(Digit(p[3])) + Minus2(Digit(p[4]));
  int wanted = (10 - sum % 10) % 10;
  for (int d = 0; d < 10; ++d) {
    if (Minus5(d) == wanted) return d;
  }
  return 0;  // unreachable: 5- is a permutation of the digits
}

std::optional<std::string> GtinProblem(std::string_view code, std::string* normalized) {
  if (!AllDigits(code)) return "must be digits only (EAN-13 or UPC-A)";
  if (code.size() != 12 && code.size() != 13) return "must have 13 digits (EAN-13) or 12 (UPC-A)";
  std::string gtin = code.size() == 12 ? "0" + std::string(code) : std::string(code);
  int expected = Gs1CheckDigit(std::string_view(gtin).substr(0, 12));
  if (Digit(gtin[12]) != expected) {
    return "wrong check digit: " + std::string(1, gtin[12]) + " where GS1 mod-10 gives " + std::to_string(expected);
  }
  if (normalized != nullptr) *normalized = std::move(gtin);
  return std::nullopt;
}

bool IsInStorePrefix(std::string_view gtin13) {
  return gtin13.size() == 13 && (gtin13[0] == '2' || (gtin13[0] == '0' && gtin13[1] == '2'));
}

std::optional<std::string> ScaleCodeProblem(std::string_view code) {
  if (code.size() != 5 || !AllDigits(code)) return "must be exactly 5 digits";
  return std::nullopt;
}

Scan ReadScan(std::string_view code) {
  Scan scan;
  if (auto problem = GtinProblem(code, &scan.gtin)) Invalid("barcode " + std::string(code) + ": " + *problem);
  if (!IsInStorePrefix(scan.gtin)) return scan;
  std::string_view g = scan.gtin;
  std::string_view price;
  int verifier = 0;
  if (g[0] == '2') {  // 2 IIIII V PPPPP C
    scan.item_code = std::string(g.substr(1, 5));
    verifier = Digit(g[6]);
    price = g.substr(7, 5);
    if (PriceCheckDigit5(price) != verifier) {
      Invalid("barcode " + std::string(code) + ": wrong price verifier digit " + std::to_string(verifier) +
              " for the price " + std::string(price) + " (GS1 gives " + std::to_string(PriceCheckDigit5(price)) + ")");
    }
  } else {  // 0 2 IIIII V PPPP C
    scan.item_code = std::string(g.substr(2, 5));
    verifier = Digit(g[7]);
    price = g.substr(8, 4);
    if (PriceCheckDigit4(price) != verifier) {
      Invalid("barcode " + std::string(code) + ": wrong price verifier digit " + std::to_string(verifier) +
              " for the price " + std::string(price) + " (GS1 gives " + std::to_string(PriceCheckDigit4(price)) + ")");
    }
  }
  scan.price_embedded = true;
  scan.embedded_price_cents = std::stoll(std::string(price));
  return scan;
}

}  // namespace comptoir::product
