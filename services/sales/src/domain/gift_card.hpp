#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "comptoir/error.hpp"

/// Gift card codes and PINs (ADR 0032): a code is "GC-" and 16 symbols of Crockford's base 32 in groups of
/// four — 15 random symbols (75 bits from a CSPRNG) and a Luhn mod 32 check symbol that catches every
/// mistyped symbol and most swapped neighbours before anything is looked up. A 6-digit PIN, stored only as
/// an Argon2id hash, is needed to spend. No I/O here: the random bytes come from the caller.
namespace comptoir::sales {

/// Crockford's base 32: digits and letters without I, L, O, U.
inline constexpr std::string_view kGiftCardAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
inline constexpr std::size_t kGiftCardRandomSymbols = 15;
inline constexpr std::size_t kGiftCardPinDigits = 6;
/// Wrong PINs in a row after which a card refuses every PIN until a manager unlocks it.
inline constexpr int kGiftCardMaxPinFailures = 5;
inline constexpr std::int64_t kMaxGiftCardBalanceCents = 500'000;  // 5 000,00 $

/// The Luhn mod 32 check symbol of `payload` (symbols of kGiftCardAlphabet).
char GiftCardCheckSymbol(std::string_view payload);

/// "GC-XXXX-XXXX-XXXX-XXXC" from the low 5 bits of the first 15 bytes of `random` (which must hold at
/// least 15 bytes: 256 is a multiple of 32, so each symbol is uniform).
std::string GiftCardCodeFrom(std::span<const std::uint8_t> random);

/// The canonical code for what a cashier typed or scanned: case, spaces and hyphens do not matter, the
/// "GC" prefix is optional, Crockford's look-alikes are read as digits (I, L → 1; O → 0). nullopt unless
/// 16 symbols with a valid check symbol.
std::optional<std::string> ParseGiftCardCode(std::string_view text);

/// What receipts, events and answers show of a code: "GC-****-****-****-XXXC".
std::string MaskGiftCardCode(std::string_view code);

/// True for exactly six ASCII digits.
bool IsGiftCardPin(std::string_view pin) noexcept;

/// A uniform six-digit PIN from a random 32-bit value, or nullopt when the value falls in the biased tail
/// (draw again): values ≥ 4 294 000 000 are refused.
std::optional<std::string> GiftCardPinFrom(std::uint32_t random) noexcept;

/// 422 `sales.gift_card_refused` on `payments[i].gift_card_code`: the same answer for an unknown code, a
/// wrong PIN and a locked card, so that it tells a guesser nothing.
ApiError GiftCardRefused(std::string field);
/// 422 `sales.gift_card_insufficient` on `payments[i].amount_cents` — never with the balance.
ApiError GiftCardInsufficient(std::size_t payment_index);
/// 422 `sales.gift_card_balance_limit` on `lines[i].amount_cents`: the load would take the card above
/// kMaxGiftCardBalanceCents (ADR 0152).
ApiError GiftCardBalanceLimit(std::size_t line_index);

}  // namespace comptoir::sales
