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
  return testing::MakePlugin(CreateRequestSizeLimiting, "request-size-limiting", config_json);
}

std::optional<http::Response> Send(const Made& m, http::Request req, bool buffered = false) {
  Config config;
  RequestContext ctx{.request = req, .config = config};
  ctx.request_id = "rid";
  ctx.body_buffered = buffered;
  m.plugin->Access(ctx);
  return ctx.exit;
}

http::Request WithLength(std::string_view length) {
  http::Request req;
  req.method = http::Method::kPost;
  req.headers.Set("Content-Length", length);
  return req;
}

TEST(RequestSizeLimiting, DefaultsAreKongs) {
  auto m = Make("{}");
  ASSERT_NE(m.plugin, nullptr);
  EXPECT_EQ(m.plugin->Priority(), 951);
  EXPECT_EQ(m.plugin->Name(), "request-size-limiting");
  EXPECT_FALSE(m.plugin->NeedsRequestBody());
  EXPECT_EQ(json::serialize(m.output),
            R"({"allowed_payload_size":128,"size_unit":"megabytes","require_content_length":false})");
  EXPECT_FALSE(Send(m, WithLength(std::to_string(128u << 20))).has_value());
  EXPECT_TRUE(Send(m, WithLength(std::to_string((128u << 20) + 1))).has_value());
}

TEST(RequestSizeLimiting, TooLargeIs413) {
  auto m = Make(R"({"allowed_payload_size":10,"size_unit":"kilobytes"})");
  EXPECT_FALSE(Send(m, WithLength("10240")).has_value());
  auto r = Send(m, WithLength("10241"));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->body, R"({"message":"Request size limit exceeded","request_id":"rid"})");
  EXPECT_EQ(*r->headers.Get("Content-Type"), "application/json");
}

TEST(RequestSizeLimiting, ExpectContinueIs417) {
  auto m = Make(R"({"allowed_payload_size":100,"size_unit":"bytes"})");
  auto req = WithLength("101");
  req.headers.Set("Expect", " 100-Continue ");
  auto r = Send(m, req);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 417);
  EXPECT_EQ(json::parse(r->body).at("message"), "Request size limit exceeded");
}

TEST(RequestSizeLimiting, RequireContentLengthIs411) {
  auto m = Make(R"({"require_content_length":true})");
  http::Request chunked;
  chunked.method = http::Method::kPost;
  chunked.headers.Set("Transfer-Encoding", "chunked");
  auto r = Send(m, chunked);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 411);
  EXPECT_EQ(r->body, R"({"message":"A valid Content-Length header is required","request_id":"rid"})");
  EXPECT_EQ(Send(m, WithLength("abc"))->status, 411);
  EXPECT_FALSE(Send(m, WithLength("12")).has_value());
}

TEST(RequestSizeLimiting, NoLengthPassesUnlessBufferedBodyIsTooBig) {
  auto m = Make(R"({"allowed_payload_size":4,"size_unit":"bytes"})");
  http::Request req;
  req.method = http::Method::kPost;
  req.headers.Set("Transfer-Encoding", "chunked");
  EXPECT_FALSE(Send(m, req).has_value());
  req.body = "12345";
  EXPECT_FALSE(Send(m, req, /*buffered=*/false).has_value());
  auto r = Send(m, req, /*buffered=*/true);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 413);
}

TEST(RequestSizeLimiting, StreamedBodyLimitIsTheConfiguredSize) {
  Config config;
  http::Request req;
  req.method = http::Method::kPost;
  req.headers.Set("Transfer-Encoding", "chunked");
  RequestContext ctx{.request = req, .config = config};
  ctx.request_id = "rid";

  auto kb = Make(R"({"allowed_payload_size":3,"size_unit":"kilobytes"})");
  EXPECT_EQ(kb.plugin->MaxRequestBodyBytes(ctx), std::optional<std::uint64_t>(3 * 1024));
  auto mb = Make("{}");
  EXPECT_EQ(mb.plugin->MaxRequestBodyBytes(ctx), std::optional<std::uint64_t>(128ull << 20));

  auto too_large = kb.plugin->RequestBodyTooLarge(ctx);
  EXPECT_EQ(too_large.status, 413);
  EXPECT_EQ(too_large.body, R"({"message":"Request size limit exceeded","request_id":"rid"})");
  req.headers.Set("Expect", "100-continue");
  EXPECT_EQ(kb.plugin->RequestBodyTooLarge(ctx).status, 417);
}

TEST(RequestSizeLimiting, RejectsBadConfigWithFieldPaths) {
  auto m = Make(R"({"allowed_payload_size":1.5,"size_unit":"gigabytes","require_content_length":"no","z":1})");
  EXPECT_EQ(m.plugin, nullptr);
  ASSERT_EQ(m.issues.size(), 4u);
  EXPECT_EQ(m.issues[0].field, "config.allowed_payload_size");
  EXPECT_EQ(m.issues[0].message, "expected an integer");
  EXPECT_EQ(m.issues[1].field, "config.size_unit");
  EXPECT_EQ(m.issues[1].message, "expected one of: megabytes, kilobytes, bytes");
  EXPECT_EQ(m.issues[2].field, "config.require_content_length");
  EXPECT_EQ(m.issues[3].field, "config.z");
}

}  // namespace
}  // namespace comptoir::gateway::plugins
