#include "api/json.hpp"
#include "readers.hpp"
#include "run_reader.hpp"

namespace comptoir::fuzz {

void ReadCartBody(std::size_t which, std::string_view body) {
  RunReader(body, [&](const boost::json::value& v) {
    if (which % 2 == 0) {
      auto item = cart::ParseAddItemBody(v);
      if (item.product_id < 1 || item.quantity < 1 || item.quantity > 999) std::abort();
    } else {
      auto quantity = cart::ParseQuantityBody(v, 7);
      if (quantity < 0 || quantity > 999) std::abort();
    }
  });
}

}  // namespace comptoir::fuzz
