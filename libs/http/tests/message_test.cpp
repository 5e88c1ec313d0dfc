#include "comptoir/http/message.hpp"
#include "comptoir/http/server.hpp"

#include <set>

#include <gtest/gtest.h>

namespace comptoir::http {
namespace {

TEST(MessageTest, HeadersAreCaseInsensitive) {
  Headers h;
  h.Add("Content-Type", "application/json");
  h.Add("X-Thing", "1");
  h.Add("x-thing", "2");
  EXPECT_EQ(h.Get("content-type").value(), "application/json");
  EXPECT_EQ(h.Get("X-THING").value(), "1");
  h.Set("X-Thing", "3");
  EXPECT_EQ(h.size(), 2u);
  EXPECT_EQ(h.Get("x-thing").value(), "3");
  h.Remove("CONTENT-TYPE");
  EXPECT_FALSE(h.Has("Content-Type"));
}

TEST(MessageTest, HeadersClearedAndRemovedKeepOrderAndAreReused) {
  Headers h;
  h.Add("A", "1");
  h.Add("B", "2");
  h.Add("a", "3");
  h.Add("C", "4");
  h.Remove("a");  // both "A" and "a"; the others keep their order
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h.begin()->first, "B");
  EXPECT_EQ(std::next(h.begin())->first, "C");
  EXPECT_FALSE(h.Has("A"));
  h.Clear();
  EXPECT_EQ(h.size(), 0u);
  EXPECT_EQ(h.begin(), h.end());
  EXPECT_FALSE(h.Get("B").has_value());
  // Refilled after Clear: only what was added since is there.
  h.Add("X-Long-Header-Name", "a value longer than the small-string buffer");
  h.Set("B", "5");
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h.Get("x-long-header-name").value(), "a value longer than the small-string buffer");
  EXPECT_EQ(h.Get("b").value(), "5");
  EXPECT_FALSE(h.Has("C"));
  // Set from a value of the list itself.
  h.Set("B", *h.Get("X-Long-Header-Name"));
  EXPECT_EQ(h.Get("B").value(), "a value longer than the small-string buffer");
  Headers copy = h;
  EXPECT_EQ(copy.size(), 2u);
}

TEST(MessageTest, IEqualsFoldsAsciiLettersOnly) {
  EXPECT_TRUE(IEquals("Content-Length", "content-LENGTH"));
  EXPECT_TRUE(IEquals("X-1_2", "x-1_2"));
  EXPECT_FALSE(IEquals("Content-Length", "Content-Lengt"));
  EXPECT_FALSE(IEquals("@", "`"));  // 0x40 and 0x60 differ by the case bit but are not letters
  EXPECT_FALSE(IEquals("[", "{"));
  EXPECT_FALSE(IEquals("a", "b"));
}

TEST(MessageTest, QueryParametersAreDecoded) {
  Request r;
  r.query = "q=caf%C3%A9+noir&page=2&empty=&flag";
  EXPECT_EQ(r.Query("q").value(), "café noir");
  EXPECT_EQ(r.Query("page").value(), "2");
  EXPECT_EQ(r.Query("empty").value(), "");
  EXPECT_EQ(r.Query("flag").value(), "");
  EXPECT_FALSE(r.Query("missing").has_value());
  EXPECT_EQ(r.QueryParams().size(), 4u);
}

TEST(MessageTest, PercentCoding) {
  EXPECT_EQ(PercentDecode("a%2Fb", false).value(), "a/b");
  EXPECT_EQ(PercentDecode("a+b", false).value(), "a+b");
  EXPECT_FALSE(PercentDecode("bad%2", false).has_value());
  EXPECT_FALSE(PercentDecode("bad%zz", false).has_value());
  EXPECT_EQ(PercentEncode("Café au lait"), "Caf%C3%A9%20au%20lait");
}

TEST(MessageTest, MethodNames) {
  EXPECT_EQ(ParseMethod("PATCH"), Method::kPatch);
  EXPECT_EQ(ParseMethod("BREW"), Method::kOther);
  EXPECT_EQ(MethodName(Method::kDelete), "DELETE");
}

TEST(RequestIdTest, UuidsAreV4AndUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto id = NewUuid();
    ASSERT_EQ(id.size(), 36u);
    EXPECT_EQ(id[14], '4');
    EXPECT_TRUE(id[19] == '8' || id[19] == '9' || id[19] == 'a' || id[19] == 'b');
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(RequestIdTest, ClientIdsAreValidated) {
  EXPECT_TRUE(ValidRequestId("abc-123"));
  EXPECT_FALSE(ValidRequestId(""));
  EXPECT_FALSE(ValidRequestId("has space"));
  EXPECT_FALSE(ValidRequestId(std::string(201, 'a')));
}

TEST(TraceparentTest, KeepsTheTraceAndMakesANewSpan) {
  std::string incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  auto next = NextTraceparent(incoming);
  ASSERT_EQ(next.size(), 55u);
  EXPECT_EQ(next.substr(0, 36), incoming.substr(0, 36));
  EXPECT_NE(next.substr(36, 16), incoming.substr(36, 16));
  EXPECT_EQ(next.substr(52), "-01");
}

TEST(TraceparentTest, MalformedStartsANewTrace) {
  auto next = NextTraceparent("00-00000000000000000000000000000000-00f067aa0ba902b7-01");
  EXPECT_NE(next.substr(3, 32), std::string(32, '0'));
  auto fresh = NextTraceparent("");
  EXPECT_EQ(fresh.size(), 55u);
  EXPECT_EQ(fresh.substr(0, 3), "00-");
}

}  // namespace
}  // namespace comptoir::http
