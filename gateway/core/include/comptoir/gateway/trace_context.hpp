#pragma once
// W3C Trace Context (https://www.w3.org/TR/trace-context/) at the gateway: the trace of a request
// starts here. A client's valid `traceparent` is continued (its trace id and flags, a new span id of
// the gateway's own); anything else is replaced by a new trace, never forwarded.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "comptoir/http/message.hpp"

namespace comptoir::gateway {

/// "00-" + 32 hex trace id + "-" + 16 hex span id + "-" + 2 hex flags.
inline constexpr std::size_t kTraceparentSize = 55;

/// The parts of a valid traceparent, as views into the parsed text.
struct Traceparent {
  std::string_view trace_id;   ///< 32 lowercase hex digits, not all zeros
  std::string_view parent_id;  ///< 16 lowercase hex digits, not all zeros
  std::string_view flags;      ///< 2 lowercase hex digits
};

/// Parses a traceparent header value. Version 00 must be exactly 55 characters; a later version
/// (01 to fe) is read as version 00 when its first 55 characters are (what follows must start with
/// '-'), as the specification asks; version ff, uppercase hex, a wrong length or separator, an
/// all-zero trace or parent id are invalid (nullopt). No allocation.
std::optional<Traceparent> ParseTraceparent(std::string_view value) noexcept;

/// Writes into `out` (its memory reused: no allocation once it has held one) the traceparent the
/// gateway sends upstream: `incoming`'s trace id and flags when it is valid, else a new random trace
/// id with flags "01" (sampled); always a new random span id, never all zeros. Returns whether the
/// incoming trace was continued.
bool NextHopTraceparent(std::string_view incoming, std::string& out);

/// The gateway's step of a request's trace, on the headers the client sent: continues the client's
/// traceparent when there is exactly one and it is valid, else starts a new trace and drops the
/// client's tracestate (it belongs to the refused trace); writes the next hop's traceparent into
/// `traceparent` and sets it as the `traceparent` header. Returns whether the client's trace was
/// continued. No allocation once `traceparent` and `headers` have held a request.
bool StartTrace(http::Headers& headers, std::string& traceparent);

/// The trace id and span id of a traceparent written by NextHopTraceparent (empty when `traceparent`
/// is not 55 characters long).
inline std::string_view TraceIdOf(std::string_view traceparent) noexcept {
  return traceparent.size() == kTraceparentSize ? traceparent.substr(3, 32) : std::string_view();
}
inline std::string_view SpanIdOf(std::string_view traceparent) noexcept {
  return traceparent.size() == kTraceparentSize ? traceparent.substr(36, 16) : std::string_view();
}

}  // namespace comptoir::gateway
