#include "domain/receipt_mail.hpp"

#include <algorithm>

namespace comptoir::sales {

bool IsMailAddress(std::string_view address) noexcept {
  if (address.size() < 3 || address.size() > 254) return false;
  for (char c : address) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 32 || u >= 127 || c == '<' || c == '>' || c == '"' || c == ',' || c == ';' || c == '(' || c == ')' ||
        c == '[' || c == ']' || c == '\\') {
      return false;
    }
  }
  auto at = address.find('@');
  if (at == std::string_view::npos || at == 0 || at > 64 || address.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  std::string_view domain = address.substr(at + 1);
  auto dot = domain.rfind('.');
  return dot != std::string_view::npos && dot > 0 && dot + 1 < domain.size() && domain.front() != '.' &&
         domain.find("..") == std::string_view::npos && domain.front() != '-';
}

std::chrono::milliseconds RetryDelay(int attempts, std::chrono::milliseconds base, std::chrono::milliseconds max) noexcept {
  std::chrono::milliseconds delay = base;
  for (int i = 1; i < attempts && delay < max; ++i) delay *= 2;
  return std::min(delay, max);
}

}  // namespace comptoir::sales
