// Gift cards in PostgreSQL: PIN attempts counted before verification, issue, lookup, unlock (ADR 0032).
#include "domain/gift_card.hpp"
#include "storage/repository.hpp"

namespace comptoir::sales {
namespace {

#define COMPTOIR_GIFT_CARD_COLUMNS \
  "id, code, balance_cents, failed_pin_attempts >= $2::int, f_rfc3339(created_at), active"

// One statement: a card that may still be tried counts the attempt now, before the slow verification, so
// that fifty guesses sent at once cannot all be verified.
constexpr pg::Statement kCountPinAttempt{
    "sales.gift_card_count_attempt",
    "UPDATE gift_cards SET failed_pin_attempts = failed_pin_attempts + 1, updated_at = now()"
    " WHERE code = $1::text AND pin_hash IS NOT NULL AND failed_pin_attempts < $2::int RETURNING id, pin_hash"};
constexpr pg::Statement kPinAccepted{
    "sales.gift_card_pin_accepted",
    "UPDATE gift_cards SET failed_pin_attempts = 0, updated_at = now() WHERE id = $1::bigint"};
constexpr pg::Statement kFindGiftCard{"sales.gift_card_find",
                                      "SELECT " COMPTOIR_GIFT_CARD_COLUMNS " FROM gift_cards WHERE id = $1::bigint"};
constexpr pg::Statement kFindGiftCardByCode{
    "sales.gift_card_find_code", "SELECT " COMPTOIR_GIFT_CARD_COLUMNS " FROM gift_cards WHERE code = $1::text"};
// A card issued without a balance is inactive until a till sells it (ADR 0152).
constexpr pg::Statement kInsertGiftCard{
    "sales.gift_card_insert",
    "INSERT INTO gift_cards (code, pin_hash, balance_cents, issued_by, active) VALUES ($1::text, $3::text, $4::bigint,"
    " $5::text, $4::bigint > 0) ON CONFLICT (code) DO NOTHING RETURNING " COMPTOIR_GIFT_CARD_COLUMNS};
constexpr pg::Statement kUnlockGiftCard{
    "sales.gift_card_unlock",
    "UPDATE gift_cards SET failed_pin_attempts = 0, updated_at = now() WHERE id = $1::bigint"
    " RETURNING " COMPTOIR_GIFT_CARD_COLUMNS};

GiftCard GiftCardFromRow(const pg::Row& row) {
  return GiftCard{row.Int(0), std::string(row.Text(1)), row.Int(2), row.Bool(3), std::string(row.Text(4)),
                  row.Bool(5)};
}

std::optional<GiftCard> OneCard(const pg::Result& result) {
  if (result.empty()) return std::nullopt;
  return GiftCardFromRow(result[0]);
}

}  // namespace

boost::asio::awaitable<std::optional<GiftCardSecret>> Repository::CountPinAttempt(std::string code, int max_failures) {
  pg::Result result = co_await db_.Execute(kCountPinAttempt, pg::Params().Add(code).Add(max_failures));
  if (result.empty()) co_return std::nullopt;
  co_return GiftCardSecret{result[0].Int(0), std::string(result[0].Text(1))};
}

boost::asio::awaitable<void> Repository::PinAccepted(std::int64_t gift_card_id) {
  co_await db_.Execute(kPinAccepted, pg::Params().Add(gift_card_id));
}

boost::asio::awaitable<std::optional<GiftCard>> Repository::FindGiftCard(std::int64_t id) {
  co_return OneCard(co_await db_.Execute(kFindGiftCard, pg::Params().Add(id).Add(kGiftCardMaxPinFailures)));
}

boost::asio::awaitable<std::optional<GiftCard>> Repository::FindGiftCardByCode(std::string code) {
  co_return OneCard(co_await db_.Execute(kFindGiftCardByCode, pg::Params().Add(code).Add(kGiftCardMaxPinFailures)));
}

boost::asio::awaitable<std::optional<GiftCard>> Repository::InsertGiftCard(std::string code, std::string pin_hash,
                                                                           std::int64_t balance_cents,
                                                                           std::string issued_by) {
  co_return OneCard(co_await db_.Execute(
      kInsertGiftCard,
      pg::Params().Add(code).Add(kGiftCardMaxPinFailures).Add(pin_hash).Add(balance_cents).Add(issued_by)));
}

boost::asio::awaitable<std::optional<GiftCard>> Repository::UnlockGiftCard(std::int64_t id) {
  co_return OneCard(co_await db_.Execute(kUnlockGiftCard, pg::Params().Add(id).Add(kGiftCardMaxPinFailures)));
}

}  // namespace comptoir::sales
