#pragma once
#include <cstdint>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "comptoir/auth/auth.hpp"
#include "comptoir/auth/password.hpp"
#include "comptoir/http/message.hpp"
#include "storage/repository.hpp"

namespace comptoir::sales {

/// Gift cards at the till and in the back office (ADR 0032): the PIN check that a payment needs, issuing a
/// card (a CSPRNG code and PIN, the PIN hashed with Argon2id), a balance inquiry with the PIN, an unlock.
class GiftCards {
 public:
  GiftCards(Repository& repository, auth::PasswordHasher& hasher) : repository_(repository), hasher_(hasher) {}

  /// The id of the card `code` when `pin` is its PIN. The attempt is counted before the (slow) check, so that
  /// at most kGiftCardMaxPinFailures wrong PINs in a row are ever verified; an unknown code takes the time of
  /// a check too. Otherwise 422 `sales.gift_card_refused` on `field`, the same for every reason.
  boost::asio::awaitable<std::int64_t> Authorize(const std::string& code, const std::string& pin,
                                                 const std::string& field);

  /// POST /api/v1/gift-cards (manager, admin): 201 {id, code, pin, balance_cents, …}; the PIN is shown once.
  boost::asio::awaitable<http::Response> Issue(const http::Request& request, const auth::Principal& who);
  /// POST /api/v1/gift-cards/balance (staff who sell): {code, pin} → the balance.
  boost::asio::awaitable<http::Response> Balance(const http::Request& request, const auth::Principal& who);
  /// POST /api/v1/gift-cards/{id}/unlock (manager, admin): ends a lockout after wrong PINs.
  boost::asio::awaitable<http::Response> Unlock(const auth::Principal& who, std::int64_t id);

 private:
  Repository& repository_;
  auth::PasswordHasher& hasher_;
};

}  // namespace comptoir::sales
