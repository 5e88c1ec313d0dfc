#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

/// Text helpers of the console: French money, UTF-8 aware padding, accent folding. No I/O.
namespace comptoir::console {

/// "12,99 $", "1 299,99 $", "-0,02 $" (French Canadian; a plain space groups thousands).
std::string FormatMoney(std::int64_t cents);

/// Parses what a cashier types for an amount: "100", "100,00", "100.5", "12,99 $" → cents; false when
/// it is not an amount (negative, more than two decimals, letters).
bool ParseMoney(std::string_view text, std::int64_t& cents);

/// Number of terminal columns of UTF-8 `text` (one per code point; the console's texts are Latin).
std::size_t Columns(std::string_view text);

/// `text` cut or padded with spaces to exactly `width` columns (left-aligned, or right-aligned).
std::string PadRight(std::string_view text, std::size_t width);
std::string PadLeft(std::string_view text, std::size_t width);
/// `left` and `right` on one line of `width` columns, `left` cut first when both do not fit.
std::string Spread(std::string_view left, std::string_view right, std::size_t width);
/// `text` centred in `width` columns.
std::string Centre(std::string_view text, std::size_t width);

/// Lower-case ASCII with the accents of French removed ("Café Thé" → "cafe the"): for searching.
std::string Fold(std::string_view text);

/// "2026-12-04T19:03:12.123456Z" → "2026-12-04 19:03" (UTC, as the server answers it).
std::string ShortTime(std::string_view rfc3339);

/// The current time as RFC 3339 UTC with seconds ("2026-12-04T19:03:12Z").
std::string NowUtc();

/// A simple text table: a header row and rows, columns sized to content, money columns right-aligned
/// when `right[i]`.
std::vector<std::string> Table(const std::vector<std::string>& header,
                               const std::vector<std::vector<std::string>>& rows, const std::vector<bool>& right,
                               std::size_t gap = 2);

}  // namespace comptoir::console
