#include "api/json.hpp"
#include "readers.hpp"
#include "run_reader.hpp"

namespace comptoir::fuzz {

void ReadCustomerBody(std::size_t which, std::string_view body) {
  RunReader(body, [&](const boost::json::value& v) {
    switch (which % 10) {
      case 0:
        (void)customer::ParseRegistration(v);
        break;
      case 1:
        (void)customer::ParseSignIn(v);
        break;
      case 2:
        (void)customer::ParseRefreshBody(v);
        break;
      case 3:
        (void)customer::ParseProfileChange(v);
        break;
      case 4:
        (void)customer::ParsePasswordChange(v);
        break;
      case 5:
        (void)customer::ParseResetUse(v);
        break;
      case 6:
        (void)customer::ParseStaffChange(v);
        break;
      case 7:
        (void)customer::ParseAddress(v);
        break;
      case 8:
        (void)customer::ParseStaffInput(v);
        break;
      default: {
        // The query readers, with the body's members as parameters (strings as they are, others as JSON).
        customer::QueryParams params;
        if (v.is_object()) {
          for (const auto& [k, x] : v.as_object()) {
            params.emplace_back(std::string(k), x.is_string() ? std::string(x.as_string()) : boost::json::serialize(x));
          }
        }
        (void)customer::ParsePage(params, "customer.invalid_query");
        (void)customer::ParseCustomerLookup(params);
      }
    }
  });
}

}  // namespace comptoir::fuzz
