#include "workflow/gift_cards.hpp"

#include <array>

#include <openssl/rand.h>
#include <boost/json.hpp>

#include "comptoir/json.hpp"
#include "comptoir/log.hpp"
#include "domain/gift_card.hpp"

namespace comptoir::sales {
namespace {

template <std::size_t N>
std::array<std::uint8_t, N> RandomBytes() {
  std::array<std::uint8_t, N> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    throw ApiError::Internal("sales.random_unavailable", "the random number generator failed");
  }
  return bytes;
}

std::string NewPin() {
  for (;;) {
    auto bytes = RandomBytes<4>();
    const std::uint32_t value = (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
                                (std::uint32_t{bytes[2]} << 8) | std::uint32_t{bytes[3]};
    if (auto pin = GiftCardPinFrom(value)) return *pin;
  }
}

boost::json::object CardJson(const GiftCard& card, bool full_code) {
  boost::json::object o;
  o["id"] = card.id;
  o["code"] = full_code ? card.code : MaskGiftCardCode(card.code);
  o["balance_cents"] = card.balance_cents;
  o["locked"] = card.locked;
  o["active"] = card.active;
  o["created_at"] = card.created_at;
  return o;
}

void RequireIssuer(const auth::Principal& who, std::string_view action) {
  auth::RequireRole(who, {auth::Role::kManager, auth::Role::kAdmin}, action);
}

}  // namespace

boost::asio::awaitable<std::int64_t> GiftCards::Authorize(const std::string& code, const std::string& pin,
                                                          const std::string& field) {
  auto secret = co_await repository_.CountPinAttempt(code, kGiftCardMaxPinFailures);
  // An unknown or locked card is "verified" against the hasher's decoy: the same time as a wrong PIN.
  // Named, never a conditional temporary in a co_await (GCC 12 destroys it twice).
  std::string hash;
  if (secret) hash = secret->pin_hash;
  const bool match = co_await hasher_.Verify(std::move(hash), pin);
  if (!secret || !match) {
    if (secret) log::Warn("gift card: wrong PIN", {{"gift_card_id", secret->id}});
    throw GiftCardRefused(field);
  }
  co_await repository_.PinAccepted(secret->id);
  co_return secret->id;
}

boost::asio::awaitable<http::Response> GiftCards::Issue(const http::Request& request, const auth::Principal& who) {
  RequireIssuer(who, "issue gift cards");
  const boost::json::value body = json::ParseBody(request.body);  // outlives the reader
  json::ObjectReader reader(body);
  reader.RejectUnknown({"balance_cents"});
  // 0: pre-printed stock, inactive until a till sells it (ADR 0152).
  const auto balance = reader.Int("balance_cents", true, 0, kMaxGiftCardBalanceCents);
  reader.ThrowIfErrors();
  const std::string pin = NewPin();
  const std::string pin_hash = co_await hasher_.Hash(pin);
  // 75 random bits: a collision is all but impossible, but a taken code is simply drawn again.
  for (int attempt = 0; attempt < 5; ++attempt) {
    const std::string code = GiftCardCodeFrom(RandomBytes<kGiftCardRandomSymbols>());
    if (auto card = co_await repository_.InsertGiftCard(code, pin_hash, *balance, who.subject)) {
      boost::json::object body = CardJson(*card, true);
      body["pin"] = pin;
      log::Info("gift card issued", {{"gift_card_id", card->id}, {"issued_by", who.subject}});
      http::Response response = http::Response::Json(201, boost::json::serialize(body));
      response.headers.Set("Cache-Control", "no-store");
      co_return response;
    }
  }
  throw ApiError::Internal("sales.gift_card_code_collision", "no free gift card code was found");
}

boost::asio::awaitable<http::Response> GiftCards::Balance(const http::Request& request, const auth::Principal& who) {
  auth::RequireRole(who, {auth::Role::kCashier, auth::Role::kManager, auth::Role::kAdmin}, "check gift cards");
  const boost::json::value body = json::ParseBody(request.body);  // outlives the reader
  json::ObjectReader reader(body);
  reader.RejectUnknown({"code", "pin"});
  auto text = reader.String("code", true, 1, kMaxGiftCardCodeLength);
  auto pin = reader.String("pin", true, 1, 20);
  std::optional<std::string> code;
  if (text) {
    code = ParseGiftCardCode(*text);
    if (!code) reader.Fail("code", "is not a gift card code (GC- and 16 symbols, the last a check symbol)");
  }
  if (pin && !IsGiftCardPin(*pin)) reader.Fail("pin", "must be the card's 6-digit PIN");
  reader.ThrowIfErrors();
  const std::int64_t id = co_await Authorize(*code, *pin, "code");
  auto card = co_await repository_.FindGiftCard(id);
  if (!card) throw GiftCardRefused("code");
  co_return http::Response::Json(200, boost::json::serialize(CardJson(*card, false)));
}

boost::asio::awaitable<http::Response> GiftCards::Unlock(const auth::Principal& who, std::int64_t id) {
  RequireIssuer(who, "unlock gift cards");
  auto card = co_await repository_.UnlockGiftCard(id);
  if (!card) throw ApiError::NotFound("sales.gift_card_not_found", "no gift card has id " + std::to_string(id));
  log::Info("gift card unlocked", {{"gift_card_id", id}, {"by", who.subject}});
  co_return http::Response::Json(200, boost::json::serialize(CardJson(*card, false)));
}

}  // namespace comptoir::sales
