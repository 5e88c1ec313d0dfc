#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "comptoir/receipt/document.hpp"

/// The rows a receipt is made of, shared by the text and ESC/POS renderings (the HTML page has its own).
namespace comptoir::receipt::detail {

/// One printed row: left text and right-aligned amount, or a centred text, a rule or the barcode.
struct Row {
  enum class Kind { kText, kRule, kBarcode, kBlank };
  Kind kind = Kind::kText;
  std::string left;
  std::string right;
  bool center = false;
  bool bold = false;
  bool big = false;  ///< double width and height on a printer (half the columns)
};

/// The rows of `doc` for a receipt `width` columns wide.
std::vector<Row> Layout(const Document& doc);

/// `left` and `right` on `width` columns: `left` cut (by code points) so that at least one space
/// separates them; a centred row is padded on the left only.
std::string FitRow(const Row& row, int width);

/// Number of code points of UTF-8 `text`.
int Columns(std::string_view text);
/// The first `columns` code points of `text`.
std::string Cut(std::string_view text, int columns);

}  // namespace comptoir::receipt::detail
