#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace comptoir::payment {

/// Test cards of the simulated provider (DESIGN §4).
inline constexpr std::string_view kDeclinedCard = "4000000000000002";
inline constexpr std::string_view kTimeoutCard = "4000000000000119";

/// What the provider does with a card number.
enum class CardBehaviour { kSucceed, kDecline, kLateSuccess };

/// True when `number` is 12 to 19 digits and passes the Luhn check.
bool IsValidCardNumber(std::string_view number) noexcept;

/// The behaviour of a valid card number: the declined and timeout test cards, every other valid card succeeds.
CardBehaviour BehaviourOf(std::string_view number) noexcept;

/// Last four digits ("" for shorter input).
std::string LastFour(std::string_view number);

/// A charge request after validation.
struct ChargeRequest {
  std::int64_t amount_cents = 0;
  std::string currency;
  std::string card_number;
  std::string reference;
};

/// States of a charge: pending → succeeded | refunded (refund asked while pending); succeeded → refunded;
/// declined is final.
enum class ChargeStatus { kPending, kSucceeded, kDeclined, kRefunded };
std::string_view StatusName(ChargeStatus status) noexcept;
std::optional<ChargeStatus> ParseStatus(std::string_view name) noexcept;

/// What a refund request does to a charge in `status`.
enum class RefundOutcome {
  kRefund,           ///< succeeded → refunded now
  kAlreadyRefunded,  ///< nothing to do, same answer
  kDeferred,         ///< pending: marked, the charge ends refunded when it completes
  kNotRefundable,    ///< declined: no money moved, 409
};
RefundOutcome RefundOf(ChargeStatus status) noexcept;

}  // namespace comptoir::payment
