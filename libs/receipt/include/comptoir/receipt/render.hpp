#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "comptoir/receipt/document.hpp"

/// Renderings of a receipt (ADR 0160): plain text (UTF-8) at 40 or 48 columns, a self-contained printable
/// HTML page, and the bytes an ESC/POS thermal printer takes (CP863, Canadian French).
namespace comptoir::receipt {

enum class Format { kText40, kText48, kHtml, kEscPos };

/// "text40", "text48", "html", "escpos"; nullopt otherwise.
std::optional<Format> ParseFormat(std::string_view name) noexcept;
/// The Content-Type of a rendering ("text/plain; charset=utf-8", …, "application/vnd.escpos").
std::string_view ContentType(Format format) noexcept;

/// Plain text, `width` columns (code points), lines ending in "\n", UTF-8.
std::string RenderText(const Document& doc, int width);
/// A complete HTML page (inline CSS and an inline SVG Code 128 barcode; nothing fetched), UTF-8.
std::string RenderHtml(const Document& doc);
/// ESC/POS for a 80 mm printer with font A (48 columns): ESC @, ESC t 4 (PC863), the rows with ESC a
/// (alignment), ESC E (bold) and GS ! (double size for the total and « COPIE »), the receipt number as a
/// Code 128 barcode (GS h, GS w, GS H, GS k 73), ESC d and GS V (feed and partial cut).
std::string RenderEscPos(const Document& doc, int width = 48);

/// Renders in `format`.
std::string Render(const Document& doc, Format format);

/// Code 128 (code set B) of printable ASCII `data`: the widths of its bars and spaces, alternating and
/// starting with a bar — start B, the data, the check symbol (mod 103), the stop pattern. Characters outside
/// 32–126 throw std::invalid_argument.
std::vector<int> Code128B(std::string_view data);

/// UTF-8 → code page 863 (Canadian French, as ESC t 4 selects). Characters it lacks are approximated
/// ("œ" → "oe", "—" → "-", "’" → "'"), else "?".
std::string ToCp863(std::string_view utf8);

}  // namespace comptoir::receipt
