// Every service's retention job, as an operator would check it (issue 12 §11, ADR 0065): the real binary runs each
// service with a database (retention.interval_ms short), rows are dated in the past in their databases, and the
// periods the services' READMEs give are what decides: rows older go, rows younger stay, an event published long
// after it occurred is kept from its publication, a live refresh-token family keeps even its old used tokens, and a
// processed event the stream still holds keeps its row. /metrics counts what went.
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "comptoir/testing/eventually.hpp"
#include "comptoir/testing/http.hpp"
#include "comptoir/testing/pg.hpp"
#include "comptoir/testing/platform.hpp"
#include "comptoir/testing/process.hpp"

namespace comptoir {
namespace {

using testing::Eventually;

class Retention : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_FALSE(testing::ComptoirBin().empty()) << "COMPTOIR_BIN must name the comptoir executable";
    platform_ = new testing::Platform(testing::PlatformOptions{
        .services = {"product", "customer", "inventory", "sales", "order", "payment", "reporting"},
        .gateway = false,
        .name = "retention",
        .env = {{"COMPTOIR_RETENTION_INTERVAL_MS", "300"},
                // One period set by an operator: sales keeps idempotency answers 2 days instead of 30.
                {"COMPTOIR_SALES_RETENTION_IDEMPOTENCY_KEYS_DAYS", "2"}}});
  }
  static void TearDownTestSuite() {
    delete platform_;
    platform_ = nullptr;
  }

  static std::string Sql(const std::string& service, const std::string& sql) {
    return testing::QueryValue(platform_->Conninfo(service), sql);
  }
  static void Exec(const std::string& service, const std::string& sql) {
    testing::RunSql(platform_->Conninfo(service), sql);
  }
  static std::string Metrics(const std::string& service) {
    return testing::Http(static_cast<std::uint16_t>(platform_->Port(service)), "GET", "/metrics").body;
  }
  static void Key(const std::string& service, const std::string& key, const std::string& age) {
    Exec(service,
         "INSERT INTO idempotency_keys (scope, key, fingerprint, status, body, created_at) VALUES"
         " ('retention-test', '" +
             key + "', 'f', 201, '{}', now() - interval '" + age + "')");
  }
  static std::string Keys(const std::string& service) {
    return Sql(service,
               "SELECT coalesce(string_agg(key, ',' ORDER BY key), '') FROM idempotency_keys"
               " WHERE scope = 'retention-test'");
  }
  static void Published(const std::string& service, const std::string& name, const std::string& published) {
    Exec(service,
         "INSERT INTO outbox (id, aggregate_type, aggregate_id, type, payload, occurred_at, published_at)"
         " SELECT e, 'retention', '" +
             name +
             "', 'RetentionTest', jsonb_build_object('id', e::text, 'type',"
             " 'RetentionTest', 'source', 'test', 'occurred_at', now()::text, 'correlation_id', 'c', 'data', "
             "'{}'::jsonb),"
             " now() - interval '100 days', " +
             published + " FROM gen_random_uuid() e");
  }
  static std::string Outbox(const std::string& service) {
    return Sql(service,
               "SELECT coalesce(string_agg(aggregate_id, ',' ORDER BY aggregate_id), '') FROM outbox"
               " WHERE aggregate_type = 'retention'");
  }

  static testing::Platform* platform_;
};

testing::Platform* Retention::platform_ = nullptr;

TEST_F(Retention, IdempotencyAnswersGoAfterTheirPeriod) {
  // The READMEs' period: 30 days (sales: 2 days, set above).
  const std::vector<std::string> services = {"customer", "inventory", "order", "payment"};
  for (const auto& service : services) {
    Key(service, "old", "31 days");
    Key(service, "young", "29 days");
  }
  Key("sales", "old", "3 days");
  Key("sales", "young", "1 day");
  for (const auto& service : services) {
    EXPECT_TRUE(Eventually([&] { return Keys(service) == "young"; })) << service << ": " << Keys(service);
    EXPECT_NE(Metrics(service).find("retention_rows_purged_total{table=\"idempotency_keys\"}"), std::string::npos);
  }
  EXPECT_TRUE(Eventually([&] { return Keys("sales") == "young"; })) << Keys("sales");
}

TEST_F(Retention, PublishedEventsGoSevenDaysAfterPublicationAndAWaitingOneNever) {
  const std::vector<std::string> services = {"product", "customer", "inventory", "sales", "order", "payment"};
  for (const auto& service : services) {
    Published(service, "published-8-days-ago", "now() - interval '8 days'");
    Published(service, "published-6-days-ago", "now() - interval '6 days'");
    // Occurred 100 days ago and not yet published: the relay publishes it now, and it is kept from then on.
    Published(service, "waiting", "NULL");
  }
  for (const auto& service : services) {
    EXPECT_TRUE(Eventually([&] { return Outbox(service) == "published-6-days-ago,waiting"; }))
        << service << ": " << Outbox(service);
    EXPECT_TRUE(Eventually([&] {
      return Sql(service, "SELECT published_at IS NOT NULL FROM outbox WHERE aggregate_id = 'waiting'") == "t";
    })) << service;
    EXPECT_NE(Metrics(service).find("retention_rows_purged_total{table=\"outbox\"}"), std::string::npos) << service;
  }
}

