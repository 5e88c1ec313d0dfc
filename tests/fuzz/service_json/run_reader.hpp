#pragma once
// How an adapter runs one reader: the handler's steps, with what a client may see checked.
#include <cstdlib>
#include <string_view>

#include <boost/json.hpp>

#include "comptoir/error.hpp"
#include "comptoir/json.hpp"

namespace comptoir::fuzz {

template <class Reader>
void RunReader(std::string_view body, Reader&& reader) {
  try {
    boost::json::value value = json::ParseBody(body);
    reader(value);
  } catch (const ApiError& e) {
    // A client's mistake: a 4xx with a stable code, writable as problem+json.
    if (e.status() < 400 || e.status() >= 500 || e.code().empty()) std::abort();
    (void)ProblemJson(e, "fuzz");
  } catch (...) {
    std::abort();  // would be a 500 for a client mistake
  }
}

}  // namespace comptoir::fuzz
