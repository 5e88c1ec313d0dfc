#include <stdexcept>

#include "comptoir/receipt/render.hpp"
#include "layout.hpp"

namespace comptoir::receipt {

std::optional<Format> ParseFormat(std::string_view name) noexcept {
  if (name == "text40") return Format::kText40;
  if (name == "text48") return Format::kText48;
  if (name == "html") return Format::kHtml;
  if (name == "escpos") return Format::kEscPos;
  return std::nullopt;
}

std::string_view ContentType(Format format) noexcept {
  switch (format) {
    case Format::kText40:
    case Format::kText48:
      return "text/plain; charset=utf-8";
    case Format::kHtml:
      return "text/html; charset=utf-8";
    case Format::kEscPos:
      return "application/vnd.escpos";
  }
  return "application/octet-stream";
}

std::string RenderText(const Document& doc, int width) {
  if (width < 32) throw std::invalid_argument("a receipt needs at least 32 columns");
  std::string out;
  for (const detail::Row& row : detail::Layout(doc)) {
    // Plain text cannot carry a scannable Code 128 in 40 columns (ADR 0160): the number is printed alone.
    out += detail::FitRow(row, width);
    out += '\n';
  }
  return out;
}

std::string Render(const Document& doc, Format format) {
  switch (format) {
    case Format::kText40:
      return RenderText(doc, 40);
    case Format::kText48:
      return RenderText(doc, 48);
    case Format::kHtml:
      return RenderHtml(doc);
    case Format::kEscPos:
      return RenderEscPos(doc, 48);
  }
  return {};
}

}  // namespace comptoir::receipt
