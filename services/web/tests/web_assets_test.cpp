// Unit tests of the web service's answers: which paths are pages, encodings, cache rules, validators.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "assets.hpp"

namespace comptoir::web {
namespace {

http::Headers With(std::initializer_list<std::pair<std::string_view, std::string_view>> list) {
  http::Headers h;
  for (const auto& [k, v] : list) h.Add(k, v);
  return h;
}

AssetStore Sample() {
  return AssetStore::FromFiles({{"/index.html", "<!doctype html><title>Comptoir</title>"},
                                {"/index.html.gz", "GZ-INDEX"},
                                {"/index.html.br", "BR-INDEX"},
                                {"/assets/index-3f2a.js", "console.log(1)"},
                                {"/assets/index-3f2a.js.gz", "GZ-JS"},
                                {"/assets/logo-aa.png", "PNG"},
                                {"/favicon.svg", "<svg/>"},
                                {"/lone.txt.gz", "no base file"}});
}

TEST(Classify, PagesFilesAndNothing) {
  EXPECT_EQ(Classify("/"), PathKind::kPage);
  EXPECT_EQ(Classify("/panier"), PathKind::kPage);
  EXPECT_EQ(Classify("/gestion/ventes/12"), PathKind::kPage);
  EXPECT_EQ(Classify("/assets/index-3f2a.js"), PathKind::kFile);
  EXPECT_EQ(Classify("/assets/noextension"), PathKind::kFile);
  EXPECT_EQ(Classify("/favicon.svg"), PathKind::kFile);
  // An API typo is a 404 for the API client, not the shop's page.
  EXPECT_EQ(Classify("/api"), PathKind::kNone);
  EXPECT_EQ(Classify("/api/v1/produits"), PathKind::kNone);
  for (const char* bad : {"", "panier", "/../etc/passwd", "/assets/..%2f", "/a//b", "/a\\b"}) {
    EXPECT_EQ(Classify(bad), PathKind::kNone) << bad;
  }
}

TEST(ChooseEncoding, FollowsAcceptEncodingAndWhatExists) {
  EXPECT_EQ(ChooseEncoding("gzip, deflate, br", true, true), "br");
  EXPECT_EQ(ChooseEncoding("gzip, deflate, br", false, true), "gzip");
  EXPECT_EQ(ChooseEncoding("gzip", true, true), "gzip");
  EXPECT_EQ(ChooseEncoding("br;q=0.5, gzip;q=0.9", true, true), "gzip");
  EXPECT_EQ(ChooseEncoding("br;q=0, gzip", true, true), "gzip");
  EXPECT_EQ(ChooseEncoding("*", true, true), "br");
  EXPECT_EQ(ChooseEncoding("*;q=0", true, true), "");
  EXPECT_EQ(ChooseEncoding("identity", true, true), "");
  EXPECT_EQ(ChooseEncoding("", true, true), "");
  EXPECT_EQ(ChooseEncoding("GZIP", false, true), "gzip");
  EXPECT_EQ(ChooseEncoding("br", false, false), "");
}

TEST(Answer, PagesAreIndexHtmlRevalidatedAndCompressed) {
  auto store = Sample();
  auto r = store.Answer("/gestion/tableau-de-bord", With({{"Accept-Encoding", "gzip, br"}}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "BR-INDEX");
  EXPECT_EQ(r->headers.Get("Content-Encoding"), "br");
  EXPECT_EQ(r->headers.Get("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(r->headers.Get("Cache-Control"), "no-cache");
  EXPECT_EQ(r->headers.Get("Vary"), "Accept-Encoding");
  EXPECT_EQ(r->headers.Get("Content-Security-Policy"), kContentSecurityPolicy);
  EXPECT_EQ(r->headers.Get("X-Content-Type-Options"), "nosniff");

  auto plain = store.Answer("/", {});
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->body, "<!doctype html><title>Comptoir</title>");
  EXPECT_FALSE(plain->headers.Has("Content-Encoding"));
}

TEST(Answer, HashedAssetsAreImmutable) {
  auto store = Sample();
  auto r = store.Answer("/assets/index-3f2a.js", With({{"Accept-Encoding", "br, gzip"}}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "GZ-JS");  // no .br variant was built for it
  EXPECT_EQ(r->headers.Get("Content-Encoding"), "gzip");
  EXPECT_EQ(r->headers.Get("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(r->headers.Get("Content-Type"), "text/javascript; charset=utf-8");

  auto png = store.Answer("/assets/logo-aa.png", With({{"Accept-Encoding", "gzip"}}));
  ASSERT_TRUE(png);
  EXPECT_EQ(png->body, "PNG");
  EXPECT_FALSE(png->headers.Has("Vary"));
  EXPECT_EQ(store.Answer("/favicon.svg", {})->headers.Get("Cache-Control"), "public, max-age=3600");
}

TEST(Answer, UnknownFilesAndVariantsAreNotServed) {
  auto store = Sample();
  EXPECT_FALSE(store.Answer("/assets/missing-1.js", {}));
  EXPECT_FALSE(store.Answer("/robots.txt", {}));
  EXPECT_FALSE(store.Answer("/index.html.gz", {}));
  EXPECT_FALSE(store.Answer("/lone.txt", {}));
  EXPECT_FALSE(store.Answer("/api/v1/products", {}));
}

TEST(Answer, IfNoneMatchGivesNotModifiedPerRepresentation) {
  auto store = Sample();
  auto first = store.Answer("/", With({{"Accept-Encoding", "br"}}));
  ASSERT_TRUE(first);
  const std::string etag(*first->headers.Get("ETag"));
  EXPECT_TRUE(etag.ends_with("-br\""));
  auto again = store.Answer("/panier", With({{"Accept-Encoding", "br"}, {"If-None-Match", etag}}));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 304);
  EXPECT_TRUE(again->body.empty());
  EXPECT_EQ(again->headers.Get("ETag"), etag);
  // A weak form and a list match too; the identity representation has another validator.
  EXPECT_EQ(store.Answer("/", With({{"Accept-Encoding", "br"}, {"If-None-Match", "\"x\", W/" + etag}}))->status, 304);
  EXPECT_EQ(store.Answer("/", With({{"If-None-Match", etag}}))->status, 200);
  EXPECT_EQ(store.Answer("/", With({{"If-None-Match", "\"other\""}}))->status, 200);
}

TEST(AssetStore, LoadsADirectoryAndRefusesOneWithoutIndex) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("web_assets_test_" + std::to_string(::getpid()));
  fs::create_directories(dir / "assets");
  fs::create_directories(dir / ".vite");
  std::ofstream(dir / "assets" / "a-1.css") << "body{}";
  std::ofstream(dir / ".vite" / "manifest.json") << "{}";
  EXPECT_THROW(AssetStore::Load(dir.string()), std::runtime_error);
  std::ofstream(dir / "index.html") << "<!doctype html>";
  auto store = AssetStore::Load(dir.string());
  EXPECT_EQ(store.size(), 2U);  // the build's own .vite/ directory is not served
  EXPECT_NE(store.Find("/assets/a-1.css"), nullptr);
  EXPECT_EQ(store.Find("/.vite/manifest.json"), nullptr);
  EXPECT_THROW(AssetStore::Load((dir / "nope").string()), std::runtime_error);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace comptoir::web
