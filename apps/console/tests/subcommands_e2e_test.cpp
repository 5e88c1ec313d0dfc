// End to end: every operation as a non-interactive subcommand with --json, against the same real
// platform as the screens' tests.
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "comptoir/console/format.hpp"
#include "tests/e2e.hpp"

namespace comptoir::console::testing {
namespace {

boost::json::value Json(const std::string& out) {
  boost::system::error_code ec;
  auto v = boost::json::parse(out, ec);
  EXPECT_FALSE(ec) << "not JSON: " << out;
  return v;
}
std::int64_t Int(const boost::json::value& v, std::string_view key) {
  return v.at(key).to_number<std::int64_t>();
}

TEST(Subcommands, SignInSellAndReprintAsJson) {
  Home home("cli-sale");
  std::string out;
  EXPECT_EQ(Console(home, {"login", "--email", "cashier.mile-end@comptoir.local", "--password", "mauvais"}, out), 1)
      << out;
  ASSERT_EQ(
      Console(home, {"--json", "login", "--email", "cashier.mile-end@comptoir.local", "--password", "comptoir-demo"},
              out),
      0)
      << out;
  EXPECT_EQ(Json(out).at("role"), "cashier");
  EXPECT_EQ(Int(Json(out), "location_id"), 4);
  ASSERT_EQ(Console(home, {"--json", "whoami"}, out), 0) << out;
  EXPECT_EQ(Json(out).at("email"), "cashier.mile-end@comptoir.local");

  const auto before = OnHand(4, 6);
  ASSERT_EQ(Console(home, {"--json", "sale", "--item", "VETE-0002:2", "--pay", "debit:50", "--pay", "cash:100"}, out),
            0)
      << out;
  auto receipt = Json(out);
  // 2 × 59.99 = 119.98; GST 6.00 (5.999); QST 11.97 (11.968…); total 137.95; debit 50, cash due 87.95.
  EXPECT_EQ(Int(receipt, "subtotal_cents"), 11998);
  EXPECT_EQ(Int(receipt, "gst_cents"), 600);
  EXPECT_EQ(Int(receipt, "qst_cents"), 1197);
  EXPECT_EQ(Int(receipt, "total_cents"), 13795);
  EXPECT_EQ(Int(receipt, "change_cents"), 1205);
  EXPECT_EQ(OnHand(4, 6), before - 2);
  const std::string number(receipt.at("receipt_number").as_string());
  ASSERT_EQ(Console(home, {"reprint", number}, out), 0) << out;
  EXPECT_NE(out.find("*** COPIE ***"), std::string::npos) << out;
  EXPECT_NE(out.find("Débit"), std::string::npos) << out;

  // A gift card pays part, cash the rest: Café 12.99 (zero-rated) → gift card 10, cash due 2.99 → 3.00.
  ASSERT_EQ(Console(home,
                    {"--json", "sale", "--item", "ALIM-0001", "--pay", "gift_card:10:GC-M5WH-9SD0-RR8Q-PRQZ:314159",
                     "--pay", "cash:5"},
                    out),
            0)
      << out;
  EXPECT_EQ(Int(Json(out), "total_cents"), 1299);
  EXPECT_EQ(Int(Json(out), "gst_cents"), 0);
  EXPECT_EQ(Int(Json(out), "qst_cents"), 0);
  EXPECT_EQ(Int(Json(out), "cash_rounding_cents"), 1);
  EXPECT_EQ(Int(Json(out), "change_cents"), 200);
  EXPECT_EQ(Console(home, {"sale", "--item", "ALIM-0001", "--pay", "gift_card:12,99:GC-M5WH-9SD0-RR8Q-PRQZ"}, out), 2)
      << out;  // the PIN is required
  EXPECT_EQ(
      Console(home, {"sale", "--item", "ALIM-0001", "--pay", "gift_card:12,99:GC-M5WH-9SD0-RR8Q-PRQZ:000000"}, out), 1)
      << out;
  EXPECT_NE(out.find("Carte-cadeau refusée (code ou NIP)."), std::string::npos) << out;  // the PIN, not the amount

  // A customer by e-mail, then by phone: the receipt carries their id; an unknown one is refused.
  ASSERT_EQ(Console(home, {"--json", "customer", "jean.dupont@example.com"}, out), 0) << out;
  const auto customer = Int(Json(out), "id");
  ASSERT_EQ(
      Console(home, {"--json", "sale", "--item", "ALIM-0002", "--pay", "cash:10", "--customer", "514-555-0101"}, out),
      0)
      << out;
  EXPECT_EQ(Int(Json(out), "customer_id"), customer) << out;
  EXPECT_EQ(
      Console(home, {"sale", "--item", "ALIM-0002", "--pay", "cash:10", "--customer", "personne@example.com"}, out), 1)
      << out;
  EXPECT_NE(out.find("Aucun client pour personne@example.com"), std::string::npos) << out;

  // Refusals: a card larger than the total, a code that does not exist, bad usage.
  EXPECT_EQ(Console(home, {"sale", "--item", "ALIM-0001", "--pay", "card:13"}, out), 1) << out;
  EXPECT_NE(out.find("ne peuvent dépasser le total"), std::string::npos) << out;
  EXPECT_EQ(Console(home, {"--json", "sale", "--item", "NOPE-9999", "--pay", "cash:20"}, out), 1) << out;
  EXPECT_EQ(Console(home, {"sale", "--item", "ALIM-0001", "--pay", "cash:vingt"}, out), 2) << out;

  // A card sale refunded in cash: only with a manager's approval, signed in at the till for it.
  ASSERT_EQ(Console(home, {"--json", "sale", "--item", "ALIM-0001", "--pay", "card:12,99"}, out), 0) << out;
  const std::string card_sale(Json(out).at("receipt_number").as_string());
  EXPECT_EQ(Console(home, {"--json", "return", card_sale, "--item", "9:1", "--refund-method", "cash"}, out), 1) << out;
  EXPECT_EQ(Json(out).at("code"), "sales.manager_approval_required") << out;
  EXPECT_EQ(Console(home,
                    {"--json", "return", card_sale, "--item", "9:1", "--refund-method", "cash", "--manager-email",
                     "manager@comptoir.local", "--manager-password", "mauvais"},
                    out),
            1)
      << out;
  ASSERT_EQ(Console(home,
                    {"--json", "return", card_sale, "--item", "9:1", "--refund-method", "cash", "--manager-email",
                     "manager@comptoir.local", "--manager-password", "comptoir-demo"},
                    out),
            0)
      << out;
  const auto refund = Json(out);
  ASSERT_EQ(refund.at("tenders").as_array().size(), 1u) << out;
  EXPECT_EQ(refund.at("tenders").as_array()[0].at("refunded_as"), "cash") << out;
  EXPECT_EQ(Int(refund, "cash_paid_cents"), 1300) << out;  // 12.99 handed back as 13.00
  EXPECT_EQ(OnHand(4, 6), before - 2);
}

TEST(Subcommands, OfflineSalesWaitInTheJournalAndCardIsRefused) {
  Home home("cli-offline");
  std::string out;
  ASSERT_EQ(Console(home, {"login", "--email", "cashier.westmount@comptoir.local", "--password", "comptoir-demo"}, out),
            0)
      << out;
  const auto before = OnHand(5, 11);
  auto down = std::make_unique<GatewayDown>();
  ASSERT_EQ(Console(home, {"--json", "sale", "--item", "ALIM-0003:2", "--pay", "cash:25"}, out), 0) << out;
  EXPECT_EQ(Json(out).at("state"), "offline");
  // Thé Vert is zero-rated (ADR 0140), from the synced catalogue: 2 × 8.99 = 17.98 → 18.00 in cash: change 7.00.
  EXPECT_EQ(Int(Json(out), "total_cents"), 1798);
  EXPECT_EQ(Int(Json(out), "change_cents"), 700);
  ASSERT_EQ(Console(home, {"--json", "status"}, out), 0) << out;
  EXPECT_EQ(Json(out).at("online"), false);
  EXPECT_EQ(Int(Json(out), "pending"), 1);
  EXPECT_EQ(Json(out).at("indicator"), "HORS LIGNE — 1 ventes en attente");
  EXPECT_EQ(Console(home, {"sale", "--item", "ALIM-0003", "--pay", "card:8,99"}, out), 1) << out;
  EXPECT_NE(out.find("comptant seulement"), std::string::npos) << out;
  EXPECT_EQ(Console(home, {"dashboard"}, out), 3) << out;  // the platform is unreachable
  down.reset();
  ASSERT_EQ(Console(home, {"--json", "sync"}, out), 0) << out;
  EXPECT_EQ(Int(Json(out), "sent"), 1) << out;
  EXPECT_EQ(Int(Json(out), "pending"), 0) << out;
  EXPECT_EQ(OnHand(5, 11), before - 2);
  // The server priced it as the till did: no discrepancy.
  ASSERT_EQ(Console(home, {"--json", "status"}, out), 0) << out;
  EXPECT_EQ(Int(Json(out), "discrepancies"), 0) << out;
  ASSERT_EQ(Console(home, {"--json", "sync"}, out), 0) << out;
  EXPECT_EQ(Int(Json(out), "sent"), 0) << out;
}

TEST(Subcommands, WithTheSalesServiceDownTheTillSellsOfflineToo) {
  Home home("cli-service-down");
  std::string out;
  ASSERT_EQ(Console(home, {"login", "--email", "cashier.mile-end@comptoir.local", "--password", "comptoir-demo"}, out),
            0)
      << out;
  const auto before = OnHand(4, 16);
  struct SalesDown {
    SalesDown() { ThePlatform().StopService("sales"); }
    ~SalesDown() { ThePlatform().StartService("sales"); }
  };
  {
    SalesDown down;  // the gateway answers 502/503 for /api/v1/sales
    ASSERT_EQ(Console(home, {"--json", "sale", "--item", "SPOR-0001", "--pay", "cash:40"}, out), 0) << out;
    EXPECT_EQ(Json(out).at("state"), "offline") << out;
    ASSERT_EQ(Console(home, {"--json", "status"}, out), 0) << out;
    EXPECT_EQ(Int(Json(out), "pending"), 1) << out;
  }
  ASSERT_EQ(Console(home, {"--json", "sync"}, out), 0) << out;
  EXPECT_EQ(Int(Json(out), "sent"), 1) << out;
  EXPECT_EQ(OnHand(4, 16), before - 1);
}

TEST(Subcommands, AShortOfflineReplayIsKeptAndShownAsADiscrepancy) {
  Home home("cli-short");
  std::string out;
  ASSERT_EQ(
      Console(home, {"login", "--email", "cashier.vieux-montreal@comptoir.local", "--password", "comptoir-demo"}, out),
      0)
      << out;
  const auto lamps = OnHand(1, 15);
  {
    GatewayDown down;
    ASSERT_EQ(
        Console(home, {"--json", "sale", "--item", "MAIS-0003:" + std::to_string(lamps + 2), "--pay", "cash:5000"},
                out),
        0)
        << out;
  }
  ASSERT_EQ(Console(home, {"--json", "sync"}, out), 0) << out;
  EXPECT_EQ(Int(Json(out), "sent"), 1) << out;
  EXPECT_EQ(OnHand(1, 15), 0);  // what there was left the ledger; the rest is recorded short
  ASSERT_EQ(Console(home, {"--json", "discrepancies"}, out), 0) << out;
  const auto listed = Json(out);
  const auto& d = listed.at("data").as_array();
  ASSERT_EQ(d.size(), 1u) << out;
  ASSERT_EQ(Console(home, {"discrepancies"}, out), 0) << out;
  EXPECT_NE(out.find("2 Lampe LED hors stock"), std::string::npos) << out;
  // Only a manager or an admin settles it: the cashier is refused, in French, and it stays.
  const std::string seq = std::to_string(Int(d[0], "seq"));
  EXPECT_EQ(Console(home, {"resolve", seq, "--note", "recompté"}, out), 1) << out;
  EXPECT_NE(out.find("Seul un gérant ou un administrateur peut régler un écart."), std::string::npos) << out;
  ASSERT_EQ(Console(home, {"--json", "discrepancies"}, out), 0) << out;
  ASSERT_EQ(Json(out).at("data").as_array().size(), 1u) << out;
  ASSERT_EQ(Console(home, {"logout"}, out), 0) << out;
  EXPECT_EQ(Console(home, {"resolve", seq, "--note", "recompté"}, out), 1) << out;  // nobody signed in
  ASSERT_EQ(Console(home, {"login", "--email", "manager@comptoir.local", "--password", "comptoir-demo"}, out), 0)
      << out;
  ASSERT_EQ(Console(home, {"--json", "resolve", seq, "--note", "recompté"}, out), 0) << out;
  EXPECT_EQ(Json(out).at("resolved"), true) << out;
  ASSERT_EQ(Console(home, {"--json", "discrepancies"}, out), 0) << out;
  EXPECT_TRUE(Json(out).at("data").as_array().empty()) << out;
  auto flagged = ManagerGet("/api/v1/sales?location_id=1&short_stock=true");
  EXPECT_GE(flagged.at("data").as_array().size(), 1u);
}

TEST(Subcommands, RestockRegisterAndReportsAcrossRoles) {
  Home store("cli-store");
  Home centre("cli-centre");
  Home office("cli-office");
  std::string out;
  ASSERT_EQ(Console(store, {"login", "--email", "cashier.plateau@comptoir.local", "--password", "comptoir-demo"}, out),
            0);
  ASSERT_EQ(Console(centre, {"login", "--email", "logistics@comptoir.local", "--password", "comptoir-demo"}, out), 0);
  ASSERT_EQ(Console(office, {"login", "--email", "admin@comptoir.local", "--password", "comptoir-demo"}, out), 0);

  ASSERT_EQ(Console(store, {"--json", "restock", "create", "--item", "16:5", "--note", "ballons"}, out), 0) << out;
  const std::string id = std::to_string(Int(Json(out), "id"));
  EXPECT_EQ(Console(store, {"restock", "approve", id}, out), 1) << out;  // a cashier does not approve
  ASSERT_EQ(Console(centre, {"--json", "restock", "reject", id, "--reason", "rupture"}, out), 0) << out;
  EXPECT_EQ(Json(out).at("status"), "rejected");
  ASSERT_EQ(Console(store, {"--json", "restock", "create", "--item", "16:5"}, out), 0) << out;
  const std::string id2 = std::to_string(Int(Json(out), "id"));
  ASSERT_EQ(Console(centre, {"--json", "restock", "approve", id2}, out), 0) << out;  // all of it
  ASSERT_EQ(Console(centre, {"--json", "restock", "ship", id2}, out), 0) << out;
  const auto before = OnHand(2, 16);
  ASSERT_EQ(Console(store, {"--json", "restock", "receive", id2}, out), 0) << out;
  EXPECT_EQ(Json(out).at("status"), "received");
  EXPECT_EQ(OnHand(2, 16), before + 5);
  ASSERT_EQ(Console(centre, {"restock", "list", "--status", "received"}, out), 0) << out;
  EXPECT_NE(out.find("Plateau Mont-Royal"), std::string::npos) << out;

  ASSERT_EQ(Console(store, {"--json", "register", "open", "--float", "150"}, out), 0) << out;
  ASSERT_EQ(Console(store, {"--json", "sale", "--item", "ALIM-0002", "--pay", "cash:10"}, out), 0) << out;
  ASSERT_EQ(Console(store, {"--json", "register", "close", "--counted", "156"}, out), 0) << out;
  EXPECT_EQ(Int(Json(out), "expected_cash_cents"), 15575);
  EXPECT_EQ(Int(Json(out), "over_short_cents"), 25);

  ASSERT_EQ(Console(centre,
                    {"--json", "adjust", "--location", "6", "--product", "16", "--quantity", "-1", "--reason", "casse",
                     "--note", "ballon crevé"},
                    out),
            0)
      << out;
  ASSERT_EQ(Console(centre, {"movements", "--product", "16", "--location", "6"}, out), 0) << out;
  EXPECT_NE(out.find("ballon crevé"), std::string::npos) << out;
  ASSERT_EQ(Console(centre, {"centre-stock"}, out), 0) << out;

  ASSERT_EQ(Console(office, {"dashboard"}, out), 0) << out;
  EXPECT_NE(out.find("Mile End"), std::string::npos) << out;
  EXPECT_NE(out.find("TOTAL"), std::string::npos) << out;
  const std::string csv = office.path + "/ventes.csv";
  ASSERT_EQ(Console(office, {"report", "sales", "--group-by", "location", "--csv", csv}, out), 0) << out;
  std::ifstream in(csv);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("location_id"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("Westmount"), std::string::npos) << text.str();
  ASSERT_EQ(Console(office, {"report", "top", "--limit", "3"}, out), 0) << out;
  ASSERT_EQ(
      Console(office, {"--json", "product", "create", "--sku", "TEST-CONSOLE-1", "--name", "Tasse", "--price", "9,99"},
              out),
      0)
      << out;
  const std::string product = std::to_string(Int(Json(out), "id"));
  ASSERT_EQ(Console(office, {"--json", "product", "price", product, "11,49"}, out), 0) << out;
  EXPECT_EQ(Int(Json(out), "price_cents"), 1149);
  ASSERT_EQ(Console(office, {"product", "archive", product}, out), 0) << out;
  EXPECT_EQ(ManagerGet("/api/v1/products/" + product).at("active"), false);
  ASSERT_EQ(
      Console(office,
              {"--json", "staff", "create", "--email", "nouveau.caissier@comptoir.local", "--password", "motdepasse-1",
               "--first-name", "Nouveau", "--last-name", "Caissier", "--role", "cashier", "--location", "4"},
              out),
      0)
      << out;
  const std::string staff_id = std::to_string(Int(Json(out), "id"));
  ASSERT_EQ(Console(office, {"staff", "list"}, out), 0) << out;
  EXPECT_NE(out.find("nouveau.caissier@comptoir.local"), std::string::npos) << out;
  Home newcomer("cli-newcomer");
  ASSERT_EQ(
      Console(newcomer, {"login", "--email", "nouveau.caissier@comptoir.local", "--password", "motdepasse-1"}, out), 0)
      << out;
  ASSERT_EQ(Console(office, {"--json", "staff", "disable", staff_id}, out), 0) << out;
  EXPECT_EQ(Json(out).at("active"), false) << out;
  EXPECT_EQ(
      Console(newcomer, {"login", "--email", "nouveau.caissier@comptoir.local", "--password", "motdepasse-1"}, out), 1)
      << out;
  ASSERT_EQ(Console(office, {"staff", "list"}, out), 0) << out;
  EXPECT_NE(out.find("désactivé"), std::string::npos) << out;
  ASSERT_EQ(Console(office, {"--json", "staff", "enable", staff_id}, out), 0) << out;
  EXPECT_EQ(
      Console(newcomer, {"login", "--email", "nouveau.caissier@comptoir.local", "--password", "motdepasse-1"}, out), 0)
      << out;
}

// Issue 15: the server's receipt in every format, written to a printer device or file, and sent by e-mail.
TEST(Subcommands, ReceiptInAnyFormatAndByEmail) {
  Home home("cli-receipt");
  std::string out;
  ASSERT_EQ(Console(home, {"login", "--email", "cashier.mile-end@comptoir.local", "--password", "comptoir-demo"}, out),
            0)
      << out;
  ASSERT_EQ(Console(home, {"--json", "sale", "--item", "VETE-0001", "--pay", "cash:30", "--email", "marie.martin@example.com"},
                    out),
            0)
      << out;
  const std::string number(Json(out).at("receipt_number").as_string());
  EXPECT_EQ(Json(out).at("receipt_email").at("status"), "queued") << out;  // sent later by the server
  EXPECT_EQ(Json(out).at("receipt_email").at("to"), "marie.martin@example.com") << out;

  ASSERT_EQ(Console(home, {"receipt", number}, out), 0) << out;
  EXPECT_NE(out.find("                Mile End\n"), std::string::npos) << out;
  EXPECT_NE(out.find("TPS : 123456789 RT0001\n"), std::string::npos) << out;
  EXPECT_NE(out.find("T-shirt"), std::string::npos) << out;
  EXPECT_NE(out.find("Monnaie rendue"), std::string::npos) << out;
  EXPECT_EQ(out.find("COPIE"), std::string::npos) << out;

  const std::string printer = home.path + "/lp0";
  ASSERT_EQ(Console(home, {"receipt", number, "--format", "escpos", "--reprint", "--output", printer}, out), 0) << out;
  std::ifstream in(printer, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  const std::string sent = bytes.str();
  EXPECT_EQ(sent.rfind("\x1b@\x1bt\x04", 0), 0u);
  EXPECT_NE(sent.find("\xae COPIE \xaf"), std::string::npos);
  EXPECT_NE(sent.find("{B" + number), std::string::npos);
  EXPECT_NE(Console(home, {"receipt", number, "--format", "pdf"}, out), 0) << out;  // not a format

  ASSERT_EQ(Console(home, {"--json", "email-receipt", number, "--to", "jean.dupont@example.com"}, out), 0) << out;
  EXPECT_EQ(Json(out).at("status"), "queued");
  EXPECT_EQ(Json(out).at("to"), "jean.dupont@example.com");
  EXPECT_EQ(Console(home, {"email-receipt", number, "--to", "pas une adresse"}, out), 1) << out;
  EXPECT_NE(out.find("Adresse courriel invalide"), std::string::npos) << out;

  // Another store's cashier finds no such receipt.
  Home other("cli-receipt-other");
  ASSERT_EQ(Console(other, {"login", "--email", "cashier.plateau@comptoir.local", "--password", "comptoir-demo"}, out),
            0)
      << out;
  EXPECT_EQ(Console(other, {"receipt", number}, out), 1) << out;
}

// Issue 15: a scanned EAN-13 and a weighed piece's price-embedded label at the till, a transfer between two
// stores from request to receipt, a cycle count posted with its variance report (ADRs 0170-0172).
TEST(Subcommands, ScansTransfersAndCountsAcrossRoles) {
  Home till("cli-scan");
  Home sender("cli-sender");
  Home centre("cli-counts");
  std::string out;
  ASSERT_EQ(Console(till, {"login", "--email", "cashier.westmount@comptoir.local", "--password", "comptoir-demo"}, out),
            0)
      << out;
  ASSERT_EQ(
      Console(sender, {"login", "--email", "cashier.spectacles@comptoir.local", "--password", "comptoir-demo"}, out), 0)
      << out;
  ASSERT_EQ(Console(centre, {"login", "--email", "logistics@comptoir.local", "--password", "comptoir-demo"}, out), 0);

  // Café by its EAN-13 and a 12,34 $ piece of fromage by its label: 12,99 + 12,34 = 25,33 before taxes.
  const auto fromage = OnHand(5, 19);
  ASSERT_EQ(
      Console(till, {"--json", "sale", "--item", "7540001000096", "--item", "2100011012349", "--pay", "cash:30"}, out),
      0)
      << out;
  EXPECT_EQ(Int(Json(out), "subtotal_cents"), 2533) << out;
  EXPECT_EQ(OnHand(5, 19), fromage - 1);
  EXPECT_EQ(Console(till, {"sale", "--item", "2100011012348", "--pay", "cash:30"}, out), 1) << out;  // check digit
  EXPECT_NE(out.find("contrôle"), std::string::npos) << out;

  // Westmount asks the Quartier des Spectacles for 2 Jeans; logistics approves, the sender ships, Westmount receives.
  const auto at_sender = OnHand(3, 6), at_till = OnHand(5, 6);
  ASSERT_EQ(Console(till, {"--json", "transfer", "create", "--from", "3", "--item", "6:2"}, out), 0) << out;
  const std::string id = std::to_string(Int(Json(out), "id"));
  EXPECT_EQ(Console(till, {"transfer", "approve", id}, out), 1) << out;  // a cashier does not approve
  ASSERT_EQ(Console(centre, {"--json", "transfer", "approve", id}, out), 0) << out;
  EXPECT_EQ(Console(till, {"transfer", "ship", id}, out), 1) << out;  // not the source's cashier
  ASSERT_EQ(Console(sender, {"--json", "transfer", "ship", id}, out), 0) << out;
  EXPECT_EQ(Json(out).at("in_transit"), true);
  EXPECT_EQ(OnHand(3, 6), at_sender - 2);
  ASSERT_EQ(Console(till, {"--json", "transfer", "receive", id}, out), 0) << out;
  EXPECT_EQ(OnHand(5, 6), at_till + 2);
  ASSERT_EQ(Console(centre, {"transfer", "list", "--status", "received"}, out), 0) << out;
  EXPECT_NE(out.find("Westmount"), std::string::npos) << out;

  // Logistics counts the Miel at Westmount: one missing, valued at 15,99 $.
  const auto miel = OnHand(5, 12);
  EXPECT_EQ(Console(till, {"count", "open", "--location", "5", "--product", "12"}, out), 1) << out;  // not a cashier
  ASSERT_EQ(Console(centre, {"--json", "count", "open", "--location", "5", "--product", "12"}, out), 0) << out;
  const std::string sheet = std::to_string(Int(Json(out), "id"));
  ASSERT_EQ(Console(centre, {"count", "lines", sheet, "--item", "12:" + std::to_string(miel - 1)}, out), 0) << out;
  ASSERT_EQ(Console(centre, {"count", "post", sheet}, out), 0) << out;
  EXPECT_NE(out.find("Manquant : 1 (15,99"), std::string::npos) << out;
  EXPECT_EQ(OnHand(5, 12), miel - 1);
  ASSERT_EQ(Console(centre, {"--json", "count", "variance", sheet}, out), 0) << out;
  EXPECT_EQ(Int(Json(out).at("totals"), "net_value_cents"), -1599) << out;
}

// The lines of `text` that contain `needle`.
std::vector<std::string> LinesWith(const std::string& text, const std::string& needle) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.find(needle) != std::string::npos) out.push_back(line);
  }
  return out;
}

