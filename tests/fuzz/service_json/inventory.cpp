#include "api/json.hpp"
#include "readers.hpp"
#include "run_reader.hpp"

namespace comptoir::fuzz {

void ReadInventoryBody(std::size_t which, std::string_view body) {
  RunReader(body, [&](const boost::json::value& v) {
    switch (which % 6) {
      case 0:
        (void)inventory::ParseMovementBody(v);
        break;
      case 1:
        (void)inventory::ParseReservationBody(v);
        break;
      case 2:
        (void)inventory::ParseRestockBody(v);
        break;
      case 3:
        (void)inventory::ParseApprovalBody(v);
        break;
      case 4:
        (void)inventory::ParseRejectBody(v);
        break;
      default:
        (void)inventory::ParseReorderBody(v);
        break;
    }
  });
}

}  // namespace comptoir::fuzz
