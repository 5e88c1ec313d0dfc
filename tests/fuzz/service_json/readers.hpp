#pragma once
// One entry point per service into its JSON body readers (services/<name>/src/api/json.cpp). Each service is
// compiled with its own include directory (their headers share names), so each adapter is its own file.
#include <cstddef>
#include <string_view>

namespace comptoir::fuzz {

/// Runs the reader number `which` (modulo the service's count) of the service on `body`, as its handler does:
/// ParseBody, then the reader. Returns normally for a body read or refused with a 4xx ApiError; aborts on
/// any other exception, a 5xx, or an error that cannot be written as problem+json.
void ReadCartBody(std::size_t which, std::string_view body);
void ReadCustomerBody(std::size_t which, std::string_view body);
void ReadInventoryBody(std::size_t which, std::string_view body);
void ReadProductBody(std::size_t which, std::string_view body);
void ReadSalesBody(std::size_t which, std::string_view body);

}  // namespace comptoir::fuzz
