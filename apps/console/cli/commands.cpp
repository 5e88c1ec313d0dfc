#include "cli/commands.hpp"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <set>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include "comptoir/console/format.hpp"
#include "comptoir/console/station.hpp"

namespace comptoir::console::cli {

namespace {

const std::set<std::string>& Names() {
  static const std::set<std::string> names{"login",   "logout",       "whoami",   "status",    "sync",
                                           "sale",    "reprint",      "return",   "register",  "stock",
                                           "restock", "centre-stock", "adjust",   "movements", "dashboard",
                                           "report",  "product",      "staff",    "journal",   "discrepancies",
                                           "resolve", "find-sale",    "customer", "transfer",  "count", "gift-card", "suspended",
                                           "receipt", "email-receipt"};
  return names;
}

struct Output {
  bool json = false;
  int Show(const Outcome& o) const {
    if (json) {
      std::cout << (o.json.empty() ? "{}" : o.json) << "\n";
    } else {
      for (const auto& l : o.text) std::cout << l << "\n";
      if (!o.message.empty()) (o.ok ? std::cout : std::cerr) << o.message << "\n";
    }
    if (o.ok) return 0;
    return o.status == 0 && o.code == "console.unreachable" ? 3 : 1;
  }
};

// "ID:QTY" or "ID" (quantity 1).
bool ParsePair(const std::string& text, std::string& code, std::int64_t& quantity) {
  const auto colon = text.rfind(':');
  code = text.substr(0, colon);
  quantity = 1;
  if (colon == std::string::npos) return !code.empty();
  try {
    std::size_t used = 0;
    quantity = std::stoll(text.substr(colon + 1), &used);
    return used == text.size() - colon - 1 && quantity > 0 && !code.empty();
  } catch (const std::exception&) {
    return false;
  }
}

bool QuantityLinesOf(const std::vector<std::string>& items, QuantityLines& lines) {
  for (const auto& i : items) {
    std::string code;
    std::int64_t q = 0;
    if (!ParsePair(i, code, q) || code.find_first_not_of("0123456789") != std::string::npos) return false;
    lines.emplace_back(std::stoll(code), q);
  }
  return true;
}

int Usage(const std::string& message) {
  std::cerr << message << "\n";
  return 2;
}

Outcome Money(const std::string& text, std::int64_t& cents) {
  Outcome o;
  o.ok = ParseMoney(text, cents);
  if (!o.ok) {
    o.code = "console.invalid_amount";
    o.message = "Montant invalide : " + text;
  }
  return o;
}

}  // namespace

bool IsSubcommand(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (Names().contains(a) || a == "--help" || a == "-h") return true;
  }
  return false;
}

