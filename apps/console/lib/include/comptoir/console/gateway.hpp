#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

/// The console's one client of the gateway: API key, staff sign-in, token refresh, problem+json.
/// The wire is behind `Transport` (HTTP in http_transport.cpp; a fake in the unit tests), so that
/// this header stays free of Asio/Beast.
namespace comptoir::console {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

/// One answer, or why there is none.
struct Reply {
  int status = 0;  ///< 0: no HTTP answer (refused, reset, timed out)
  std::string body;
  std::string error;         ///< the transport failure, when status is 0
  bool before_send = false;  ///< the request surely never left (connection refused)
  [[nodiscard]] bool ok() const noexcept { return status >= 200 && status < 300; }
  /// The platform is down for this call and surely recorded nothing: no connection, or the gateway
  /// answering 502/503 (no healthy service behind it).
  [[nodiscard]] bool NotReached() const noexcept {
    return (status == 0 && before_send) || status == 502 || status == 503;
  }
  /// No answer that tells what happened (a timeout, a reset after sending, 504).
  [[nodiscard]] bool OutcomeUnknown() const noexcept { return (status == 0 && !before_send) || status == 504; }
  /// problem+json `code` (or the gateway's `message`), "" when none.
  [[nodiscard]] std::string Code() const;
  /// A sentence for the screen: the problem's detail, or the transport failure.
  [[nodiscard]] std::string Message() const;
};

class Transport {
 public:
  virtual ~Transport() = default;
  /// Sends one request to the gateway and waits for the answer (bounded by the transport's timeout).
  virtual Reply Send(const std::string& method, const std::string& target, const HeaderList& headers,
                     const std::string& body) = 0;
};

/// HTTP/1.1 to `base_url` ("http://127.0.0.1:8080"), each call bounded by `timeout`. Throws
/// std::invalid_argument for a URL it cannot use.
std::unique_ptr<Transport> MakeHttpTransport(const std::string& base_url, std::chrono::milliseconds timeout);

/// Who is signed in, from the token's claims.
struct Identity {
  std::string email;
  std::string subject;
  std::string role;  ///< cashier | logistics | manager | admin
  std::optional<std::int64_t> location_id;
  std::int64_t expires_at = 0;  ///< exp (Unix seconds)
};

struct Tokens {
  std::string access_token;
  std::string refresh_token;
  Identity identity;
};

/// The claims of a JWT (not verified here: the gateway and the services verify it).
std::optional<Identity> ClaimsOf(const std::string& jwt);

class Gateway {
 public:
  /// `on_tokens` is called whenever the tokens change (to keep them in the journal).
  Gateway(Transport& transport, std::string api_key, std::function<void(const Tokens&)> on_tokens = {});

  void SetTokens(Tokens tokens) { tokens_ = std::move(tokens); }
  [[nodiscard]] const Tokens& tokens() const noexcept { return tokens_; }
  [[nodiscard]] bool signed_in() const noexcept { return !tokens_.access_token.empty(); }

  /// POST /api/v1/auth/staff/login; on success the tokens are kept.
  Reply Login(const std::string& email, const std::string& password);
  /// POST /api/v1/auth/refresh with the refresh token; false when refused or unreachable.
  bool Refresh();
  void Logout() { tokens_ = {}; }

  /// A call with the API key and the bearer token; a 401 is retried once after a refresh.
  Reply Call(const std::string& method, const std::string& target, const std::string& body = {},
             const std::string& idempotency_key = {}, const HeaderList& extra = {});
  Reply Get(const std::string& target) { return Call("GET", target); }
  Reply Post(const std::string& target, const std::string& body, const std::string& idempotency_key = {}) {
    return Call("POST", target, body, idempotency_key);
  }

  /// Whether the last call found the platform unreachable (drives « HORS LIGNE »).
  [[nodiscard]] bool offline() const noexcept { return offline_; }

 private:
  Reply Send(const std::string& method, const std::string& target, const std::string& body,
             const std::string& idempotency_key, const HeaderList& extra = {});
  bool TakeTokens(const Reply& reply, const std::string& email);

  Transport& transport_;
  std::string api_key_;
  std::function<void(const Tokens&)> on_tokens_;
  Tokens tokens_;
  bool offline_ = false;
};

/// "?a=1&b=x%20y" from pairs (values percent-encoded; empty values left out).
std::string QueryString(const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace comptoir::console
