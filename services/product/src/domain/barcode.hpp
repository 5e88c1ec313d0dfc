#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

/// Barcodes of the catalogue (ADR 0170): GTIN-13 (EAN-13) and GTIN-12 (UPC-A) with their GS1 mod-10 check
/// digit, and the chain's price-embedded codes for goods weighed in store (prefixes 02 and 20–29). No I/O.
namespace comptoir::product {

/// The GS1 mod-10 check digit of `digits` (the code without its check digit; GS1 General Specifications
/// §7.9.1: weights 3, 1, 3, … from the right). `digits` must be all decimal digits.
int Gs1CheckDigit(std::string_view digits);

/// The price verifier digit of a 4-digit price field (GS1 §7.9.3: weights 2-, 2-, 3, 5-; sum × 3, units digit).
int PriceCheckDigit4(std::string_view price);
/// The price verifier digit of a 5-digit price field (GS1 §7.9.3: weights 5+, 2-, 5-, 5+, 2-; the digit whose 5-
/// product completes the sum to a multiple of 10).
int PriceCheckDigit5(std::string_view price);

/// A GTIN as it is stored: 13 digits (a UPC-A is its 12 digits after a leading 0), check digit verified.
/// Returns why `code` is not acceptable, or nullopt; `normalized` receives the 13-digit form when it is.
std::optional<std::string> GtinProblem(std::string_view code, std::string* normalized = nullptr);

/// Whether a 13-digit GTIN lies in the in-store (restricted circulation) ranges: prefix 02 or 20–29. Such a
/// number is never a product's barcode: the scale prints it with an item code and a price.
bool IsInStorePrefix(std::string_view gtin13);

/// Returns why a scale item code is not acceptable (exactly 5 digits), or nullopt.
std::optional<std::string> ScaleCodeProblem(std::string_view code);

/// What a scanned code means.
struct Scan {
  std::string gtin;                       ///< the 13-digit form
  bool price_embedded = false;            ///< prefix 02 or 20–29
  std::string item_code;                  ///< 5 digits, when price_embedded
  std::int64_t embedded_price_cents = 0;  ///< when price_embedded
};

/// Reads a scanned EAN-13 or UPC-A. Layouts of the price-embedded codes (ADR 0170):
/// `2 IIIII V PPPPP C` (prefixes 20–29: item code, price verifier over the 5-digit price in cents, price, check)
/// and `0 2 IIIII V PPPP C` (prefix 02, a UPC-A of number system 2: 4-digit price, max 99,99 $).
/// Throws 400 `product.invalid_barcode` naming what is wrong (length, digits, check digit, price verifier).
Scan ReadScan(std::string_view code);

}  // namespace comptoir::product