TEST(Subcommands, StockOfAProductHereAndInTheOtherStores) {
  Home home("cli-stock");
  std::string out;
  ASSERT_EQ(Console(home, {"login", "--email", "cashier.westmount@comptoir.local", "--password", "comptoir-demo"}, out),
            0)
      << out;
  const auto here = OnHand(5, 12), mile_end = OnHand(4, 12);
  ASSERT_EQ(Console(home, {"stock", "ALIM-0004"}, out), 0) << out;
  EXPECT_NE(out.find("ALIM-0004  Miel  15,99 $"), std::string::npos) << out;
  ASSERT_EQ(LinesWith(out, "> Westmount").size(), 1u) << out;  // this store, marked
  EXPECT_TRUE(
      std::regex_search(LinesWith(out, "> Westmount")[0], std::regex("> Westmount +" + std::to_string(here) + " ")))
      << out;
  ASSERT_EQ(LinesWith(out, "Mile End").size(), 1u) << out;
  EXPECT_TRUE(
      std::regex_search(LinesWith(out, "Mile End")[0], std::regex("  Mile End +" + std::to_string(mile_end) + " ")))
      << out;
  ASSERT_EQ(Console(home, {"--json", "stock", "12"}, out), 0) << out;  // by id, as JSON: inventory's rows
  const auto rows = Json(out).at("data").as_array();
  EXPECT_GE(rows.size(), 6u) << out;  // five stores and the centre
  bool found = false;
  for (const auto& r : rows) {
    if (Int(r, "location_id") == 5) found = Int(r, "on_hand") == here;
  }
  EXPECT_TRUE(found) << out;
  EXPECT_EQ(Console(home, {"stock", "NOPE-9999"}, out), 1) << out;
  EXPECT_NE(out.find("Code inconnu : NOPE-9999"), std::string::npos) << out;
}

