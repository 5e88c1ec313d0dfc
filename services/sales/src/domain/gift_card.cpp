#include "domain/gift_card.hpp"

#include <cstdio>

namespace comptoir::sales {
namespace {

constexpr std::uint32_t kBase = 32;
constexpr std::uint32_t kPinRange = 1'000'000;
constexpr std::uint32_t kPinLimit = 4'294'000'000U;  // the largest multiple of 10^6 below 2^32

int SymbolValue(char c) {
  const auto at = kGiftCardAlphabet.find(c);
  return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

// Luhn mod N: from the right, every second symbol doubled, the digits of the product (in base N) summed.
std::uint32_t LuhnSum(std::string_view symbols, bool check_included) {
  std::uint32_t factor = check_included ? 1 : 2;
  std::uint32_t sum = 0;
  for (auto it = symbols.rbegin(); it != symbols.rend(); ++it) {
    std::uint32_t addend = factor * static_cast<std::uint32_t>(SymbolValue(*it));
    factor = factor == 2 ? 1 : 2;
    sum += addend / kBase + addend % kBase;
  }
  return sum;
}

std::string Grouped(std::string_view symbols) {
  std::string out = "GC";
  for (std::size_t i = 0; i < symbols.size(); i += 4) {
    out += '-';
    out += symbols.substr(i, 4);
  }
  return out;
}

}  // namespace

char GiftCardCheckSymbol(std::string_view payload) {
  const std::uint32_t sum = LuhnSum(payload, false);
  return kGiftCardAlphabet[(kBase - sum % kBase) % kBase];
}

std::string GiftCardCodeFrom(std::span<const std::uint8_t> random) {
  std::string symbols;
  for (std::size_t i = 0; i < kGiftCardRandomSymbols && i < random.size(); ++i) {
    symbols += kGiftCardAlphabet[random[i] % kBase];
  }
  symbols += GiftCardCheckSymbol(symbols);
  return Grouped(symbols);
}

std::optional<std::string> ParseGiftCardCode(std::string_view text) {
  if (text.size() > 64) return std::nullopt;
  std::string symbols;
  for (char c : text) {
    if (c == '-' || c == ' ') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c == 'I' || c == 'L') c = '1';
    if (c == 'O') c = '0';
    symbols += c;
  }
  if (symbols.size() == kGiftCardRandomSymbols + 3 && symbols.starts_with("GC")) symbols.erase(0, 2);
  if (symbols.size() != kGiftCardRandomSymbols + 1) return std::nullopt;
  for (char c : symbols) {
    if (SymbolValue(c) < 0) return std::nullopt;
  }
  if (LuhnSum(symbols, true) % kBase != 0) return std::nullopt;
  return Grouped(symbols);
}

std::string MaskGiftCardCode(std::string_view code) {
  const std::string_view last = code.size() >= 4 ? code.substr(code.size() - 4) : code;
  return "GC-****-****-****-" + std::string(last);
}

bool IsGiftCardPin(std::string_view pin) noexcept {
  if (pin.size() != kGiftCardPinDigits) return false;
  for (char c : pin) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::optional<std::string> GiftCardPinFrom(std::uint32_t random) noexcept {
  if (random >= kPinLimit) return std::nullopt;
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "%06u", static_cast<unsigned>(random % kPinRange));
  return std::string(buffer);
}

ApiError GiftCardRefused(std::string field) {
  return ApiError(ErrorKind::kUnprocessable, "sales.gift_card_refused",
                  "gift card refused: unknown code, wrong PIN, or locked after too many wrong PINs",
                  {{std::move(field), "gift card refused"}});
}

ApiError GiftCardInsufficient(std::size_t payment_index) {
  return ApiError(ErrorKind::kUnprocessable, "sales.gift_card_insufficient",
                  "the gift card balance does not cover this payment",
                  {{"payments[" + std::to_string(payment_index) + "].amount_cents", "exceeds the gift card balance"}});
}

ApiError GiftCardBalanceLimit(std::size_t line_index) {
  return ApiError(ErrorKind::kUnprocessable, "sales.gift_card_balance_limit",
                  "a gift card holds at most 5 000,00 $; this load would exceed it",
                  {{"lines[" + std::to_string(line_index) + "].amount_cents", "exceeds the card's limit"}});
}

}  // namespace comptoir::sales
