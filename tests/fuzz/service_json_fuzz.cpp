// Every service's JSON body readers (services/*/src/api/json.cpp; ADR 0130). The first byte chooses the
// service and the reader, the rest is the body. A body is read or refused with a 4xx problem (never a 500,
// never a crash), as service_json/run_reader.hpp checks.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "service_json/readers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t which = data[0] / 5;
  std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 5) {
    case 0:
      comptoir::fuzz::ReadCartBody(which, body);
      break;
    case 1:
      comptoir::fuzz::ReadCustomerBody(which, body);
      break;
    case 2:
      comptoir::fuzz::ReadInventoryBody(which, body);
      break;
    case 3:
      comptoir::fuzz::ReadProductBody(which, body);
      break;
    default:
      comptoir::fuzz::ReadSalesBody(which, body);
      break;
  }
  return 0;
}
