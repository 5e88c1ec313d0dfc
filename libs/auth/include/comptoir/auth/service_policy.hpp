#pragma once
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "comptoir/auth/auth.hpp"

/// Who may call what as a service (ADR 0008): the scopes each service client may obtain from the customer
/// service for each audience. A table in code, reviewed like code, never configuration.
namespace comptoir::auth {

/// Scopes of service tokens; the receiving service checks them with RequireService.
namespace scope {
/// inventory: post `sale` and `return` movements at a store and reverse them (sales only).
inline constexpr std::string_view kSaleMovements = "movements:sale";
/// inventory: create, read, commit and release reservations at the logistics centre (order only).
inline constexpr std::string_view kCentreReservations = "reservations:centre";
/// inventory: put a cancelled online order's stock back at the centre, movement reason `order_return` (order).
inline constexpr std::string_view kOrderReturns = "movements:order_return";
/// payment: create, read and list charges (order only).
inline constexpr std::string_view kCharges = "charges:write";
/// payment: refund a charge (order only).
inline constexpr std::string_view kRefunds = "charges:refund";
/// cart: empty any cart (order's recovery pass, when the shopper's token is long gone).
inline constexpr std::string_view kEmptyCarts = "carts:empty";
}  // namespace scope

/// What one client may obtain for one audience.
struct ServiceGrant {
  std::string_view client;
  std::string_view audience;
  std::span<const std::string_view> scopes;
};

/// The whole policy table.
std::span<const ServiceGrant> ServiceGrants();

/// The scopes `client` may obtain for `audience` (empty: none, the token is refused).
std::vector<std::string> AllowedScopes(std::string_view client, std::string_view audience);

/// 403 unless `who` is the service `client` holding `scope` (`auth.forbidden` for anyone else,
/// `auth.insufficient_scope` for the right service without the scope). The audience was checked by Verifier.
void RequireService(const Principal& who, std::string_view client, std::string_view scope, std::string_view action);

/// True when `who` is the service `client` (whatever its scopes).
bool IsServiceClient(const Principal& who, std::string_view client) noexcept;

}  // namespace comptoir::auth
