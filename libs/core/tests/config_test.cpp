#include "comptoir/config.hpp"

#include <map>

#include <gtest/gtest.h>

namespace comptoir::config {
namespace {

Source::EnvLookup Env(std::map<std::string, std::string> values) {
  return [values](const std::string& name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

TEST(ConfigTest, EnvironmentWinsOverFileWhichWinsOverDefault) {
  Source s(R"({"product": {"http": {"port": 9001}}, "log": {"level": "debug"}})",
           Env({{"COMPTOIR_PRODUCT_HTTP_PORT", "9100"}}));
  EXPECT_EQ(s.Int("product.http.port", 8001, 0, 65535), 9100);
  EXPECT_EQ(s.String("log.level", "info"), "debug");
  EXPECT_EQ(s.String("missing.key", "fallback"), "fallback");
  EXPECT_NO_THROW(s.ThrowIfErrors());
}

TEST(ConfigTest, ReportsEveryProblemAtOnce) {
  Source s("{}", Env({{"COMPTOIR_HTTP_THREADS", "many"},
                      {"COMPTOIR_PRODUCT_HTTP_PORT", "70000"},
                      {"COMPTOIR_HTTP_ACCESS_LOG", "perhaps"}}));
  s.Int("http.threads", 0, 0, 256);
  s.Int("product.http.port", 8001, 0, 65535);
  s.Bool("http.access_log", true);
  s.RequiredString("product.database_url");
  try {
    s.ThrowIfErrors();
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    ASSERT_EQ(e.problems().size(), 4u);
    EXPECT_NE(e.problems()[0].find("COMPTOIR_HTTP_THREADS"), std::string::npos);
    EXPECT_NE(e.problems()[1].find("outside 0..65535"), std::string::npos);
    EXPECT_NE(e.problems()[2].find("not a boolean"), std::string::npos);
    EXPECT_NE(e.problems()[3].find("COMPTOIR_PRODUCT_DATABASE_URL"), std::string::npos);
  }
}

// The services of one process (`--service all`) read the shared keys each: one problem, told once.
TEST(ConfigTest, TheSameProblemIsReportedOnce) {
  Source s("{}", Env({{"COMPTOIR_HTTP_THREADS", "many"}}));
  for (int service = 0; service < 3; ++service) {
    s.Int("http.threads", 0, 0, 256);
    s.RequiredString("auth.jwt_public_key");
  }
  try {
    s.ThrowIfErrors();
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.problems().size(), 2u);
  }
}

TEST(ConfigTest, MalformedFileIsAProblem) {
  Source s("{not json", Env({}));
  EXPECT_THROW(s.ThrowIfErrors(), ConfigError);
}

TEST(ConfigTest, EnvNameMapping) {
  EXPECT_EQ(Source::EnvName("product.database_url"), "COMPTOIR_PRODUCT_DATABASE_URL");
  EXPECT_EQ(Source::EnvName("http.read-timeout"), "COMPTOIR_HTTP_READ_TIMEOUT");
}

TEST(ConfigTest, IntegerWithTrailingGarbageIsRefused) {
  Source s("", Env({{"COMPTOIR_DB_POOL_SIZE", "8x"}}));
  EXPECT_EQ(s.Int("db.pool_size", 4, 1, 100), 4);
  EXPECT_THROW(s.ThrowIfErrors(), ConfigError);
}

}  // namespace
}  // namespace comptoir::config
