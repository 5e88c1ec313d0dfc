#pragma once
#include <chrono>
#include <cstdint>
#include <string_view>

/// Rules of receipt e-mails (ADR 0161). No I/O.
namespace comptoir::sales {

/// An address the mailer may put in RCPT TO and in a To: header: one '@', a local part and a domain with a
/// dot, printable ASCII only — never a space, a control character (CR/LF would inject headers or SMTP
/// commands), '<', '>', '"', ',' or ';'; at most 254 characters.
bool IsMailAddress(std::string_view address) noexcept;

/// Delay before attempt `attempts` + 1 after `attempts` failures (≥ 1): base × 2^(attempts − 1), at most `max`.
std::chrono::milliseconds RetryDelay(int attempts, std::chrono::milliseconds base, std::chrono::milliseconds max) noexcept;

}  // namespace comptoir::sales
