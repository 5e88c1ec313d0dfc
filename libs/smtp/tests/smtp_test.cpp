// The SMTP client's pure parts: message format, dot-stuffing, reply codes, dates. The conversation itself is
// tested against a real SMTP server (Debian's aiosmtpd) by services/sales/tests/sales_receipt_mail_test.cpp.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/io_context.hpp>

#include "comptoir/smtp/smtp.hpp"

namespace comptoir::smtp {
namespace {

TEST(SmtpFormat, MultipartAlternativeWithBase64PartsAndEncodedSubject) {
  Message m;
  m.from = "recus@comptoir.local";
  m.from_name = "Comptoir";
  m.to = "jean.dupont@example.com";
  m.subject = "Votre reçu S4-000034";
  m.message_id = "<receipt-1@comptoir.local>";
  m.date = "Sun, 06 Dec 2026 19:03:27 +0000";
  m.text = "Reçu";
  m.html = "<p>Reçu</p>";
  EXPECT_EQ(Format(m, "=_b"),
            "Date: Sun, 06 Dec 2026 19:03:27 +0000\r\n"
            "From: Comptoir <recus@comptoir.local>\r\n"
            "To: <jean.dupont@example.com>\r\n"
            "Subject: =?UTF-8?B?Vm90cmUgcmXDp3UgUzQtMDAwMDM0?=\r\n"
            "Message-ID: <receipt-1@comptoir.local>\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: multipart/alternative; boundary=\"=_b\"\r\n\r\n"
            "--=_b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            "UmXDp3U=\r\n"
            "--=_b\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            "PHA+UmXDp3U8L3A+\r\n"
            "--=_b--\r\n");
}

TEST(SmtpFormat, LongBodiesAreWrappedAt76) {
  Message m;
  m.from = "a@b.ca";
  m.to = "c@d.ca";
  m.subject = "Reçu";
  m.text = std::string(200, 'x');
  std::string out = Format(m, "=_b");
  EXPECT_NE(out.find("Content-Type: text/plain; charset=utf-8\r\n"), std::string::npos);
  EXPECT_EQ(out.find("multipart"), std::string::npos);
  std::size_t body = out.find("\r\n\r\n") + 4;
  std::size_t first = out.find("\r\n", body);
  EXPECT_EQ(first - body, 76u);
}

TEST(SmtpDotStuff, LinesStartingWithADotAreDoubledAndTheEndMarked) {
  EXPECT_EQ(DotStuff("a\r\n.b\r\n..\r\n"), "a\r\n..b\r\n...\r\n.\r\n");
  EXPECT_EQ(DotStuff(".x"), "..x\r\n.\r\n");
  EXPECT_EQ(DotStuff("x\r\n"), "x\r\n.\r\n");
}

TEST(SmtpReply, CodesOfCompleteReplies) {
  EXPECT_EQ(ReplyCode("220 mail ready\r\n"), 220);
  EXPECT_EQ(ReplyCode("250-mail\r\n250-8BITMIME\r\n250 HELP\r\n"), 250);
  EXPECT_EQ(ReplyCode("354\r\n"), 354);
  EXPECT_EQ(ReplyCode("550 5.1.1 unknown\r\n"), 550);
  EXPECT_EQ(ReplyCode("250-mail\r\n"), 0);  // not finished
  EXPECT_EQ(ReplyCode("hello\r\n"), 0);
  EXPECT_EQ(ReplyCode("250 ok"), 0);
  EXPECT_TRUE(ReplyError(550, "x").permanent());
  EXPECT_FALSE(ReplyError(451, "x").permanent());
}

TEST(SmtpDate, Rfc5322InUtc) {
  EXPECT_EQ(Rfc5322Date(1796583807), "Sun, 06 Dec 2026 19:03:27 +0000");
}

boost::asio::awaitable<void> SendTo(Options options, Message message, std::exception_ptr* failure) {
  try {
    co_await Send(co_await boost::asio::this_coro::executor, options, message);
  } catch (...) {
    *failure = std::current_exception();
  }
}

TEST(SmtpSend, NobodyListeningIsATransportError) {
  boost::asio::io_context io;
  Options options;
  options.port = 1;  // nothing listens on tcpmux
  options.timeout = std::chrono::milliseconds(2000);
  Message m;
  m.from = "a@b.ca";
  m.to = "c@d.ca";
  std::exception_ptr failure;
  boost::asio::co_spawn(io, SendTo(options, m, &failure), boost::asio::detached);
  io.run();
  ASSERT_TRUE(failure);
  EXPECT_THROW(std::rethrow_exception(failure), boost::system::system_error);
}

TEST(SmtpSend, AddressesWithLineBreaksAreRefusedBeforeConnecting) {
  boost::asio::io_context io;
  Message m;
  m.from = "a@b.ca";
  m.to = "c@d.ca\r\nRCPT TO:<x@y.ca>";
  std::exception_ptr failure;
  boost::asio::co_spawn(io, SendTo(Options{}, m, &failure), boost::asio::detached);
  io.run();
  ASSERT_TRUE(failure);
  EXPECT_THROW(std::rethrow_exception(failure), std::invalid_argument);
}

}  // namespace
}  // namespace comptoir::smtp
