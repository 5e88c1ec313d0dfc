// RequestContext is an aggregate built from (request, config) only; -Wextra flags the rest.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "comptoir/gateway/plugins/factories.hpp"
#include "comptoir/gateway/plugins/test_support.hpp"

namespace comptoir::gateway::plugins {
namespace {

namespace json = boost::json;

using Made = testing::MadePlugin;

Made Make(std::string_view config_json) {
  return testing::MakePlugin(CreateIpRestriction, "ip-restriction", config_json);
}

std::optional<http::Response> From(const Made& m, std::string ip) {
  Config config;
  http::Request req;
  RequestContext ctx{.request = req, .config = config};
  ctx.client_ip = std::move(ip);
  ctx.request_id = "rid";
  m.plugin->Access(ctx);
  return ctx.exit;
}

TEST(IpRestriction, PriorityAndOutput) {
  auto m = Make(R"({"deny":["10.0.0.0/8"]})");
  ASSERT_NE(m.plugin, nullptr);
  EXPECT_EQ(m.plugin->Priority(), 990);
  EXPECT_EQ(m.plugin->Name(), "ip-restriction");
  EXPECT_EQ(json::serialize(m.output), R"({"allow":null,"deny":["10.0.0.0/8"],"status":null,"message":null})");
}

TEST(IpRestriction, DenyCidr) {
  auto m = Make(R"({"deny":["10.0.0.0/8","192.168.1.7"]})");
  auto r = From(m, "10.20.30.40");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(r->body, R"({"message":"IP address not allowed: 10.20.30.40","request_id":"rid"})");
  EXPECT_TRUE(From(m, "192.168.1.7").has_value());
  EXPECT_FALSE(From(m, "192.168.1.8").has_value());
  EXPECT_FALSE(From(m, "11.0.0.1").has_value());
}

TEST(IpRestriction, AllowListAndDenyWins) {
  auto m = Make(R"({"allow":["172.16.0.0/12","127.0.0.1"],"deny":["172.16.5.5"]})");
  EXPECT_FALSE(From(m, "172.20.1.1").has_value());
  EXPECT_FALSE(From(m, "127.0.0.1").has_value());
  EXPECT_TRUE(From(m, "172.32.0.1").has_value());
  EXPECT_TRUE(From(m, "172.16.5.5").has_value());  // in both: deny wins
}

TEST(IpRestriction, Ipv6AndMappedIpv4) {
  auto m = Make(R"({"allow":["2001:db8::/32","::1","10.1.0.0/16"]})");
  EXPECT_FALSE(From(m, "2001:db8:1::42").has_value());
  EXPECT_FALSE(From(m, "::1").has_value());
  EXPECT_FALSE(From(m, "[::1]").has_value());
  EXPECT_FALSE(From(m, "::ffff:10.1.2.3").has_value());
  EXPECT_TRUE(From(m, "2001:db9::1").has_value());
  EXPECT_TRUE(From(m, "10.2.0.1").has_value());
}

TEST(IpRestriction, OddPrefixes) {
  auto m = Make(R"({"deny":["192.168.100.0/22","0.0.0.0/0"],"allow":["1.1.1.1"]})");
  EXPECT_TRUE(From(m, "1.1.1.1").has_value());  // /0 denies every IPv4
  auto v6 = Make(R"({"deny":["fe80::/10"]})");
  EXPECT_TRUE(From(v6, "febf::1").has_value());
  EXPECT_FALSE(From(v6, "fec0::1").has_value());
  auto p22 = Make(R"({"deny":["192.168.100.0/22"]})");
  EXPECT_TRUE(From(p22, "192.168.103.255").has_value());
  EXPECT_FALSE(From(p22, "192.168.104.0").has_value());
}

TEST(IpRestriction, CustomStatusAndMessage) {
  auto m = Make(R"({"deny":["1.2.3.4"],"status":401,"message":"Go away"})");
  auto r = From(m, "1.2.3.4");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(r->body, R"({"message":"Go away","request_id":"rid"})");
}

TEST(IpRestriction, UnknownClient) {
  auto m = Make(R"({"allow":["1.2.3.4"]})");
  auto r = From(m, "");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(json::parse(r->body).at("message"),
            "Cannot identify the client IP address, unix domain sockets are not supported.");
}

TEST(IpRestriction, RejectsBadConfigWithFieldPaths) {
  auto m = Make(R"({"allow":["10.0.0.0/33","not-an-ip","1.2.3.4"],"deny":["::1/129"],"status":"403","y":0})");
  EXPECT_EQ(m.plugin, nullptr);
  ASSERT_EQ(m.issues.size(), 5u);
  EXPECT_EQ(m.issues[0].field, "config.allow[1]");
  EXPECT_EQ(m.issues[0].message, "invalid ip or cidr range: '10.0.0.0/33'");
  EXPECT_EQ(m.issues[1].field, "config.allow[2]");
  EXPECT_EQ(m.issues[2].field, "config.deny[1]");
  EXPECT_EQ(m.issues[3].field, "config.status");
  EXPECT_EQ(m.issues[4].field, "config.y");

  auto empty = Make("{}");
  EXPECT_EQ(empty.plugin, nullptr);
  ASSERT_EQ(empty.issues.size(), 1u);
  EXPECT_EQ(empty.issues[0].message, "at least one of these fields must be non-empty: 'config.allow', 'config.deny'");
}

}  // namespace
}  // namespace comptoir::gateway::plugins
