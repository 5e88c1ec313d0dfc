// ParseUrl and Reply, without a server.
#include <gtest/gtest.h>

#include "comptoir/redis/redis.hpp"

namespace comptoir::redis {
namespace {

TEST(RedisUrl, HostAndPortWithDefaults) {
  const Options o = ParseUrl("redis://cache.internal:6380");
  EXPECT_EQ(o.host, "cache.internal");
  EXPECT_EQ(o.port, 6380);
  EXPECT_EQ(o.password, "");
  EXPECT_EQ(o.username, "");
  EXPECT_EQ(o.database, 0);
  EXPECT_EQ(o.connect_timeout, Options{}.connect_timeout);
  EXPECT_EQ(o.command_timeout, Options{}.command_timeout);
}

TEST(RedisUrl, PortDefaultsTo6379) {
  EXPECT_EQ(ParseUrl("redis://localhost").port, 6379);
  EXPECT_EQ(ParseUrl("redis://localhost/").port, 6379);
}

TEST(RedisUrl, PasswordAndDatabase) {
  const Options o = ParseUrl("redis://:s3cr%40t@127.0.0.1:7000/3");
  EXPECT_EQ(o.host, "127.0.0.1");
  EXPECT_EQ(o.port, 7000);
  EXPECT_EQ(o.password, "s3cr@t");  // percent-decoded
  EXPECT_EQ(o.username, "");
  EXPECT_EQ(o.database, 3);
}

TEST(RedisUrl, AclUser) {
  const Options o = ParseUrl("redis://app:pw@h:1/0");
  EXPECT_EQ(o.username, "app");
  EXPECT_EQ(o.password, "pw");
  EXPECT_EQ(ParseUrl("redis://default:pw@h").username, "");
}

TEST(RedisUrl, Ipv6Host) {
  const Options o = ParseUrl("redis://[::1]:6390/1");
  EXPECT_EQ(o.host, "::1");
  EXPECT_EQ(o.port, 6390);
  EXPECT_EQ(o.database, 1);
}

void ExpectInvalid(std::string_view url, std::string_view fragment) {
  try {
    ParseUrl(url);
    ADD_FAILURE() << url << " was accepted";
  } catch (const std::invalid_argument& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(fragment), std::string::npos) << message;
    EXPECT_NE(message.find(std::string(url)), std::string::npos) << message;
  }
}

TEST(RedisUrl, RejectsWhatItCannotUse) {
  ExpectInvalid("http://localhost:6379", "scheme");
  ExpectInvalid("rediss://localhost:6379", "TLS");
  ExpectInvalid("localhost:6379", "scheme");
  ExpectInvalid("not a url", "not a URL");
  ExpectInvalid("redis://:6379", "host");
  ExpectInvalid("redis://localhost:0", "port");
  ExpectInvalid("redis://localhost:70000", "port");
  ExpectInvalid("redis://localhost:63x9", "port");
  ExpectInvalid("redis://localhost:63x9/1", "port");
  ExpectInvalid("redis://localhost/db", "database number");
  ExpectInvalid("redis://localhost/-1", "database number");
  ExpectInvalid("redis://localhost/1/2", "database number");
  ExpectInvalid("redis://localhost?db=1", "query");
  ExpectInvalid("redis://user@localhost", "password");
}

TEST(RedisReply, AccessorsCheckTheType) {
  EXPECT_TRUE(Reply().IsNil());
  EXPECT_EQ(Reply().OptString(), std::nullopt);
  EXPECT_EQ(Reply::FromInteger(42).Integer(), 42);
  EXPECT_EQ(Reply::FromStatus("OK").String(), "OK");
  EXPECT_EQ(Reply::FromString(std::string("a\0b", 3)).String().size(), 3u);
  const Reply array = Reply::FromArray({Reply::FromInteger(1), Reply()});
  ASSERT_EQ(array.Array().size(), 2u);
  EXPECT_TRUE(array.Array()[1].IsNil());

  try {
    (void)Reply::FromString("x").Integer();
    ADD_FAILURE() << "Integer() on a string";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), "redis.unexpected_reply");
  }
}

TEST(RedisReply, ThrowIfError) {
  const Reply error = Reply::FromError("WRONGTYPE Operation against a key holding the wrong kind of value");
  EXPECT_TRUE(error.IsError());
  try {
    error.ThrowIfError();
    ADD_FAILURE() << "no exception";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), "redis.error");
    EXPECT_EQ(e.kind(), ErrorKind::kInternal);
    EXPECT_NE(e.detail().find("WRONGTYPE"), std::string::npos);
  }
  EXPECT_EQ(Reply::FromInteger(7).ThrowIfError().Integer(), 7);
}

}  // namespace
}  // namespace comptoir::redis
