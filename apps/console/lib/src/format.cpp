#include "comptoir/console/format.hpp"

#include <algorithm>
#include <cstdlib>
#include <ctime>

namespace comptoir::console {

std::string FormatMoney(std::int64_t cents) {
  const bool negative = cents < 0;
  const std::int64_t a = std::llabs(cents);
  std::string units = std::to_string(a / 100);
  std::string grouped;
  for (std::size_t i = 0; i < units.size(); ++i) {
    if (i > 0 && (units.size() - i) % 3 == 0) grouped += ' ';
    grouped += units[i];
  }
  const std::int64_t fraction = a % 100;
  return (negative ? "-" : "") + grouped + "," + (fraction < 10 ? "0" : "") + std::to_string(fraction) + " $";
}

bool ParseMoney(std::string_view text, std::int64_t& cents) {
  std::string digits;
  for (char c : text) {
    if (c == ' ' || c == '$') continue;
    digits += c == ',' ? '.' : c;
  }
  if (digits.empty() || digits.size() > 12) return false;
  std::int64_t units = 0;
  std::int64_t fraction = 0;
  int decimals = -1;
  for (char c : digits) {
    if (c == '.') {
      if (decimals >= 0) return false;
      decimals = 0;
    } else if (c >= '0' && c <= '9') {
      if (decimals < 0) {
        units = units * 10 + (c - '0');
      } else {
        if (++decimals > 2) return false;
        fraction = fraction * 10 + (c - '0');
      }
    } else {
      return false;
    }
  }
  if (decimals == 1) fraction *= 10;
  cents = units * 100 + fraction;
  return true;
}

std::size_t Columns(std::string_view text) {
  std::size_t n = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

namespace {
// The byte length of the first `columns` code points of `text`.
std::size_t Prefix(std::string_view text, std::size_t columns) {
  std::size_t seen = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      if (seen == columns) return i;
      ++seen;
    }
  }
  return text.size();
}
}  // namespace

std::string PadRight(std::string_view text, std::size_t width) {
  std::string out(text.substr(0, Prefix(text, width)));
  out.append(width - Columns(out), ' ');
  return out;
}

std::string PadLeft(std::string_view text, std::size_t width) {
  std::string cut(text.substr(0, Prefix(text, width)));
  return std::string(width - Columns(cut), ' ') + cut;
}

std::string Spread(std::string_view left, std::string_view right, std::size_t width) {
  const std::size_t r = std::min(Columns(right), width);
  const std::size_t room = width > r + 1 ? width - r - 1 : 0;
  return PadRight(left, room) + (room > 0 ? " " : "") + PadLeft(right, r);
}

std::string Centre(std::string_view text, std::size_t width) {
  const std::size_t n = std::min(Columns(text), width);
  const std::size_t left = (width - n) / 2;
  return PadRight(std::string(left, ' ') + std::string(text), width);
}

std::string Fold(std::string_view text) {
  // The two-byte UTF-8 letters of French (U+00C0–U+00FF) and œ/Œ.
  static constexpr std::string_view kLatin1 =
      "aaaaaaaceeeeiiiidnooooo*ouuuuyts"   // U+00C0–U+00DF
      "aaaaaaaceeeeiiiidnooooo/ouuuuyty";  // U+00E0–U+00FF
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    } else if (c == 0xC3 && i + 1 < text.size()) {
      const auto d = static_cast<unsigned char>(text[++i]);
      if (d >= 0x80 && d <= 0xBF) out += kLatin1[(d - 0x80) + 0x00];  // U+00C0 + (d − 0x80)
    } else if (c == 0xC5 && i + 1 < text.size()) {
      const auto d = static_cast<unsigned char>(text[++i]);
      if (d == 0x92 || d == 0x93) out += "oe";
    }
  }
  return out;
}

std::string ShortTime(std::string_view rfc3339) {
  if (rfc3339.size() < 16) return std::string(rfc3339);
  return std::string(rfc3339.substr(0, 10)) + " " + std::string(rfc3339.substr(11, 5));
}

std::string NowUtc() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

std::vector<std::string> Table(const std::vector<std::string>& header,
                               const std::vector<std::vector<std::string>>& rows, const std::vector<bool>& right,
                               std::size_t gap) {
  std::vector<std::size_t> width(header.size(), 0);
  for (std::size_t i = 0; i < header.size(); ++i) width[i] = Columns(header[i]);
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size() && i < width.size(); ++i) width[i] = std::max(width[i], Columns(row[i]));
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t i = 0; i < width.size(); ++i) {
      const std::string cell = i < cells.size() ? cells[i] : "";
      out += (i ? std::string(gap, ' ') : "") +
             (i < right.size() && right[i] ? PadLeft(cell, width[i]) : PadRight(cell, width[i]));
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
  };
  std::vector<std::string> out{line(header)};
  std::size_t total = 0;
  for (auto w : width) total += w;
  out.push_back(std::string(total + gap * (width.empty() ? 0 : width.size() - 1), '-'));
  for (const auto& row : rows) out.push_back(line(row));
  return out;
}

}  // namespace comptoir::console
