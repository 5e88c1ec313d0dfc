#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "comptoir/http/message.hpp"

namespace comptoir::http {

/// A handler is a coroutine: parse, call the domain, serialise. Throwing ApiError answers problem+json.
using Handler = std::function<boost::asio::awaitable<Response>(Request&)>;

/// One line of a service's route table.
struct Route {
  Method method;
  std::string pattern;  ///< e.g. "/api/v1/products/{id}"; also the `route` label of metrics
  Handler handler;
  std::vector<std::string> segments;  ///< pattern split on '/'
};

/// Method + path pattern -> handler. Literal segments win over `{param}` segments, so
/// "/products/by-sku/{sku}" and "/products/{id}" coexist.
class Router {
 public:
  enum class Outcome { kFound, kNotFound, kMethodNotAllowed };

  struct Match {
    Outcome outcome = Outcome::kNotFound;
    const Route* route = nullptr;
    std::string allow;  ///< for 405: "GET, HEAD, PUT"
  };

  void Add(Method method, std::string pattern, Handler handler);
  /// Finds the route for `path`; on success fills `params` with the `{name}` values (decoded).
  [[nodiscard]] Match Find(Method method, std::string_view path,
                           std::vector<std::pair<std::string, std::string>>& params) const;
  [[nodiscard]] const std::vector<Route>& routes() const noexcept { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace comptoir::http