TEST(Subcommands, CentreStockAlertsAndTheReportsTopAndStock) {
  Home centre("cli-alerts");
  Home office("cli-reports");
  std::string out;
  ASSERT_EQ(Console(centre, {"login", "--email", "logistics@comptoir.local", "--password", "comptoir-demo"}, out), 0);
  ASSERT_EQ(Console(office, {"login", "--email", "manager@comptoir.local", "--password", "comptoir-demo"}, out), 0);
  // Product 17 at the centre brought down to its reorder point: a low-stock alert.
  const auto level = ManagerGet("/api/v1/inventory?location_id=6&product_id=17").at("data").as_array().at(0);
  const auto delta = Int(level, "reorder_point") - Int(level, "available");
  if (delta != 0) {
    ASSERT_EQ(Console(centre,
                      {"adjust", "--location", "6", "--product", "17", "--quantity", std::to_string(delta), "--reason",
                       "inventaire", "--note", "compté"},
                      out),
              0)
        << out;
  }
  ASSERT_EQ(Console(centre, {"centre-stock", "--low"}, out), 0) << out;
  const auto alerts = ManagerGet("/api/v1/inventory/alerts?location_id=6&per_page=100").at("data").as_array();
  EXPECT_EQ(LinesWith(out, "BAS").size(), alerts.size()) << out;
  ASSERT_TRUE(std::regex_search(out, std::regex("\\n *17 [^\\n]*BAS"))) << out;
  EXPECT_EQ(LinesWith(out, "Aspirateur Dyson").size(), 0u) << out;  // well stocked: not an alert
  ASSERT_EQ(Console(centre, {"centre-stock"}, out), 0) << out;
  EXPECT_EQ(LinesWith(out, "Aspirateur Dyson").size(), 1u) << out;

  // The stock report across locations: reporting reads inventory's events, so wait for the alert to reach it.
  boost::json::array low;
  for (int i = 0; i < 60; ++i) {
    low = ManagerGet("/api/v1/reports/stock?low_stock=true").at("rows").as_array();
    bool has = false;
    for (const auto& r : low) has = has || (Int(r, "location_id") == 6 && Int(r, "product_id") == 17);
    if (has) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  ASSERT_EQ(Console(office, {"report", "stock", "--low"}, out), 0) << out;
  EXPECT_EQ(LinesWith(out, "BAS").size(), low.size()) << out;
  for (const auto& r : low) {  // each alert on a line of its own: location, product, BAS
    bool shown = false;
    for (const auto& line : LinesWith(out, std::string(r.at("product").as_string()))) {
      shown = shown || (line.find(std::string(r.at("location").as_string())) != std::string::npos &&
                        line.find("BAS") != std::string::npos);
    }
    EXPECT_TRUE(shown) << boost::json::serialize(r) << "\n" << out;
  }
  ASSERT_EQ(Console(office, {"--json", "report", "stock", "--low"}, out), 0) << out;
  EXPECT_EQ(Json(out).at("rows").as_array().size(), low.size()) << out;

  // The best sellers, as reporting ranks them.
  const auto top = ManagerGet("/api/v1/reports/top-products?limit=3").at("rows").as_array();
  ASSERT_EQ(Console(office, {"report", "top", "--limit", "3"}, out), 0) << out;
  ASSERT_FALSE(top.empty());
  std::size_t previous = 0;
  for (const auto& r : top) {
    const std::string name(r.at("name").as_string());
    const auto lines = LinesWith(out, name);
    ASSERT_FALSE(lines.empty()) << name << "\n" << out;
    EXPECT_NE(lines[0].find(FormatMoney(Int(r, "sales_cents"))), std::string::npos) << lines[0];
    EXPECT_TRUE(std::regex_search(lines[0], std::regex("^ *" + std::to_string(Int(r, "rank")) + " "))) << lines[0];
    const std::size_t at = out.find(lines[0]);
    EXPECT_GE(at, previous) << out;  // in rank order
    previous = at;
  }
}

TEST(Subcommands, ABadConfigurationStopsWithExitTwo) {
  Home home("cli-config");
  std::string out;
  const std::string bad = home.path + "/console.json";
  std::ofstream(bad) << R"({"gateway_url": "https://caisse.example", "couleur": "bleu"})";
  EXPECT_EQ(Console(home, {"--config", bad, "status"}, out), 2) << out;
  EXPECT_NE(out.find("config: unknown setting couleur"), std::string::npos) << out;
  EXPECT_EQ(out.find("config: the gateway URL must start with http://"), std::string::npos)
      << out;  // the env's URL wins
  std::ofstream(bad, std::ios::trunc) << R"({"timeout_ms": 5})";
  EXPECT_EQ(Console(home, {"--config", bad, "status"}, out), 2) << out;
  EXPECT_NE(out.find("config: timeout_ms must be an integer from 100 to 120000, not 5"), std::string::npos) << out;
  // A good file: the console runs.
  std::ofstream(bad, std::ios::trunc) << R"({"timeout_ms": 3000, "register": "2"})";
  ASSERT_EQ(Console(home, {"--config", bad, "--json", "status"}, out), 0) << out;
  EXPECT_EQ(Json(out).at("online"), true) << out;
}

}  // namespace
}  // namespace comptoir::console::testing
