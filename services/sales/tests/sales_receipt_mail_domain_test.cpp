// Receipt e-mail rules (ADR 0161): which addresses the mailer accepts, and the backoff between attempts.
#include <gtest/gtest.h>

#include "domain/receipt_mail.hpp"

namespace comptoir::sales {
namespace {

TEST(ReceiptMail, AddressesThatCannotInjectHeadersOrCommands) {
  EXPECT_TRUE(IsMailAddress("jean.dupont@example.com"));
  EXPECT_TRUE(IsMailAddress("a+recus@caisse.comptoir.qc.ca"));
  EXPECT_FALSE(IsMailAddress("jean.dupont@example.com\r\nBcc: x@y.ca"));
  EXPECT_FALSE(IsMailAddress("jean dupont@example.com"));
  EXPECT_FALSE(IsMailAddress("<jean@example.com>"));
  EXPECT_FALSE(IsMailAddress("jean@example.com>\r\nRCPT TO:<x@y.ca"));
  EXPECT_FALSE(IsMailAddress("a@b@example.com"));
  EXPECT_FALSE(IsMailAddress("@example.com"));
  EXPECT_FALSE(IsMailAddress("jean@example"));
  EXPECT_FALSE(IsMailAddress("jean@.example.com"));
  EXPECT_FALSE(IsMailAddress("jean@example..com"));
  EXPECT_FALSE(IsMailAddress("jean@example.com."));
  EXPECT_FALSE(IsMailAddress("jérôme@example.com"));  // no SMTPUTF8
  EXPECT_FALSE(IsMailAddress(std::string(65, 'a') + "@example.com"));
  EXPECT_FALSE(IsMailAddress("a@" + std::string(250, 'b') + ".ca"));
}

TEST(ReceiptMail, BackoffDoublesUpToTheCap) {
  using std::chrono::milliseconds;
  EXPECT_EQ(RetryDelay(1, milliseconds(200), milliseconds(800)), milliseconds(200));
  EXPECT_EQ(RetryDelay(2, milliseconds(200), milliseconds(800)), milliseconds(400));
  EXPECT_EQ(RetryDelay(3, milliseconds(200), milliseconds(800)), milliseconds(800));
  EXPECT_EQ(RetryDelay(30, milliseconds(200), milliseconds(800)), milliseconds(800));
  EXPECT_EQ(RetryDelay(1000, milliseconds(30000), milliseconds(3600000)), milliseconds(3600000));
}

}  // namespace
}  // namespace comptoir::sales
