// Unit tests of the barcode rules (ADR 0170) with published GS1 examples. No I/O.
#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "api/json.hpp"
#include "comptoir/error.hpp"
#include "domain/barcode.hpp"

namespace comptoir::product {
namespace {

std::string Code(std::string_view code) {
  try {
    ReadScan(code);
  } catch (const ApiError& e) {
    return e.code() + ": " + e.what();
  }
  return "";
}

TEST(Gs1CheckDigit, PublishedExamples) {
  EXPECT_EQ(Gs1CheckDigit("400638133393"), 1);  // EAN-13 4006381333931 (the usual EAN-13 example)
  EXPECT_EQ(Gs1CheckDigit("950110153100"), 0);  // GS1's example GTIN-13 9501101531000
  EXPECT_EQ(Gs1CheckDigit("03600024145"), 7);   // UPC-A 036000241457
  EXPECT_EQ(Gs1CheckDigit("754000100001"), 0);  // the demo catalogue's iPhone
}

TEST(Gs1CheckDigit, PriceVerifierDigitsOfGs1Section793) {
  EXPECT_EQ(PriceCheckDigit4("2875"), 9);   // GS1 General Specifications §7.9.3, four-digit price field
  EXPECT_EQ(PriceCheckDigit5("14685"), 6);  // idem, five-digit price field
  EXPECT_EQ(PriceCheckDigit4("0000"), 0);
  EXPECT_EQ(PriceCheckDigit5("00000"), 0);
  EXPECT_EQ(PriceCheckDigit5("01234"), 1);  // the demo fromage label below
}

TEST(GtinProblem, AcceptsEan13AndUpcA) {
  std::string gtin;
  EXPECT_FALSE(GtinProblem("4006381333931", &gtin));
  EXPECT_EQ(gtin, "4006381333931");
  EXPECT_FALSE(GtinProblem("036000241457", &gtin));
  EXPECT_EQ(gtin, "0036000241457");  // UPC-A is EAN-13 with a leading 0
}

TEST(GtinProblem, RefusesWrongCheckDigitLengthAndLetters) {
  auto wrong = GtinProblem("4006381333932");
  ASSERT_TRUE(wrong);
  EXPECT_NE(wrong->find("GS1 mod-10 gives 1"), std::string::npos) << *wrong;
  EXPECT_TRUE(GtinProblem("036000241458"));
  EXPECT_TRUE(GtinProblem("40063813339"));
  EXPECT_TRUE(GtinProblem("40063813339311"));
  EXPECT_TRUE(GtinProblem("400638133393A"));
  EXPECT_TRUE(GtinProblem(""));
}

TEST(ReadScan, GtinIsNotPriceEmbedded) {
  Scan scan = ReadScan("4006381333931");
  EXPECT_FALSE(scan.price_embedded);
  EXPECT_EQ(scan.gtin, "4006381333931");
}

TEST(ReadScan, PrefixTwoCarriesItemCodeAndFiveDigitPrice) {
  // 2 10001 1 01234 9: Fromage Oka, 12,34 $
  Scan scan = ReadScan("2100011012349");
  EXPECT_TRUE(scan.price_embedded);
  EXPECT_EQ(scan.item_code, "10001");
  EXPECT_EQ(scan.embedded_price_cents, 1234);
  Scan gs1 = ReadScan("2000426146854");  // 2 00042 6 14685 4: item 00042, 146,85 $ (GS1's five-digit example), verifier 6
  EXPECT_EQ(gs1.item_code, "00042");
  EXPECT_EQ(gs1.embedded_price_cents, 14685);
}

TEST(ReadScan, PrefixZeroTwoIsUpcNumberSystemTwoWithFourDigitPrice) {
  // UPC-A 2 10001 9 1234 3 (12 digits) and its EAN-13 form 0210001912343: the same label.
  for (const char* code : {"210001912343", "0210001912343"}) {
    Scan scan = ReadScan(code);
    EXPECT_TRUE(scan.price_embedded) << code;
    EXPECT_EQ(scan.item_code, "10001");
    EXPECT_EQ(scan.embedded_price_cents, 1234);
  }
  Scan gs1 = ReadScan("0200042928755");  // item 00042, GS1's four-digit example price 28,75 $, verifier 9
  EXPECT_EQ(gs1.embedded_price_cents, 2875);
}

TEST(ReadScan, RefusesAWrongPriceVerifierEvenWithARightCheckDigit) {
  // Verifier 2 instead of 1 for 01234; the final check digit recomputed so that only the verifier is wrong.
  std::string body = "210001201234";
  std::string code = body + std::to_string(Gs1CheckDigit(body));
  EXPECT_NE(Code(code).find("product.invalid_barcode: "), std::string::npos);
  EXPECT_NE(Code(code).find("price verifier"), std::string::npos) << Code(code);
  EXPECT_NE(Code("2100011012348").find("check digit"), std::string::npos);
}

TEST(ProductBody, BarcodeIsNormalisedAndCheckedWithTheField) {
  auto body = boost::json::parse(R"({"sku":"X-1","name":"x","price_cents":1,"barcode":"036000241457"})");
  ProductChange change = ParseProductBody(body, ProductBodyMode::kCreate);
  ASSERT_TRUE(change.barcode && *change.barcode);
  EXPECT_EQ(**change.barcode, "0036000241457");
  for (const char* bad : {R"("4006381333932")", R"("2100011012349")", R"("12")", "12"}) {
    auto wrong = boost::json::parse(std::string(R"({"sku":"X-1","name":"x","price_cents":1,"barcode":)") + bad + "}");
    try {
      ParseProductBody(wrong, ProductBodyMode::kCreate);
      ADD_FAILURE() << bad << " accepted";
    } catch (const ApiError& e) {
      EXPECT_EQ(e.code(), "product.invalid");
      ASSERT_FALSE(e.fields().empty());
      EXPECT_EQ(e.fields()[0].field, "barcode");
    }
  }
  auto scale = boost::json::parse(R"({"sku":"X-1","name":"x","price_cents":1,"scale_code":"1234"})");
  EXPECT_THROW(ParseProductBody(scale, ProductBodyMode::kCreate), ApiError);
}

}  // namespace
}  // namespace comptoir::product
