#include "comptoir/gateway/schema.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace comptoir::gateway {
namespace {

TEST(SchemaReaderTest, DefaultsFillTheNormalisedRecord) {
  std::vector<ConfigIssue> issues;
  auto input = boost::json::parse(R"({"minute": 5})");
  SchemaReader r(&input, issues, "plugins", "rate-limiting", "config");
  EXPECT_EQ(r.Int("minute", 0, 0, 1000), 5);
  EXPECT_EQ(r.String("policy", "local", {"local", "redis"}), "local");
  EXPECT_TRUE(r.Bool("fault_tolerant", true));
  EXPECT_EQ(r.StringArray("key_names", {"apikey"}), std::vector<std::string>{"apikey"});
  r.RejectUnknown();
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(boost::json::serialize(r.output()),
            R"({"minute":5,"policy":"local","fault_tolerant":true,"key_names":["apikey"]})");
}

TEST(SchemaReaderTest, EveryProblemIsReportedWithItsPath) {
  std::vector<ConfigIssue> issues;
  auto input = boost::json::parse(R"({"minute": "five", "policy": "cluster", "typo": 1,
                                      "redis": {"port": 70000}, "key_names": ["a", 2]})");
  SchemaReader r(&input, issues, "plugins", "rate-limiting", "config");
  r.Int("minute", 0, 0, 1000);
  r.String("policy", "local", {"local", "redis"});
  {
    auto redis = r.Record("redis");
    redis.Int("port", 6379, 0, 65535);
  }
  r.StringArray("key_names", {});
  r.RejectUnknown();
  EXPECT_FALSE(r.ok());
  std::vector<std::string> fields;
  for (const auto& i : issues) {
    fields.push_back(i.field);
    EXPECT_EQ(i.entity, "plugins");
    EXPECT_EQ(i.entity_name, "rate-limiting");
  }
  EXPECT_EQ(fields, (std::vector<std::string>{"config.minute", "config.policy", "config.redis.port",
                                              "config.key_names[2]", "config.typo"}));
  // The nested record lands in the parent's output.
  EXPECT_EQ(r.output().at("redis").at("port").as_int64(), 70000);
}

TEST(SchemaReaderTest, NonRecordInputIsAnIssue) {
  std::vector<ConfigIssue> issues;
  auto input = boost::json::parse("[1]");
  SchemaReader r(&input, issues, "services", "product", "");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(issues[0].message, "expected a record");
}

}  // namespace
}  // namespace comptoir::gateway
