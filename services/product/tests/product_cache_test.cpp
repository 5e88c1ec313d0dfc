// Unit tests of the catalogue cache (ADR 0120): lease, fill tickets, ETags. No I/O.
#include <gtest/gtest.h>

#include "cache/response_cache.hpp"

namespace comptoir::product {
namespace {
using Clock = ResponseCache::Clock;
using namespace std::chrono_literals;

std::shared_ptr<const CachedBody> Body(std::string text) {
  return std::make_shared<CachedBody>(CachedBody{text, EtagOf(text)});
}

TEST(ProductCache, ServesOnlyWithinTheLease) {
  ResponseCache cache;
  const auto now = Clock::now();
  ASSERT_TRUE(cache.Fill(cache.BeginFill(), "id:1", Body("{\"id\":1}")));
  EXPECT_EQ(cache.Lookup("id:1", now), nullptr) << "no lease yet";
  cache.SetLeaseUntil(now + 2s);
  ASSERT_NE(cache.Lookup("id:1", now), nullptr);
  EXPECT_EQ(cache.Lookup("id:1", now)->body, "{\"id\":1}");
  EXPECT_EQ(cache.Lookup("id:1", now + 2s), nullptr) << "lease over";
  cache.SetLeaseUntil(now + 5s);
  EXPECT_NE(cache.Lookup("id:1", now + 2s), nullptr);
  cache.EndLease();
  EXPECT_EQ(cache.Lookup("id:1", now), nullptr);
}

TEST(ProductCache, AnInvalidationVoidsTheFillsUnderWay) {
  ResponseCache cache;
  cache.SetLeaseUntil(Clock::now() + 1h);
  const auto before = cache.BeginFill();                        // a read of the database starts...
  cache.InvalidateAll();                                        // ...a change is committed and heard of meanwhile...
  EXPECT_FALSE(cache.Fill(before, "id:1", Body("old price")));  // ...so what was read is not kept
  EXPECT_EQ(cache.Lookup("id:1"), nullptr);
  const auto after = cache.BeginFill();
  EXPECT_TRUE(cache.Fill(after, "id:1", Body("new price")));
  EXPECT_EQ(cache.Lookup("id:1")->body, "new price");
  cache.InvalidateAll();
  EXPECT_EQ(cache.Lookup("id:1"), nullptr);
  EXPECT_EQ(cache.size(), 0u);
}

TEST(ProductCache, StaysWithinItsSize) {
  ResponseCache cache(2);
  cache.SetLeaseUntil(Clock::now() + 1h);
  EXPECT_TRUE(cache.Fill(cache.BeginFill(), "a", Body("a")));
  EXPECT_TRUE(cache.Fill(cache.BeginFill(), "b", Body("b")));
  EXPECT_FALSE(cache.Fill(cache.BeginFill(), "c", Body("c")));
  EXPECT_TRUE(cache.Fill(cache.BeginFill(), "a", Body("a2"))) << "replacing is fine";
  EXPECT_EQ(cache.size(), 2u);
}

TEST(ProductCache, EtagsAndIfNoneMatch) {
  const auto a = EtagOf("{\"price_cents\":1299}");
  const auto b = EtagOf("{\"price_cents\":1399}");
  EXPECT_NE(a, b);
  EXPECT_EQ(a, EtagOf("{\"price_cents\":1299}"));
  EXPECT_EQ(a.front(), '"');
  EXPECT_EQ(a.back(), '"');
  EXPECT_TRUE(IfNoneMatchHits(a, a));
  EXPECT_TRUE(IfNoneMatchHits("W/" + a, a));
  EXPECT_TRUE(IfNoneMatchHits(b + ", " + a, a));
  EXPECT_TRUE(IfNoneMatchHits("*", a));
  EXPECT_FALSE(IfNoneMatchHits(b, a));
  EXPECT_FALSE(IfNoneMatchHits("", a));
  EXPECT_FALSE(IfNoneMatchHits(a.substr(1, a.size() - 2), a)) << "unquoted is another tag";
}

}  // namespace
}  // namespace comptoir::product
