#include <ctime>

#include <openssl/evp.h>

#include "comptoir/smtp/smtp.hpp"

namespace comptoir::smtp {
namespace {

std::string Base64(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(data.data()), static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string Wrapped(std::string_view data) {
  std::string encoded = Base64(data);
  std::string out;
  for (std::size_t i = 0; i < encoded.size(); i += 76) out += encoded.substr(i, 76) + "\r\n";
  return out;
}

bool Ascii(std::string_view text) {
  for (unsigned char c : text) {
    if (c >= 127 || c < 32) return false;
  }
  return true;
}

// A header value: as is when printable ASCII, else one RFC 2047 encoded word (UTF-8, base64).
std::string Word(std::string_view text) { return Ascii(text) ? std::string(text) : "=?UTF-8?B?" + Base64(text) + "?="; }

}  // namespace

std::string Rfc5322Date(std::int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char out[64];
  std::strftime(out, sizeof out, "%a, %d %b %Y %H:%M:%S +0000", &tm);  // C locale names: Sun, Dec
  return out;
}

std::string Format(const Message& m, std::string_view boundary) {
  std::string date = m.date.empty() ? Rfc5322Date(std::time(nullptr)) : m.date;
  std::string out;
  out += "Date: " + date + "\r\n";
  out += "From: " + (m.from_name.empty() ? "" : Word(m.from_name) + " ") + "<" + m.from + ">\r\n";
  out += "To: <" + m.to + ">\r\n";
  out += "Subject: " + Word(m.subject) + "\r\n";
  if (!m.message_id.empty()) out += "Message-ID: " + m.message_id + "\r\n";
  out += "MIME-Version: 1.0\r\n";
  if (m.html.empty()) {
    out += "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" + Wrapped(m.text);
    return out;
  }
  const std::string b(boundary);
  out += "Content-Type: multipart/alternative; boundary=\"" + b + "\"\r\n\r\n";
  out += "--" + b + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
         Wrapped(m.text);
  out += "--" + b + "\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
         Wrapped(m.html);
  out += "--" + b + "--\r\n";
  return out;
}

std::string DotStuff(std::string_view data) {
  std::string out;
  out.reserve(data.size() + 8);
  bool line_start = true;
  for (char c : data) {
    if (line_start && c == '.') out += '.';
    out += c;
    line_start = c == '\n';
  }
  if (out.size() < 2 || out.compare(out.size() - 2, 2, "\r\n") != 0) out += "\r\n";
  out += ".\r\n";
  return out;
}

int ReplyCode(std::string_view reply) noexcept {
  // The last line of a reply is "ddd<SP>text\r\n" (or "ddd\r\n"); earlier lines are "ddd-text\r\n".
  std::size_t start = 0;
  while (start < reply.size()) {
    std::size_t end = reply.find("\r\n", start);
    if (end == std::string_view::npos) return 0;
    std::string_view line = reply.substr(start, end - start);
    if (line.size() < 3) return 0;
    for (int i = 0; i < 3; ++i) {
      if (line[static_cast<std::size_t>(i)] < '0' || line[static_cast<std::size_t>(i)] > '9') return 0;
    }
    if (line.size() == 3 || line[3] == ' ') {
      return end + 2 == reply.size() ? (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0') : 0;
    }
    if (line[3] != '-') return 0;
    start = end + 2;
  }
  return 0;
}

}  // namespace comptoir::smtp
