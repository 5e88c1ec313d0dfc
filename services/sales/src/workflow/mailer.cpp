#include "workflow/mailer.hpp"

#include <boost/asio/this_coro.hpp>
#include <boost/system/system_error.hpp>

#include "comptoir/log.hpp"
#include "comptoir/receipt/render.hpp"
#include "domain/receipt_mail.hpp"

namespace comptoir::sales {

MailSettings LoadMailSettings(config::Source& source) {
  MailSettings s;
  s.enabled = source.Bool("sales.mail.enabled", s.enabled);
  s.smtp.host = source.String("sales.mail.smtp_host", s.smtp.host);
  s.smtp.port = static_cast<std::uint16_t>(source.Int("sales.mail.smtp_port", s.smtp.port, 1, 65535));
  s.smtp.timeout = std::chrono::milliseconds(source.Int("sales.mail.smtp_timeout_ms", 10000, 100, 300000));
  s.smtp.helo_name = source.String("sales.mail.helo_name", s.smtp.helo_name);
  s.from = source.String("sales.mail.from", s.from);
  s.interval = std::chrono::milliseconds(source.Int("sales.mail.interval_ms", 2000, 10, 3'600'000));
  s.retry_base = std::chrono::milliseconds(source.Int("sales.mail.retry_base_ms", 30000, 10, 86'400'000));
  s.retry_max = std::chrono::milliseconds(source.Int("sales.mail.retry_max_ms", 3'600'000, 10, 86'400'000));
  s.max_attempts = static_cast<int>(source.Int("sales.mail.max_attempts", 10, 1, 100));
  s.batch = static_cast<int>(source.Int("sales.mail.batch", 20, 1, 500));
  source.Check(IsMailAddress(s.from), "sales.mail.from", "must be an e-mail address");
  source.Check(!s.smtp.host.empty(), "sales.mail.smtp_host", "must be a host name or address");
  return s;
}

boost::asio::awaitable<void> Mailer::RunOnce() {
  if (!settings_.enabled) co_return;
  // The lease outlasts one SMTP conversation: nobody else takes the e-mail while this round sends it.
  const std::int64_t lease_ms = settings_.smtp.timeout.count() * 2 + 5000;
  std::vector<ReceiptEmail> due = co_await store_.ClaimDue(settings_.batch, lease_ms);
  for (const ReceiptEmail& email : due) co_await SendOne(email);
}

boost::asio::awaitable<void> Mailer::SendOne(const ReceiptEmail& email) {
  std::string error;
  bool permanent = false;
  bool sent = false;
  std::string receipt_number;
  try {
    auto sale = co_await repository_.FindSale(email.sale_id);
    if (!sale) throw std::runtime_error("the sale is gone");
    http::Request origin;  // no caller: a named object, never a temporary, across co_await (GCC 12)
    receipt::Document doc = co_await receipts_.DocumentOf(origin, *sale, email.copy);
    smtp::Message message;
    message.from = settings_.from;
    message.from_name = doc.issuer.chain_name;
    message.to = email.recipient;
    message.subject = "Votre reçu " + doc.issuer.chain_name + " " + sale->receipt_number +
                      (email.copy ? " (copie)" : "");
    message.message_id = email.message_id;
    message.text = receipt::RenderText(doc, 48);
    message.html = receipt::RenderHtml(doc);
    receipt_number = sale->receipt_number;
    co_await smtp::Send(co_await boost::asio::this_coro::executor, settings_.smtp, message);
    sent = true;
  } catch (const smtp::ReplyError& e) {
    error = e.what();
    permanent = e.permanent();
  } catch (const boost::system::system_error& e) {
    // What staff read in last_error: "Connection refused", not Asio's source location.
    error = "SMTP: " + e.code().message();
  } catch (const std::exception& e) {
    error = e.what();
  }
  if (sent) {
    // Not inside the try: a database failure here is not a failed send (the lease runs out and the e-mail goes
    // again with the same Message-ID — at least once, ADR 0161).
    co_await store_.MarkSent(email.id);
    log::Info("receipt e-mail sent", {{"email_id", std::to_string(email.id)},
                                      {"receipt_number", receipt_number},
                                      {"attempts", std::to_string(email.attempts)}});
    co_return;
  }
  const bool give_up = permanent || email.attempts >= settings_.max_attempts;
  auto delay = RetryDelay(email.attempts, settings_.retry_base, settings_.retry_max);
  log::Warn(give_up ? "receipt e-mail failed for good" : "receipt e-mail not sent; retried later",
            {{"email_id", std::to_string(email.id)},
             {"attempts", std::to_string(email.attempts)},
             {"retry_in_ms", std::to_string(give_up ? 0 : delay.count())},
             {"error", error}});
  co_await store_.MarkFailed(email.id, error, delay.count(), give_up);
}

}  // namespace comptoir::sales