int Run(int argc, char** argv) {
  CLI::App app{"comptoir-console — la caisse, la logistique et le siège en terminal"};
  app.require_subcommand(1);
  std::string config;
  Output out;
  app.add_option("--config", config, "JSON config file (else $COMPTOIR_CONSOLE_CONFIG)");
  app.add_flag("--json", out.json, "print the server's answer as JSON");

  std::string email, password, text_a, text_b, note, reason, method, customer, csv, from, to, group_by, status_filter;
  std::vector<std::string> items, pays;
  std::int64_t id = 0, location = 0, product = 0, quantity = 0, category = 0;
  std::vector<std::int64_t> count_products;
  int limit = 10;
  bool all = false, low = false;

  auto* login = app.add_subcommand("login", "sign in with a staff account");
  login->add_option("--email", email)->required();
  login->add_option("--password", password, "else $COMPTOIR_CONSOLE_PASSWORD");
  app.add_subcommand("logout", "forget the session");
  app.add_subcommand("whoami", "who is signed in");
  app.add_subcommand("status", "online or offline, sales waiting in the journal");
  app.add_subcommand("sync", "replay the journal, then copy the catalogue for offline sales");
  auto* sale = app.add_subcommand("sale", "sell: --item SKU[:QTY] ... --pay METHOD:AMOUNT[:CODE:PIN]");
  sale->add_option("--item", items, "SKU, barcode or name, with a quantity")->required();
  sale->add_option("--pay", pays, "cash|card|debit:AMOUNT ($), gift_card:AMOUNT:CODE:PIN")->required();
  sale->add_option("--customer", customer, "e-mail or phone of the customer");
  std::string sale_email;
  sale->add_option("--email", sale_email, "send the receipt to this address (the sale never waits for it)");
  auto* reprint = app.add_subcommand("reprint", "print a receipt again, marked COPIE");
  reprint->add_option("receipt", text_a, "S4-000042 or sale id")->required();
  // Issue 15: the server's rendering of a receipt, in any format, and receipts sent by e-mail.
  auto* receipt_cmd = app.add_subcommand("receipt", "the server's receipt: text40 (default), text48, html, escpos");
  receipt_cmd->add_option("receipt", text_a, "S4-000042 or sale id")->required();
  std::string receipt_format = "text40", receipt_output, receipt_to;
  bool receipt_copy = false;
  receipt_cmd->add_option("--format", receipt_format)->check(CLI::IsMember({"text40", "text48", "html", "escpos"}));
  receipt_cmd->add_flag("--reprint", receipt_copy, "a reprint, marked « COPIE »");
  receipt_cmd->add_option("--output", receipt_output, "write it to this file or printer device (escpos: /dev/usb/lp0)");
  auto* email_cmd = app.add_subcommand("email-receipt", "send a receipt by e-mail (queued, sent in the background)");
  email_cmd->add_option("receipt", text_a, "S4-000042 or sale id")->required();
  email_cmd->add_option("--to", receipt_to, "the customer's e-mail address")->required();
  email_cmd->add_flag("--reprint", receipt_copy, "send it as a copy");
  auto* find_sale = app.add_subcommand("find-sale", "show a receipt");
  find_sale->add_option("receipt", text_a)->required();
  auto* ret = app.add_subcommand("return", "return items of a receipt: --item PRODUCT_ID:QTY ...");
  ret->add_option("receipt", text_a)->required();
  ret->add_option("--item", items)->required();
  ret->add_option("--reason", reason);
  ret->add_option("--refund-method", method, "original (default) or cash");
  std::string manager_email, manager_password;
  ret->add_option("--manager-email", manager_email, "a manager approving cash in place of a card");
  ret->add_option("--manager-password", manager_password);
  auto* reg = app.add_subcommand("register", "open or close the cash register");
  reg->require_subcommand(1);
  auto* reg_open = reg->add_subcommand("open");
  reg_open->add_option("--float", text_a, "opening float ($)")->required();
  auto* reg_close = reg->add_subcommand("close");
  reg_close->add_option("--counted", text_a, "cash counted ($)")->required();
  auto* reg_x = reg->add_subcommand("x", "the X report of the open session");
  auto* reg_no_sale = reg->add_subcommand("no-sale", "open the drawer without a sale (logged)");
  reg_no_sale->add_option("--reason", reason)->required();
  auto* reg_drop = reg->add_subcommand("drop", "cash taken to the safe");
  reg_drop->add_option("--amount", text_a, "amount ($)")->required();
  auto* reg_payout = reg->add_subcommand("payout", "petty cash paid out of the drawer");
  reg_payout->add_option("--amount", text_a, "amount ($)")->required();
  reg_payout->add_option("--reason", reason)->required();
  auto* gift = app.add_subcommand("gift-card", "gift cards at the till");
  gift->require_subcommand(1);
  std::string gift_code, gift_pin, gift_pay = "cash";
  auto* gift_balance = gift->add_subcommand("balance", "the balance of a card (code and PIN)");
  gift_balance->add_option("--code", gift_code)->required();
  gift_balance->add_option("--pin", gift_pin)->required();
  auto* gift_load = gift->add_subcommand("load", "sell (activate) or top up a card, not taxable");
  gift_load->add_option("--code", gift_code)->required();
  gift_load->add_option("--amount", text_a, "amount ($)")->required();
  gift_load->add_option("--pay", gift_pay, "cash (default), card or debit");
  auto* suspended = app.add_subcommand("suspended", "sales put aside at the store's tills");
  auto* stock = app.add_subcommand("stock", "stock of a product here and in the other locations");
  stock->add_option("product", text_a, "SKU, id or name")->required();
  auto* restock = app.add_subcommand("restock", "restock requests");
  restock->require_subcommand(1);
  auto* rs_create = restock->add_subcommand("create");
  rs_create->add_option("--item", items, "PRODUCT_ID:QTY")->required();
  rs_create->add_option("--note", note);
  auto* rs_list = restock->add_subcommand("list");
  rs_list->add_option("--status", status_filter);
  rs_list->add_option("--location", location);
  auto* rs_show = restock->add_subcommand("show");
  rs_show->add_option("id", id)->required();
  auto* rs_approve = restock->add_subcommand("approve", "approve (in part with --item PRODUCT_ID:QTY)");
  rs_approve->add_option("id", id)->required();
  rs_approve->add_option("--item", items);
  auto* rs_reject = restock->add_subcommand("reject");
  rs_reject->add_option("id", id)->required();
  rs_reject->add_option("--reason", reason)->required();
  auto* rs_ship = restock->add_subcommand("ship");
  rs_ship->add_option("id", id)->required();
  auto* rs_receive = restock->add_subcommand("receive");
  rs_receive->add_option("id", id)->required();
  // Transfers between stores (ADR 0171) and cycle counts (ADR 0172).
  auto* transfer = app.add_subcommand("transfer", "transfers between stores");
  transfer->require_subcommand(1);
  auto* tr_create = transfer->add_subcommand("create", "ask another store for goods, brought to this store");
  tr_create->add_option("--from", location, "the store that sends")->required();
  tr_create->add_option("--item", items, "PRODUCT_ID:QTY")->required();
  tr_create->add_option("--note", note);
  auto* tr_list = transfer->add_subcommand("list");
  tr_list->add_option("--status", status_filter);
  tr_list->add_option("--location", location);
  auto* tr_show = transfer->add_subcommand("show");
  tr_show->add_option("id", id)->required();
  auto* tr_approve = transfer->add_subcommand("approve", "approve (in part with --item PRODUCT_ID:QTY)");
  tr_approve->add_option("id", id)->required();
  tr_approve->add_option("--item", items);
  auto* tr_reject = transfer->add_subcommand("reject");
  tr_reject->add_option("id", id)->required();
  tr_reject->add_option("--reason", reason)->required();
  auto* tr_ship = transfer->add_subcommand("ship");
  tr_ship->add_option("id", id)->required();
  auto* tr_receive = transfer->add_subcommand("receive");
  tr_receive->add_option("id", id)->required();
  auto* count = app.add_subcommand("count", "cycle counts: open a sheet, count, post");
  count->require_subcommand(1);
  auto* ct_open = count->add_subcommand("open");
  ct_open->add_option("--location", location)->required();
  ct_open->add_option("--product", count_products, "PRODUCT_ID (repeat; none: every product stocked there)");
  ct_open->add_option("--note", note);
  auto* ct_lines = count->add_subcommand("lines", "record counted quantities: --item PRODUCT_ID:UNITS");
  ct_lines->add_option("id", id)->required();
  ct_lines->add_option("--item", items)->required();
  auto* ct_show = count->add_subcommand("show");
  ct_show->add_option("id", id)->required();
  auto* ct_post = count->add_subcommand("post", "post the sheet: count corrections and the variance report");
  ct_post->add_option("id", id)->required();
  auto* ct_cancel = count->add_subcommand("cancel");
  ct_cancel->add_option("id", id)->required();
  auto* ct_variance = count->add_subcommand("variance");
  ct_variance->add_option("id", id)->required();
  auto* centre = app.add_subcommand("centre-stock", "stock of the logistics centre");
  centre->add_flag("--low", low, "low-stock alerts only");
  auto* adjust = app.add_subcommand("adjust", "adjust stock with a reason");
  adjust->add_option("--location", location)->required();
  adjust->add_option("--product", product)->required();
  adjust->add_option("--quantity", quantity, "signed: -2 or 5")->required();
  adjust->add_option("--reason", reason)->required();
  adjust->add_option("--note", note);
  auto* movements = app.add_subcommand("movements", "the ledger of a product");
  movements->add_option("--product", product)->required();
  movements->add_option("--location", location);
  app.add_subcommand("dashboard", "the head-office dashboard");
  auto* report = app.add_subcommand("report", "reports");
  report->require_subcommand(1);
  auto* rp_sales = report->add_subcommand("sales");
  rp_sales->add_option("--from", from);
  rp_sales->add_option("--to", to);
  rp_sales->add_option("--group-by", group_by, "location|day|product|category|channel");
  rp_sales->add_option("--csv", csv, "write the rows to this CSV file");
  auto* rp_top = report->add_subcommand("top");
  rp_top->add_option("--from", from);
  rp_top->add_option("--to", to);
  rp_top->add_option("--limit", limit);
  rp_top->add_option("--csv", csv);
  auto* rp_stock = report->add_subcommand("stock");
  rp_stock->add_flag("--low", low);
  rp_stock->add_option("--csv", csv);
  auto* prod = app.add_subcommand("product", "product management");
  prod->require_subcommand(1);
  auto* pr_create = prod->add_subcommand("create");
  pr_create->add_option("--sku", text_a)->required();
  pr_create->add_option("--name", text_b)->required();
  pr_create->add_option("--price", note, "price ($)")->required();
  pr_create->add_option("--category", category);
  auto* pr_price = prod->add_subcommand("price");
  pr_price->add_option("id", id)->required();
  pr_price->add_option("price", note, "new price ($)")->required();
  auto* pr_archive = prod->add_subcommand("archive");
  pr_archive->add_option("id", id)->required();
  auto* staff = app.add_subcommand("staff", "staff accounts");
  staff->require_subcommand(1);
  staff->add_subcommand("list");
  auto* st_create = staff->add_subcommand("create");
  st_create->add_option("--email", email)->required();
  st_create->add_option("--password", password)->required();
  st_create->add_option("--first-name", text_a)->required();
  st_create->add_option("--last-name", text_b)->required();
  st_create->add_option("--role", method)->required();
  st_create->add_option("--location", location);
  auto* st_disable = staff->add_subcommand("disable");
  st_disable->add_option("id", id)->required();
  auto* st_enable = staff->add_subcommand("enable");
  st_enable->add_option("id", id)->required();
  auto* journal = app.add_subcommand("journal", "the sales of this till's journal");
  journal->add_option("--limit", limit);
  auto* discrepancies = app.add_subcommand("discrepancies", "offline sales the server refused or changed");
  discrepancies->add_flag("--all", all, "resolved ones too");
  auto* resolve = app.add_subcommand("resolve", "mark a discrepancy resolved (it stays in the journal)");
  resolve->add_option("seq", id)->required();
  resolve->add_option("--note", note)->required();
  auto* cust = app.add_subcommand("customer", "find a customer by exact e-mail or phone");
  cust->add_option("email_or_phone", text_a)->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }

  std::vector<std::string> problems;
  Settings settings = LoadSettings(config, problems);
  if (!problems.empty()) {
    for (const auto& p : problems) std::cerr << "config: " << p << "\n";
    return 2;
  }
  Station station(settings, MakeHttpTransport(settings.gateway_url, std::chrono::milliseconds(settings.timeout_ms)));

  if (login->parsed()) {
    if (password.empty() && std::getenv("COMPTOIR_CONSOLE_PASSWORD") != nullptr) {
      password = std::getenv("COMPTOIR_CONSOLE_PASSWORD");
    }
    if (password.empty()) return Usage("--password or COMPTOIR_CONSOLE_PASSWORD is required");
    Outcome o = station.Login(email, password);
    if (o.ok && station.journal().PendingCount() > 0) station.Replay();
    return out.Show(o);
  }
  if (app.got_subcommand("logout")) {
    station.Logout();
    Outcome o;
    o.ok = true;
    o.message = "Déconnecté";
    o.json = "{\"signed_in\":false}";
    return out.Show(o);
  }
  if (app.got_subcommand("status")) {
    // A probe: the replay sends what waits (or finds the platform still down).
    ReplayReport r = station.signed_in() ? station.Replay() : ReplayReport{};
    if (!station.signed_in()) station.gateway().Get("/api/v1/locations?per_page=1");
    Outcome o;
    o.ok = true;
    o.message = station.ConnectionText();
    o.json =
        boost::json::serialize(boost::json::object{{"online", !station.offline()},
                                                   {"pending", station.journal().PendingCount()},
                                                   {"sent_now", r.sent},
                                                   {"refused_now", r.refused},
                                                   {"discrepancies", station.journal().Discrepancies(false).size()},
                                                   {"signed_in", station.signed_in()},
                                                   {"indicator", station.ConnectionText()}});
    return out.Show(o);
  }
  if (!station.signed_in() && !app.got_subcommand("journal") && !app.got_subcommand("discrepancies")) {
    std::cerr << "Non connecté : comptoir-console login --email …\n";
    return 1;
  }
  if (app.got_subcommand("whoami")) {
    Outcome o;
    o.ok = true;
    const Identity& w = station.who();
    boost::json::object j{{"email", w.email}, {"role", w.role}, {"subject", w.subject}};
    if (w.location_id) j["location_id"] = *w.location_id;
    o.json = boost::json::serialize(j);
    o.text = {w.email + " (" + w.role + (w.location_id ? ", " + station.LocationName(*w.location_id) : "") + ")"};
    return out.Show(o);
  }
  if (app.got_subcommand("sync")) {
    ReplayReport r = station.Replay();
    Outcome o = station.SyncCatalogue();
    o.message = r.message + " ; " + o.message;
    o.json = boost::json::serialize(
        boost::json::object{{"sent", r.sent}, {"refused", r.refused}, {"pending", r.pending}, {"catalogue", o.ok}});
    return out.Show(o);
  }
  if (sale->parsed()) {
    Till till;
    for (const auto& i : items) {
      std::string code, problem;
      std::int64_t q = 0;
      if (!ParsePair(i, code, q)) return Usage("--item SKU[:QTY], not " + i);
      auto item = station.Lookup(code, problem);
      if (!item) {
        auto found = station.Search(code);
        if (found.size() == 1) item = found.front();
      }
      if (!item)
        return out.Show(Outcome{false, 404, "product.not_found", problem, "{\"code\":\"product.not_found\"}", {}});
      till.Add(*item, q);
    }
    till.receipt_email = sale_email;
    if (!customer.empty()) {
      Outcome c = station.FindCustomer(customer, till.customer_id);
      if (!c.ok) return out.Show(c);
      till.customer_label = customer;
    }
    for (const auto& p : pays) {
      // METHOD:AMOUNT, or gift_card:AMOUNT:CODE:PIN
      std::vector<std::string> parts;
      for (std::size_t at = 0;;) {
        const auto colon = p.find(':', at);
        parts.push_back(p.substr(at, colon == std::string::npos ? std::string::npos : colon - at));
        if (colon == std::string::npos) break;
        at = colon + 1;
      }
      auto m = ParseMethod(parts[0]);
      std::int64_t cents = 0;
      const std::size_t wanted = m == Method::kGiftCard ? 4 : 2;
      if (!m || parts.size() != wanted || !ParseMoney(parts[1], cents)) {
        return Usage("--pay cash|card|debit:AMOUNT or gift_card:AMOUNT:CODE:PIN, not " + p);
      }
      Tender t{*m, cents, wanted == 4 ? parts[2] : "", wanted == 4 ? parts[3] : ""};
      if (auto refusal = till.AddTender(t, station.offline()); refusal != TenderRefusal::kNone) {
        return out.Show(Outcome{false,
                                0,
                                "console.tender_refused",
                                TenderRefusalText(refusal),
                                "{\"code\":\"console.tender_refused\"}",
                                {}});
      }
    }
    SaleOutcome s = station.Sell(till);
    Outcome o{s.state != SaleState::kRefused,
              0,
              s.state == SaleState::kRefused ? "sales.refused" : "",
              s.message,
              s.json,
              s.text};
    if (out.json && s.state != SaleState::kRecorded && s.state != SaleState::kRefused) o.json = s.json;
    return out.Show(o);
  }
  if (reprint->parsed()) return out.Show(station.Reprint(text_a));
  if (receipt_cmd->parsed()) {
    Outcome o = station.ServerReceipt(text_a, receipt_format, receipt_copy);
    if (!o.ok || out.json) return out.Show(o);
    if (receipt_output.empty()) {
      std::cout.write(o.raw.data(), static_cast<std::streamsize>(o.raw.size()));
      std::cout.flush();
      return 0;
    }
    std::ofstream file(receipt_output, std::ios::binary | std::ios::app);
    file.write(o.raw.data(), static_cast<std::streamsize>(o.raw.size()));
    file.close();
    if (!file) {
      std::cerr << "Impossible d'écrire dans " << receipt_output << "\n";
      return 1;
    }
    std::cout << o.message << " écrit dans " << receipt_output << "\n";
    return 0;
  }
  if (email_cmd->parsed()) return out.Show(station.EmailReceipt(text_a, receipt_to, receipt_copy));
  if (find_sale->parsed()) {
    Outcome o = station.FindSale(text_a);
    if (auto r = ReceiptFromJson(o.json)) o.text = FormatReceipt(*r, station.Header());
    return out.Show(o);
  }
  if (ret->parsed()) {
    QuantityLines lines;
    if (!QuantityLinesOf(items, lines)) return Usage("--item PRODUCT_ID:QTY");
    return out.Show(station.Return(text_a, lines, reason, method, {manager_email, manager_password}));
  }
  if (reg_open->parsed() || reg_close->parsed()) {
    std::int64_t cents = 0;
    if (Outcome m = Money(text_a, cents); !m.ok) return out.Show(m);
    return out.Show(reg_open->parsed() ? station.OpenRegister(cents) : station.CloseRegister(cents));
  }
  if (reg_x->parsed()) return out.Show(station.XReport());
  if (reg_no_sale->parsed()) return out.Show(station.RecordMovement("no_sale", 0, reason));
  if (reg_drop->parsed() || reg_payout->parsed()) {
    std::int64_t cents = 0;
    if (Outcome m = Money(text_a, cents); !m.ok) return out.Show(m);
    return out.Show(station.RecordMovement(reg_drop->parsed() ? "drop" : "payout", cents, reason));
  }
  if (gift_balance->parsed()) return out.Show(station.GiftCardBalance(gift_code, gift_pin));
  if (gift_load->parsed()) {
    std::int64_t cents = 0;
    if (Outcome m = Money(text_a, cents); !m.ok) return out.Show(m);
    auto method = ParseMethod(gift_pay);
    if (!method) return Usage("--pay cash|card|debit");
    return out.Show(station.LoadGiftCard(gift_code, cents, *method));
  }
  if (suspended->parsed()) return out.Show(station.ListSuspended());
  if (stock->parsed()) return out.Show(station.StockOf(text_a));
  if (rs_create->parsed() || rs_approve->parsed()) {
    QuantityLines lines;
    if (!QuantityLinesOf(items, lines)) return Usage("--item PRODUCT_ID:QTY");
    return out.Show(rs_create->parsed() ? station.CreateRestock(lines, note) : station.ApproveRestock(id, lines));
  }
  if (rs_list->parsed()) {
    return out.Show(
        station.ListRestock(status_filter, location ? std::optional<std::int64_t>(location) : std::nullopt));
  }
  if (rs_show->parsed()) return out.Show(station.ShowRestock(id));
  if (rs_reject->parsed()) return out.Show(station.RejectRestock(id, reason));
  if (rs_ship->parsed()) return out.Show(station.ShipRestock(id));
  if (rs_receive->parsed()) return out.Show(station.ReceiveRestock(id));
  if (tr_create->parsed() || tr_approve->parsed()) {
    QuantityLines lines;
    if (!QuantityLinesOf(items, lines)) return Usage("--item PRODUCT_ID:QTY");
    return out.Show(tr_create->parsed() ? station.CreateTransfer(location, lines, note)
                                        : station.ApproveTransfer(id, lines));
  }
  if (tr_list->parsed()) {
    return out.Show(
        station.ListTransfers(status_filter, location ? std::optional<std::int64_t>(location) : std::nullopt));
  }
  if (tr_show->parsed()) return out.Show(station.ShowTransfer(id));
  if (tr_reject->parsed()) return out.Show(station.RejectTransfer(id, reason));
  if (tr_ship->parsed()) return out.Show(station.ShipTransfer(id));
  if (tr_receive->parsed()) return out.Show(station.ReceiveTransfer(id));
  if (ct_open->parsed()) return out.Show(station.OpenCount(location, count_products, note));
  if (ct_lines->parsed()) {
    // Units counted may be 0: "ID:0" is parsed by hand (QuantityLinesOf wants quantities > 0).
    QuantityLines lines;
    for (const auto& i : items) {
      const auto colon = i.find(':');
      try {
        std::size_t a = 0, b = 0;
        std::int64_t product = std::stoll(i.substr(0, colon), &a);
        std::int64_t units = colon == std::string::npos ? -1 : std::stoll(i.substr(colon + 1), &b);
        if (colon == std::string::npos || a != colon || b != i.size() - colon - 1 || units < 0 || product < 1) {
          return Usage("--item PRODUCT_ID:UNITS, not " + i);
        }
        lines.emplace_back(product, units);
      } catch (const std::exception&) {
        return Usage("--item PRODUCT_ID:UNITS, not " + i);
      }
    }
    return out.Show(station.CountLines(id, lines));
  }
  if (ct_show->parsed()) return out.Show(station.ShowCount(id));
  if (ct_post->parsed()) return out.Show(station.PostCount(id));
  if (ct_cancel->parsed()) return out.Show(station.CancelCount(id));
  if (ct_variance->parsed()) return out.Show(station.Variance(id));
  if (centre->parsed()) return out.Show(station.CentreStock(low));
  if (adjust->parsed()) return out.Show(station.Adjust(location, product, quantity, reason, note));
  if (movements->parsed()) {
    return out.Show(station.Movements(product, location ? std::optional<std::int64_t>(location) : std::nullopt));
  }
  if (app.got_subcommand("dashboard")) return out.Show(station.Dashboard());
  if (rp_sales->parsed() || rp_top->parsed() || rp_stock->parsed()) {
    Outcome o = rp_sales->parsed() ? station.SalesReport(from, to, group_by)
                : rp_top->parsed() ? station.TopProducts(from, to, limit)
                                   : station.StockReport(low);
    if (!csv.empty() && o.ok) {
      Outcome written = station.ExportCsv(o, csv);
      if (!written.ok) return out.Show(written);
      o.message = written.message;
    }
    return out.Show(o);
  }
  if (pr_create->parsed() || pr_price->parsed()) {
    std::int64_t cents = 0;
    if (Outcome m = Money(note, cents); !m.ok) return out.Show(m);
    return out.Show(pr_create->parsed()
                        ? station.CreateProduct(text_a, text_b, cents,
                                                category ? std::optional<std::int64_t>(category) : std::nullopt)
                        : station.ChangePrice(id, cents));
  }
  if (pr_archive->parsed()) return out.Show(station.Archive(id));
  if (staff->got_subcommand("list")) return out.Show(station.ListStaff());
  if (st_create->parsed()) {
    return out.Show(station.CreateStaff(email, password, text_a, text_b, method,
                                        location ? std::optional<std::int64_t>(location) : std::nullopt));
  }
  if (st_disable->parsed() || st_enable->parsed()) return out.Show(station.SetStaffActive(id, st_enable->parsed()));
  if (journal->parsed()) {
    Outcome o;
    o.ok = true;
    boost::json::array data;
    std::vector<std::vector<std::string>> rows;
    for (const auto& e : station.journal().Recent(limit)) {
      data.push_back(boost::json::object{{"seq", e.seq},
                                         {"idempotency_key", e.idempotency_key},
                                         {"status", EntryStatusName(e.status)},
                                         {"offline", e.offline},
                                         {"created_at", e.created_at},
                                         {"local_total_cents", e.local_total_cents},
                                         {"attempts", e.attempts},
                                         {"http_status", e.http_status}});
      rows.push_back({std::to_string(e.seq), ShortTime(e.created_at), std::string(EntryStatusName(e.status)),
                      e.offline ? "hors ligne" : "", FormatMoney(e.local_total_cents)});
    }
    o.json = boost::json::serialize(
        boost::json::object{{"data", std::move(data)}, {"pending", station.journal().PendingCount()}});
    o.text = Table({"N°", "Heure", "État", "", "Total"}, rows, {true, false, false, false, true});
    o.message = station.ConnectionText();
    return out.Show(o);
  }
  if (discrepancies->parsed()) return out.Show(station.Discrepancies(all));
  if (resolve->parsed()) return out.Show(station.Resolve(id, note));
  if (cust->parsed()) {
    std::optional<std::int64_t> found;
    return out.Show(station.FindCustomer(text_a, found));
  }
  return Usage(app.help());
}

}  // namespace comptoir::console::cli
