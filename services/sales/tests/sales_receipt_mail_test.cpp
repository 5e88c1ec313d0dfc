// Receipt e-mails through a real SMTP server (Debian's aiosmtpd, tests/smtp_sink.py) — issue 15, ADR 0161:
// the server down at first, the sale made anyway, the e-mail retried with backoff, then delivered once when the
// server is up; a reprint sent as a copy; a permanent refusal failed at once with its error.
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include <gtest/gtest.h>

#include "comptoir/testing/process.hpp"
#include "till.hpp"

#ifndef COMPTOIR_SMTP_SINK
#error "COMPTOIR_SMTP_SINK must name tests/smtp_sink.py"
#endif

namespace comptoir::sales {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;
using test::Json;
using testing::HttpResult;

class MailPlatform : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    smtp_port_ = testing::FreePort();
    mail_dir_ = new fs::path(fs::temp_directory_path() / ("comptoir_mail_" + std::to_string(::getpid())));
    fs::remove_all(*mail_dir_);
    fs::create_directories(*mail_dir_);
    platform_ = new testing::Platform({.services = {"customer", "product", "inventory", "sales"},
                                       .name = "sales_mail",
                                       .env = {{"COMPTOIR_SALES_MAIL_SMTP_PORT", std::to_string(smtp_port_)},
                                               {"COMPTOIR_SALES_MAIL_INTERVAL_MS", "100"},
                                               {"COMPTOIR_SALES_MAIL_RETRY_BASE_MS", "200"},
                                               {"COMPTOIR_SALES_MAIL_RETRY_MAX_MS", "800"},
                                               {"COMPTOIR_SALES_MAIL_SMTP_TIMEOUT_MS", "3000"}}});
    till_ = new test::Till(*platform_);
  }
  static void TearDownTestSuite() {
    sink_.reset();
    delete till_;
    delete platform_;
    fs::remove_all(*mail_dir_);
    fs::remove(mail_dir_->string() + ".log");
    delete mail_dir_;
  }

  /// The SMTP server, started once (the first test wants it down until it has seen retries).
  static void EnsureSink() {
    if (sink_) return;
    sink_ = std::make_unique<testing::ChildProcess>(testing::ProcessOptions{
        "/usr/bin/python3", {COMPTOIR_SMTP_SINK, std::to_string(smtp_port_), mail_dir_->string()}, {},
        mail_dir_->string() + ".log"});
    ASSERT_TRUE(testing::WaitForPort(smtp_port_, std::chrono::seconds(20))) << "the SMTP sink did not start";
  }

  /// The messages the server accepted for `to`.
  static std::vector<json::object> Delivered(const std::string& to) {
    std::vector<json::object> out;
    for (const auto& entry : fs::directory_iterator(*mail_dir_)) {
      if (entry.path().extension() != ".json" || entry.path().filename().string().front() == '.') continue;
      std::ifstream in(entry.path());
      std::stringstream text;
      text << in.rdbuf();
      json::object message = json::parse(text.str()).as_object();
      const auto& rcpt = message.at("rcpt_tos").as_array();
      if (rcpt.size() == 1 && rcpt[0].as_string() == to) out.push_back(std::move(message));
    }
    return out;
  }

  static json::object LastEmail(const std::string& sale_id) {
    HttpResult r = till_->Get("/api/v1/sales/" + sale_id + "/receipt/emails", till_->Manager());
    EXPECT_EQ(r.status, 200) << r.body;
    json::value body = Json(r);
    const auto& data = body.at("data").as_array();
    return data.empty() ? json::object{{"attempts", 0}, {"status", "none"}} : data.back().as_object();
  }

  static std::string ReceiptText(const std::string& sale_id, bool copy) {
    HttpResult r = till_->Get("/api/v1/sales/" + sale_id + "/receipt?format=text48&reprint=" +
                                  (copy ? "true" : "false"),
                              till_->Manager());
    EXPECT_EQ(r.status, 200) << r.body;
    return r.body;
  }

  static int smtp_port_;
  static fs::path* mail_dir_;
  static std::unique_ptr<testing::ChildProcess> sink_;
  static testing::Platform* platform_;
  static test::Till* till_;
};

int MailPlatform::smtp_port_ = 0;
fs::path* MailPlatform::mail_dir_ = nullptr;
std::unique_ptr<testing::ChildProcess> MailPlatform::sink_;
testing::Platform* MailPlatform::platform_ = nullptr;
test::Till* MailPlatform::till_ = nullptr;

std::string SaleWithEmail(const std::string& to) {
  return R"({"location_id": 4, "lines": [{"product_id": 12, "quantity": 1}],
             "payments": [{"method": "cash", "amount_cents": 2000}], "receipt_email": ")" + to + "\"}";
}

