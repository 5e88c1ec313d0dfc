// A build without test hooks (COMPTOIR_TEST_HOOKS OFF: the release preset) has no crash hook (ADR 0053): its
// binary does not contain the settings' names, and setting them changes nothing — not even a wrong value stops the
// service from starting, since nothing reads it. Run against $COMPTOIR_BIN_UNDER_TEST: in a test build the program
// linked without the hooks (comptoir-without-test-hooks), in a release build `comptoir` itself.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "comptoir/auth/auth.hpp"
#include "comptoir/testing/http.hpp"
#include "comptoir/testing/pg.hpp"
#include "comptoir/testing/platform.hpp"
#include "comptoir/testing/process.hpp"

namespace comptoir::order {
namespace {

namespace json = boost::json;
using testing::HttpResult;

// Whether the file holds `needle`, read in 4 MiB chunks (the binaries weigh hundreds of MB under ASan).
bool FileContains(const std::string& path, std::string_view needle) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << "cannot read " << path;
  std::string window;
  std::vector<char> chunk(4 << 20);
  while (in) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    window.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
    if (window.find(needle) != std::string::npos) return true;
    if (window.size() > needle.size()) window.erase(0, window.size() - needle.size());  // keep a straddling match
  }
  return false;
}

std::string UnderTest() {
  const char* bin = std::getenv("COMPTOIR_BIN_UNDER_TEST");
  return bin != nullptr ? bin : "";
}

TEST(NoTestHooks, TheBinaryDoesNotContainTheCrashSettings) {
  ASSERT_FALSE(UnderTest().empty()) << "COMPTOIR_BIN_UNDER_TEST must name the binary built without test hooks";
  ASSERT_GT(std::filesystem::file_size(UnderTest()), 1'000'000u);
  EXPECT_FALSE(FileContains(UnderTest(), "crash_after_step"));
  EXPECT_FALSE(FileContains(UnderTest(), "crash_key_prefix"));
  EXPECT_FALSE(FileContains(UnderTest(), "test crash hook"));
  // What makes the search worth something: the test build's own binary has them.
  if (UnderTest() != testing::ComptoirBin()) {
    EXPECT_TRUE(FileContains(testing::ComptoirBin(), "crash_after_step"));
  }
}

TEST(NoTestHooks, TheCrashSettingsAreIgnoredAndACheckoutCompletes) {
  ASSERT_FALSE(UnderTest().empty());
  ::setenv("COMPTOIR_BIN", UnderTest().c_str(), 1);  // every process of the platform runs the binary under test
  // A test build would refuse "not-a-step" at start, and exit after recording `charged` for a key crash-charged-*.
  testing::Platform platform(testing::PlatformOptions{.services = {"customer", "product", "inventory", "cart", "payment",
                                                                   "order"},
                                                      .gateway = false,
                                                      .name = "order_nohooks",
                                                      .env = {{"COMPTOIR_ORDER_CRASH_AFTER_STEP", "charged,not-a-step"},
                                                              {"COMPTOIR_ORDER_CRASH_KEY_PREFIX", "crash-"}}});

  std::string token = platform.Auth().Token(auth::Role::kCustomer, "990001");
  auto cart = [&](const std::string& method, const std::string& target, const std::string& body = {}) {
    return testing::Http(static_cast<std::uint16_t>(platform.Port("cart")), method, target, body,
                         {{"Authorization", "Bearer " + token}});
  };
  HttpResult own = cart("GET", "/api/v1/cart");
  ASSERT_EQ(own.status, 200) << own.body;
  std::string cart_id(json::parse(own.body).at("id").as_string());
  HttpResult added = cart("POST", "/api/v1/carts/" + cart_id + "/items", R"({"product_id": 12, "quantity": 1})");
  ASSERT_EQ(added.status, 200) << added.body;

  std::string body =
      json::serialize(json::object{{"cart_id", cart_id},
                                   {"shipping_address", json::object{{"line1", "7250, boulevard des Roseraies"},
                                                                     {"city", "Montréal"},
                                                                     {"province", "QC"},
                                                                     {"postal_code", "H1M 2T6"}}},
                                   {"payment", json::object{{"method", "card"}, {"card_number", "4242424242424242"}}}});
  HttpResult placed =
      testing::Http(static_cast<std::uint16_t>(platform.Port("order")), "POST", "/api/v1/checkout", body,
                    {{"Authorization", "Bearer " + token}, {"Idempotency-Key", "crash-charged-1"}});
  ASSERT_EQ(placed.status, 201) << placed.body;
  EXPECT_EQ(std::string(json::parse(placed.body).at("status").as_string()), "paid");
  EXPECT_EQ(testing::Http(static_cast<std::uint16_t>(platform.Port("order")), "GET", "/health").status, 200);
  EXPECT_EQ(testing::QueryValue(platform.Conninfo("order"),
                                "SELECT step FROM checkouts WHERE idempotency_key = 'crash-charged-1'"),
            "completed");
}

}  // namespace
}  // namespace comptoir::order
