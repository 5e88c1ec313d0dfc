// W3C Trace Context at the gateway (trace_context.hpp).
#include "comptoir/gateway/trace_context.hpp"

#include <random>

namespace comptoir::gateway {
namespace {

constexpr char kHex[] = "0123456789abcdef";

bool LowerHex(std::string_view s) noexcept {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool AllZeros(std::string_view s) noexcept {
  return s.find_first_not_of('0') == std::string_view::npos;
}

// One generator per worker thread: no lock, no allocation per request.
std::mt19937_64& Rng() {
  thread_local std::mt19937_64 rng{(static_cast<std::uint64_t>(std::random_device{}()) << 32) ^ std::random_device{}()};
  return rng;
}

void PutHex(char* out, std::uint64_t value) noexcept {
  for (int i = 15; i >= 0; --i) {
    out[i] = kHex[value & 0xF];
    value >>= 4;
  }
}

}  // namespace

std::optional<Traceparent> ParseTraceparent(std::string_view value) noexcept {
  if (value.size() < kTraceparentSize) return std::nullopt;
  const std::string_view version = value.substr(0, 2);
  if (!LowerHex(version) || version == "ff") return std::nullopt;
  if (version == "00" ? value.size() != kTraceparentSize
                      : value.size() > kTraceparentSize && value[kTraceparentSize] != '-') {
    return std::nullopt;
  }
  if (value[2] != '-' || value[35] != '-' || value[52] != '-') return std::nullopt;
  Traceparent t{value.substr(3, 32), value.substr(36, 16), value.substr(53, 2)};
  if (!LowerHex(t.trace_id) || !LowerHex(t.parent_id) || !LowerHex(t.flags)) return std::nullopt;
  if (AllZeros(t.trace_id) || AllZeros(t.parent_id)) return std::nullopt;
  return t;
}

bool NextHopTraceparent(std::string_view incoming, std::string& out) {
  // Built on the stack, then assigned: `incoming` may even be a view into `out`.
  char text[kTraceparentSize] = {'0', '0', '-'};
  const auto parsed = ParseTraceparent(incoming);
  if (parsed) {
    parsed->trace_id.copy(text + 3, 32);
    parsed->flags.copy(text + 53, 2);
  } else {
    std::uint64_t hi = Rng()();
    const std::uint64_t lo = Rng()();
    if (hi == 0 && lo == 0) hi = 1;  // a trace id is never all zeros
    PutHex(text + 3, hi);
    PutHex(text + 19, lo);
    text[53] = '0';
    text[54] = '1';
  }
  text[35] = '-';
  PutHex(text + 36, Rng()() | 1);  // never all zeros
  text[52] = '-';
  out.assign(text, kTraceparentSize);
  return parsed.has_value();
}

bool StartTrace(http::Headers& headers, std::string& traceparent) {
  std::string_view incoming;
  int count = 0;
  for (const auto& [name, value] : headers) {
    if (name.size() == 11 && http::IEquals(name, "traceparent")) {
      incoming = value;
      ++count;
    }
  }
  const bool continued = NextHopTraceparent(count == 1 ? incoming : std::string_view(), traceparent);
  headers.Set("traceparent", traceparent);
  if (!continued) headers.Remove("tracestate");
  return continued;
}

}  // namespace comptoir::gateway
