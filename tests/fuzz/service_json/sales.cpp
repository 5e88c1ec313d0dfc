#include "api/json.hpp"
#include "readers.hpp"
#include "run_reader.hpp"

namespace comptoir::fuzz {

void ReadSalesBody(std::size_t which, std::string_view body) {
  RunReader(body, [&](const boost::json::value& v) {
    switch (which % 5) {
      case 0:
        (void)sales::ParseSaleBody(v);
        break;
      case 1:
        (void)sales::ParseReturnBody(v);
        break;
      case 2:
        (void)sales::ParseOpenSessionBody(v);
        break;
      case 3:
        (void)sales::ParseCloseSessionBody(v);
        break;
      default:
        (void)sales::FingerprintText(v);
        break;
    }
  });
}

}  // namespace comptoir::fuzz