TEST_F(Retention, RefreshTokenFamiliesGoAWeekAfterTheirLastTokenDied) {
  // One statement: the job must never see half a family.
  std::string rows;
  auto token = [&rows](const std::string& hash, const std::string& family, const std::string& expires,
                       const std::string& used, const std::string& revoked) {
    rows += std::string(rows.empty() ? "" : ",") + "('" + hash + "', '" + family +
            "', 'customer', 1, now() - interval '60 days', now() - interval '60 days', " + expires + ", " + used +
            ", " + revoked + ")";
  };
  const std::string dead = "00000000-0000-4000-8000-0000000000d1";
  const std::string live = "00000000-0000-4000-8000-0000000000a1";
  const std::string recent = "00000000-0000-4000-8000-0000000000e1";
  // Over for 8 days: a used token expired, its successor revoked (reuse detected) 8 days ago.
  token("retention-dead-1", dead, "now() - interval '8 days'", "now() - interval '9 days'", "NULL");
  token("retention-dead-2", dead, "now() + interval '20 days'", "NULL", "now() - interval '8 days'");
  // Live: an old used token expired long ago, but the family's current token is valid. Both stay, so that presenting
  // the old one again still revokes the family.
  token("retention-live-1", live, "now() - interval '30 days'", "now() - interval '31 days'", "NULL");
  token("retention-live-2", live, "now() + interval '20 days'", "NULL", "NULL");
  // Over for 6 days only.
  token("retention-recent-1", recent, "now() - interval '6 days'", "NULL", "NULL");
  Exec("customer",
       "INSERT INTO refresh_tokens (token_hash, family, account_kind, account_id, created_at, session_started_at,"
       " expires_at, used_at, revoked_at) VALUES " +
           rows);
  auto left = [] {
    return Sql("customer",
               "SELECT coalesce(string_agg(token_hash, ',' ORDER BY token_hash), '') FROM refresh_tokens"
               " WHERE token_hash LIKE 'retention-%'");
  };
  EXPECT_TRUE(Eventually([&] { return left() == "retention-live-1,retention-live-2,retention-recent-1"; })) << left();
  EXPECT_NE(Metrics("customer").find("retention_rows_purged_total{table=\"refresh_tokens\"} 2"), std::string::npos)
      << Metrics("customer");
}

TEST_F(Retention, SignInFailureWindowsGoAfterAWeek) {
  Exec("customer",
       "INSERT INTO sign_in_failures (account_kind, email, failures, first_failure_at) VALUES"
       " ('customer', 'old@retention.test', 3, now() - interval '8 days'),"
       " ('staff', 'young@retention.test', 2, now() - interval '6 days')");
  auto left = [] {
    return Sql("customer",
               "SELECT coalesce(string_agg(email, ',' ORDER BY email), '') FROM sign_in_failures"
               " WHERE email LIKE '%@retention.test'");
  };
  EXPECT_TRUE(Eventually([&] { return left() == "young@retention.test"; })) << left();
}

TEST_F(Retention, ProcessedEventsGoAfterNinetyDaysOnceTheStreamNoLongerHoldsThem) {
  // Reporting has applied the seeded events: their entries are in the stream.
  ASSERT_TRUE(Eventually([] { return Sql("reporting", "SELECT count(*) > 0 FROM processed_events") == "t"; }));
  std::string held = Sql("reporting", "SELECT min(stream_id) FROM processed_events");
  Exec("reporting",
       "INSERT INTO processed_events (event_id, type, source, stream_id, processed_at) VALUES"
       " ('retention-trimmed-old', 'X', 'test', '1000-0', now() - interval '91 days'),"
       " ('retention-held-old', 'X', 'test', '" +
           held +
           "', now() - interval '91 days'),"
           " ('retention-trimmed-young', 'X', 'test', '1000-1', now() - interval '89 days')");
  auto left = [] {
    return Sql("reporting",
               "SELECT coalesce(string_agg(event_id, ',' ORDER BY event_id), '') FROM processed_events"
               " WHERE event_id LIKE 'retention-%'");
  };
  EXPECT_TRUE(Eventually([&] { return left() == "retention-held-old,retention-trimmed-young"; })) << left();
  // A few more runs change nothing.
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  EXPECT_EQ(left(), "retention-held-old,retention-trimmed-young");
  EXPECT_NE(Metrics("reporting").find("retention_rows_purged_total{table=\"processed_events\"} 1"), std::string::npos)
      << Metrics("reporting");
}

}  // namespace
}  // namespace comptoir
