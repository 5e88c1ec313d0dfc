#include "comptoir/log.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace comptoir::log {
namespace {

TEST(LogTest, LinesAreJsonObjectsWithFields) {
  auto line = Format(Level::kWarn, "request \"failed\"", {{"request_id", "abc"}, {"status", 503}, {"ms", 1.5},
                                                         {"retry", false}});
  auto v = boost::json::parse(line).as_object();
  EXPECT_EQ(v.at("level").as_string(), "warn");
  EXPECT_EQ(v.at("msg").as_string(), "request \"failed\"");
  EXPECT_EQ(v.at("request_id").as_string(), "abc");
  EXPECT_EQ(v.at("status").as_int64(), 503);
  EXPECT_EQ(v.at("retry").as_bool(), false);
  EXPECT_TRUE(v.contains("ts"));
}

TEST(LogTest, StringsAreEscaped) {
  std::string nasty = std::string("quote\" backslash\\ newline\n tab\t ctrl") + '\x01' + " Café";
  auto v = boost::json::parse(Format(Level::kInfo, nasty, {{"path", nasty}})).as_object();
  EXPECT_EQ(v.at("msg").as_string(), nasty);
  EXPECT_EQ(v.at("path").as_string(), nasty);
}

TEST(LogTest, ParseLevel) {
  EXPECT_EQ(ParseLevel("debug", Level::kInfo), Level::kDebug);
  EXPECT_EQ(ParseLevel("nonsense", Level::kWarn), Level::kWarn);
}

}  // namespace
}  // namespace comptoir::log
