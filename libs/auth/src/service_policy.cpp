#include "comptoir/auth/service_policy.hpp"

#include <array>

#include "comptoir/error.hpp"

namespace comptoir::auth {
namespace {

// sales moves store stock for sales and returns; order reserves at the centre, puts cancelled orders' stock
// back, charges and refunds, and empties carts from its recovery pass. Nobody else calls as a service.
constexpr std::array<std::string_view, 1> kSalesInventory{scope::kSaleMovements};
constexpr std::array<std::string_view, 2> kOrderInventory{scope::kCentreReservations, scope::kOrderReturns};
constexpr std::array<std::string_view, 2> kOrderPayment{scope::kCharges, scope::kRefunds};
constexpr std::array<std::string_view, 1> kOrderCart{scope::kEmptyCarts};

constexpr std::array kGrants{
    ServiceGrant{"sales", "inventory", kSalesInventory},
    ServiceGrant{"order", "inventory", kOrderInventory},
    ServiceGrant{"order", "payment", kOrderPayment},
    ServiceGrant{"order", "cart", kOrderCart},
};

}  // namespace

std::span<const ServiceGrant> ServiceGrants() {
  return kGrants;
}

std::vector<std::string> AllowedScopes(std::string_view client, std::string_view audience) {
  std::vector<std::string> scopes;
  for (const ServiceGrant& grant : kGrants) {
    if (grant.client != client || grant.audience != audience) continue;
    for (std::string_view s : grant.scopes) scopes.emplace_back(s);
  }
  return scopes;
}

bool IsServiceClient(const Principal& who, std::string_view client) noexcept {
  return who.role == Role::kService && who.subject == client;
}

void RequireService(const Principal& who, std::string_view client, std::string_view scope, std::string_view action) {
  if (!IsServiceClient(who, client)) {
    std::string you = who.role == Role::kService ? "the " + who.subject + " service" : std::string(RoleName(who.role));
    throw ApiError(
        ErrorKind::kForbidden, "auth.forbidden",
        std::string(action) + " is reserved to the " + std::string(client) + " service (you are " + you + ")");
  }
  if (!who.HasScope(scope)) {
    throw ApiError(ErrorKind::kForbidden, "auth.insufficient_scope",
                   std::string(action) + " needs the scope " + std::string(scope));
  }
}

}  // namespace comptoir::auth
