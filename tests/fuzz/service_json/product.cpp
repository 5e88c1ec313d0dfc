#include "api/json.hpp"
#include "readers.hpp"
#include "run_reader.hpp"

namespace comptoir::fuzz {

void ReadProductBody(std::size_t which, std::string_view body) {
  RunReader(body, [&](const boost::json::value& v) {
    switch (which % 4) {
      case 0:
        (void)product::ParseProductBody(v, product::ProductBodyMode::kCreate);
        break;
      case 1:
        (void)product::ParseProductBody(v, product::ProductBodyMode::kReplace);
        break;
      case 2:
        (void)product::ParseProductBody(v, product::ProductBodyMode::kPatch);
        break;
      default:
        (void)product::ParseCategoryBody(v);
        break;
    }
  });
}

}  // namespace comptoir::fuzz
