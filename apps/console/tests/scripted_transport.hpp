#pragma once
// A transport for unit tests: answers scripted per "METHOD target" prefix, every request recorded,
// "down" answers like a refused connection. No network.
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "comptoir/console/gateway.hpp"

namespace comptoir::console {

struct Sent {
  std::string method, target, body, key, authorization;
};

class ScriptedTransport : public Transport {
 public:
  /// Answers are taken in order for requests whose "METHOD target" starts with `prefix`.
  void Answer(std::string prefix, Reply reply) { script_.emplace_back(std::move(prefix), std::move(reply)); }
  void Down() { down_ = true; }
  void Up() { down_ = false; }
  Reply Send(const std::string& method, const std::string& target, const HeaderList& headers,
             const std::string& body) override {
    Sent s{method, target, body, "", ""};
    for (const auto& [n, v] : headers) {
      if (n == "Idempotency-Key") s.key = v;
      if (n == "Authorization") s.authorization = v;
    }
    sent.push_back(s);
    if (down_) return Reply{0, "", "Connection refused", true};
    const std::string what = method + " " + target;
    for (auto it = script_.begin(); it != script_.end(); ++it) {
      if (what.rfind(it->first, 0) == 0) {
        Reply r = it->second;
        script_.erase(it);
        return r;
      }
    }
    return Reply{404, R"({"code":"test.unscripted","detail":")" + what + "\"}"};
  }
  std::vector<Sent> sent;

 private:
  std::deque<std::pair<std::string, Reply>> script_;
  bool down_ = false;
};

inline std::string Base64Url(const std::string& in) {
  static constexpr char k[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  unsigned value = 0;
  int bits = 0;
  for (unsigned char c : in) {
    value = (value << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += k[(value >> bits) & 63];
    }
  }
  if (bits > 0) out += k[(value << (6 - bits)) & 63];
  return out;
}

inline std::string Jwt(const std::string& role, int location, long exp) {
  return Base64Url(R"({"alg":"HS256"})") + "." +
         Base64Url(R"({"sub":"4","role":")" + role + R"(","location_id":)" + std::to_string(location) + R"(,"exp":)" +
                   std::to_string(exp) + "}") +
         ".sig";
}

inline std::string TokenAnswer(const std::string& access) {
  return R"({"access_token":")" + access + R"(","refresh_token":"r1","token_type":"Bearer","expires_in":900})";
}

inline std::string ReceiptAnswer(const std::string& number, std::int64_t total) {
  return R"({"id":1,"receipt_number":")" + number +
         R"(","location_id":4,"lines":[],"subtotal_cents":0,"gst_cents":0,"qst_cents":0,"total_cents":)" +
         std::to_string(total) +
         R"(,"cash_rounding_cents":0,"payments":[],"change_cents":0,"created_at":"2026-12-04T15:00:00Z"})";
}

}  // namespace comptoir::console
