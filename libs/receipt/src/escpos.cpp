#include <stdexcept>

#include "comptoir/receipt/render.hpp"
#include "layout.hpp"

namespace comptoir::receipt {
namespace {

constexpr char kEsc = '\x1b';
constexpr char kGs = '\x1d';

// The printer's modes, changed only when a row needs another one so that the stream stays short.
struct Mode {
  bool center = false;
  bool bold = false;
  bool big = false;
};

void Switch(std::string& out, Mode& now, const Mode& want) {
  if (want.center != now.center) out += {kEsc, 'a', want.center ? '\x01' : '\x00'};
  if (want.bold != now.bold) out += {kEsc, 'E', want.bold ? '\x01' : '\x00'};
  if (want.big != now.big) out += {kGs, '!', want.big ? '\x11' : '\x00'};
  now = want;
}

}  // namespace

std::string RenderEscPos(const Document& doc, int width) {
  if (width < 32) throw std::invalid_argument("a receipt needs at least 32 columns");
  std::string out{kEsc, '@', kEsc, 't', '\x04'};  // initialise; character table 4 = PC863 (Canadian French)
  Mode mode;
  for (const detail::Row& row : detail::Layout(doc)) {
    Switch(out, mode, {row.center || row.kind == detail::Row::Kind::kBarcode, row.bold, row.big});
    if (row.kind == detail::Row::Kind::kBarcode) {
      if (row.left.size() > 255) throw std::invalid_argument("barcode data too long");
      Code128B(row.left);  // refuses what code set B cannot carry before the printer sees it
      out += {kGs, 'h', '\x50'};  // 80 dots high
      out += {kGs, 'w', '\x02'};  // module 2 dots wide
      out += {kGs, 'H', '\x02'};  // human-readable number below
      out += {kGs, 'k', '\x49', static_cast<char>(row.left.size() + 2), '{', 'B'};
      out += row.left;
      out += '\n';
      continue;
    }
    // The printer centres by itself; a double-size row has half the columns.
    std::string text = row.center ? detail::Cut(row.left, row.big ? width / 2 : width)
                                  : detail::FitRow(row, row.big ? width / 2 : width);
    out += ToCp863(text);
    out += '\n';
  }
  Switch(out, mode, {});
  out += {kEsc, 'd', '\x03'};         // feed 3 lines past the tear bar
  out += {kGs, 'V', '\x42', '\x00'};  // partial cut
  return out;
}

}  // namespace comptoir::receipt