TEST_F(MailPlatform, ServerDownAtFirstTheSaleIsMadeAndTheReceiptDeliveredOnceWhenItIsUp) {
  ASSERT_FALSE(sink_) << "this test needs the SMTP server down at first";
  const std::string to = "marie.martin@example.com";
  const std::int64_t before = till_->OnHand(4, 12);
  HttpResult sale = till_->Post("/api/v1/sales", SaleWithEmail(to), till_->Cashier(4), "mail-sale-1");
  ASSERT_EQ(sale.status, 201) << sale.body;
  json::value receipt = Json(sale);
  EXPECT_EQ(receipt.at("receipt_email").at("status").as_string(), "queued");
  EXPECT_EQ(receipt.at("receipt_email").at("to").as_string(), to);
  EXPECT_EQ(till_->OnHand(4, 12), before - 1);  // the sale is made, stock gone, whatever SMTP does
  const std::string id = std::to_string(receipt.at("id").to_number<std::int64_t>());

  // Retried with backoff, each failure visible.
  ASSERT_TRUE(testing::Eventually([&] { return LastEmail(id).at("attempts").to_number<std::int64_t>() >= 2; }));
  json::object waiting = LastEmail(id);
  EXPECT_EQ(waiting.at("status").as_string(), "queued");
  ASSERT_FALSE(waiting.at("last_error").is_null());
  EXPECT_EQ(std::string(waiting.at("last_error").as_string()).rfind("SMTP: ", 0), 0u) << json::serialize(waiting);
  EXPECT_TRUE(waiting.at("sent_at").is_null());
  EXPECT_TRUE(Delivered(to).empty());

  EnsureSink();
  ASSERT_TRUE(testing::Eventually([&] { return LastEmail(id).at("status").as_string() == "sent"; }))
      << json::serialize(LastEmail(id));
  json::object sent = LastEmail(id);
  EXPECT_TRUE(sent.at("last_error").is_null());
  EXPECT_FALSE(sent.at("sent_at").is_null());

  // The same sale sent again (a till retrying): the same receipt, nothing more queued or sent.
  HttpResult again = till_->Post("/api/v1/sales", SaleWithEmail(to), till_->Cashier(4), "mail-sale-1");
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(Json(again).at("receipt_email").at("id"), receipt.at("receipt_email").at("id"));
  EXPECT_EQ(till_->SalesDb("SELECT count(*) FROM receipt_emails WHERE sale_id = " + id), "1");
  EXPECT_EQ(till_->SalesDb("SELECT status FROM receipt_emails WHERE sale_id = " + id), "sent");

  std::vector<json::object> delivered = Delivered(to);
  ASSERT_EQ(delivered.size(), 1u);
  const json::object& message = delivered[0];
  EXPECT_EQ(message.at("subject").as_string(),
            "Votre reçu Comptoir " + std::string(receipt.at("receipt_number").as_string()));
  EXPECT_EQ(message.at("mail_from").as_string(), "recus@comptoir.local");
  EXPECT_EQ(message.at("message_id").as_string(),
            till_->SalesDb("SELECT message_id FROM receipt_emails WHERE sale_id = " + id));
  EXPECT_EQ(message.at("text").as_string(), ReceiptText(id, false));
  EXPECT_NE(std::string(message.at("html").as_string()).find("<svg class=\"barcode\""), std::string::npos);
}

TEST_F(MailPlatform, AReprintSentByEmailIsACopy) {
  EnsureSink();
  json::value sale = till_->SellOne(4, 10, 499, "mail-sale-2");
  const std::string id = std::to_string(sale.at("id").to_number<std::int64_t>());
  const std::string to = "pierre.tremblay@example.com";
  HttpResult r = till_->Post("/api/v1/sales/" + id + "/receipt/email", R"({"to": ")" + to + R"(", "reprint": true})",
                             till_->Cashier(4), "");
  ASSERT_EQ(r.status, 202) << r.body;
  ASSERT_TRUE(testing::Eventually([&] { return Delivered(to).size() == 1; }));
  json::object message = Delivered(to)[0];
  EXPECT_EQ(message.at("subject").as_string(),
            "Votre reçu Comptoir " + std::string(sale.at("receipt_number").as_string()) + " (copie)");
  EXPECT_EQ(message.at("text").as_string(), ReceiptText(id, true));
  EXPECT_NE(std::string(message.at("text").as_string()).find("« COPIE »"), std::string::npos);
  ASSERT_TRUE(testing::Eventually([&] { return LastEmail(id).at("status").as_string() == "sent"; }));
}

TEST_F(MailPlatform, APermanentRefusalFailsAtOnceWithTheServersAnswer) {
  EnsureSink();
  json::value sale = till_->SellOne(4, 10, 499, "mail-sale-3");
  const std::string id = std::to_string(sale.at("id").to_number<std::int64_t>());
  HttpResult r = till_->Post("/api/v1/sales/" + id + "/receipt/email", R"({"to": "refuse.me@example.com"})",
                             till_->Cashier(4), "");
  ASSERT_EQ(r.status, 202) << r.body;
  ASSERT_TRUE(testing::Eventually([&] { return LastEmail(id).at("status").as_string() == "failed"; }));
  json::object failed = LastEmail(id);
  EXPECT_EQ(failed.at("attempts").to_number<std::int64_t>(), 1);
  EXPECT_NE(std::string(failed.at("last_error").as_string()).find("550"), std::string::npos)
      << json::serialize(failed);
  EXPECT_TRUE(Delivered("refuse.me@example.com").empty());
}

}  // namespace
}  // namespace comptoir::sales
