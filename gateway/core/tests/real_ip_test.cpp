// The client address Kong's rate-limiting (limit_by ip) and ip-restriction see: nginx's realip
// module with Kong's trusted_ips, real_ip_header and real_ip_recursive.
#include "comptoir/gateway/real_ip.hpp"

#include <gtest/gtest.h>

namespace comptoir::gateway {
namespace {

http::Headers With(std::initializer_list<std::pair<std::string, std::string>> list) {
  http::Headers h;
  for (const auto& [k, v] : list) h.Add(k, v);
  return h;
}

TEST(RealIp, NothingIsTrustedByDefault) {
  RealIpSettings s;
  EXPECT_EQ(s.ClientIp("203.0.113.7", With({{"X-Real-IP", "10.1.1.1"}, {"X-Forwarded-For", "10.2.2.2"}})),
            "203.0.113.7");
  EXPECT_FALSE(s.Trusted("127.0.0.1"));
}

TEST(RealIp, XRealIpFromATrustedProxy) {
  RealIpSettings s;
  std::string error;
  ASSERT_TRUE(s.SetTrustedIps("10.0.0.0/8, 192.168.1.1", error)) << error;
  EXPECT_EQ(s.ClientIp("10.9.8.7", With({{"X-Real-IP", "198.51.100.4"}})), "198.51.100.4");
  EXPECT_EQ(s.ClientIp("192.168.1.1", With({{"X-Real-IP", " 2001:db8::5 "}})), "2001:db8::5");
  // Not from a trusted proxy: the header is the client's word, ignored.
  EXPECT_EQ(s.ClientIp("192.168.1.2", With({{"X-Real-IP", "198.51.100.4"}})), "192.168.1.2");
  // Not an address, or no header: the connection's address.
  EXPECT_EQ(s.ClientIp("10.9.8.7", With({{"X-Real-IP", "nonsense"}})), "10.9.8.7");
  EXPECT_EQ(s.ClientIp("10.9.8.7", With({})), "10.9.8.7");
}

TEST(RealIp, XForwardedForLastOrRecursive) {
  RealIpSettings s;
  std::string error;
  ASSERT_TRUE(s.SetTrustedIps("127.0.0.1,10.0.0.0/8", error));
  s.real_ip_header = "X-Forwarded-For";
  // A client wrote a first address itself; its proxy (10.0.0.2) and ours (10.0.0.1) appended theirs.
  const auto h = With({{"X-Forwarded-For", "1.2.3.4, 198.51.100.9, 10.0.0.2"}});
  EXPECT_EQ(s.ClientIp("10.0.0.1", h), "10.0.0.2") << "non-recursive: the last address";
  s.real_ip_recursive = true;
  EXPECT_EQ(s.ClientIp("10.0.0.1", h), "198.51.100.9") << "recursive: the last untrusted one, not the forged one";
  EXPECT_EQ(s.ClientIp("10.0.0.1", With({{"X-Forwarded-For", "10.0.0.5, 10.0.0.6"}})), "10.0.0.5");
  EXPECT_EQ(s.ClientIp("10.0.0.1", With({{"X-Forwarded-For", "bad, 198.51.100.9, 10.0.0.2"}})), "198.51.100.9");
  EXPECT_EQ(s.ClientIp("10.0.0.1", With({{"X-Forwarded-For", "198.51.100.9, bad"}})), "10.0.0.1");
  // From an untrusted client, X-Forwarded-For is ignored whatever it says.
  EXPECT_EQ(s.ClientIp("203.0.113.50", h), "203.0.113.50");
}

TEST(RealIp, NetworksAndBadEntries) {
  RealIpSettings s;
  std::string error;
  ASSERT_TRUE(s.SetTrustedIps("0.0.0.0/0,::/0", error));
  EXPECT_TRUE(s.Trusted("8.8.8.8"));
  EXPECT_TRUE(s.Trusted("2001:db8::1"));
  ASSERT_TRUE(s.SetTrustedIps("2001:db8::/32", error));
  EXPECT_TRUE(s.Trusted("2001:db8:ffff::1"));
  EXPECT_FALSE(s.Trusted("2001:db9::1"));
  EXPECT_FALSE(s.Trusted("1.2.3.4"));
  ASSERT_TRUE(s.SetTrustedIps("NONE", error));
  EXPECT_FALSE(s.Trusted("127.0.0.1"));
  EXPECT_FALSE(s.SetTrustedIps("10.0.0.0/33", error));
  EXPECT_NE(error.find("10.0.0.0/33"), std::string::npos);
  EXPECT_FALSE(s.SetTrustedIps("127.0.0.1, example.com", error));
}

}  // namespace
}  // namespace comptoir::gateway
