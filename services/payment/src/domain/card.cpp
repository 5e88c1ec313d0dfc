#include "domain/card.hpp"

namespace comptoir::payment {

bool IsValidCardNumber(std::string_view number) noexcept {
  if (number.size() < 12 || number.size() > 19) return false;
  int sum = 0;
  bool twice = false;
  for (auto it = number.rbegin(); it != number.rend(); ++it) {
    if (*it < '0' || *it > '9') return false;
    int digit = *it - '0';
    if (twice) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    twice = !twice;
  }
  return sum % 10 == 0;
}

CardBehaviour BehaviourOf(std::string_view number) noexcept {
  if (number == kDeclinedCard) return CardBehaviour::kDecline;
  if (number == kTimeoutCard) return CardBehaviour::kLateSuccess;
  return CardBehaviour::kSucceed;
}

std::string LastFour(std::string_view number) {
  return number.size() < 4 ? std::string() : std::string(number.substr(number.size() - 4));
}

std::string_view StatusName(ChargeStatus status) noexcept {
  switch (status) {
    case ChargeStatus::kPending:
      return "pending";
    case ChargeStatus::kSucceeded:
      return "succeeded";
    case ChargeStatus::kDeclined:
      return "declined";
    case ChargeStatus::kRefunded:
      return "refunded";
  }
  return "pending";
}

std::optional<ChargeStatus> ParseStatus(std::string_view name) noexcept {
  for (auto s : {ChargeStatus::kPending, ChargeStatus::kSucceeded, ChargeStatus::kDeclined, ChargeStatus::kRefunded}) {
    if (StatusName(s) == name) return s;
  }
  return std::nullopt;
}

RefundOutcome RefundOf(ChargeStatus status) noexcept {
  switch (status) {
    case ChargeStatus::kSucceeded:
      return RefundOutcome::kRefund;
    case ChargeStatus::kRefunded:
      return RefundOutcome::kAlreadyRefunded;
    case ChargeStatus::kPending:
      return RefundOutcome::kDeferred;
    case ChargeStatus::kDeclined:
      return RefundOutcome::kNotRefundable;
  }
  return RefundOutcome::kNotRefundable;
}

}  // namespace comptoir::payment
