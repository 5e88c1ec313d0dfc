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

namespace comptoir::log {
namespace {

TEST(LogContextTest, LinesCarryTheCurrentRequestUnlessTheyNameItThemselves) {
  auto plain = boost::json::parse(Format(Level::kInfo, "no request", {})).as_object();
  EXPECT_FALSE(plain.contains("request_id"));
  RequestContext context{"req-1", "0123456789abcdef0123456789abcdef"};
  {
    ScopedContext scope(&context);
    auto line = boost::json::parse(Format(Level::kInfo, "charge recorded", {{"charge_id", "c1"}})).as_object();
    EXPECT_EQ(line.at("request_id"), "req-1");
    EXPECT_EQ(line.at("trace_id"), "0123456789abcdef0123456789abcdef");
    // A line that names a request id keeps its own (and has it once).
    const std::string text = Format(Level::kInfo, "retry", {{"request_id", "recovery-9"}});
    EXPECT_EQ(boost::json::parse(text).at("request_id"), "recovery-9");
    EXPECT_EQ(text.find("request_id"), text.rfind("request_id"));
    RequestContext inner{"req-2", ""};
    {
      ScopedContext nested(&inner);
      auto line2 = boost::json::parse(Format(Level::kInfo, "nested", {})).as_object();
      EXPECT_EQ(line2.at("request_id"), "req-2");
      EXPECT_FALSE(line2.contains("trace_id"));  // unknown: not written
    }
    EXPECT_EQ(CurrentContext(), &context);
  }
  EXPECT_EQ(CurrentContext(), nullptr);
}

}  // namespace
}  // namespace comptoir::log
