#pragma once
#include <chrono>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "comptoir/config.hpp"
#include "comptoir/smtp/smtp.hpp"
#include "storage/receipts.hpp"
#include "storage/repository.hpp"
#include "workflow/receipts.hpp"

namespace comptoir::sales {

/// Settings of the receipt mailer (`sales.mail.*`, ADR 0161).
struct MailSettings {
  bool enabled = true;
  smtp::Options smtp;
  std::string from = "recus@comptoir.local";
  std::chrono::milliseconds interval{2000};      ///< how often the queue is looked at
  std::chrono::milliseconds retry_base{30000};   ///< first retry after this, doubling
  std::chrono::milliseconds retry_max{3600000};  ///< never longer than this between attempts
  int max_attempts = 10;                         ///< then `failed`, for staff to see
  int batch = 20;                                ///< e-mails per round
};
MailSettings LoadMailSettings(config::Source& source);

/// Sends queued receipt e-mails through SMTP (ADR 0161): a round claims due e-mails under a lease (an attempt
/// counted), renders each receipt (48-column text and HTML), sends it, and marks it sent — or records the error
/// and when to retry (exponential backoff), `failed` after `max_attempts` or a permanent (5xx) refusal.
/// Runs in the background: a sale or an e-mail request never waits for it.
class Mailer {
 public:
  Mailer(Repository& repository, ReceiptStore& store, Receipts& receipts, MailSettings settings)
      : repository_(repository), store_(store), receipts_(receipts), settings_(std::move(settings)) {}
  boost::asio::awaitable<void> RunOnce();
  [[nodiscard]] const MailSettings& settings() const noexcept { return settings_; }

 private:
  boost::asio::awaitable<void> SendOne(const ReceiptEmail& email);

  Repository& repository_;
  ReceiptStore& store_;
  Receipts& receipts_;
  MailSettings settings_;
};

}  // namespace comptoir::sales
