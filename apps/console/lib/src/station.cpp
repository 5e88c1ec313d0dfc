#include "comptoir/console/station.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <tuple>

#include <boost/json.hpp>

#include "comptoir/console/format.hpp"
#include "comptoir/http/server.hpp"
#include "json_fields.hpp"

namespace comptoir::console {

namespace json = boost::json;

using detail::Int;
using detail::Parse;
using detail::Str;

namespace {

Item ItemOf(const json::object& o) {
  const auto* active = o.if_contains("active");
  Item item{Int(o, "id"), Str(o, "sku"), Str(o, "name"), Int(o, "price_cents"),
            active == nullptr || !active->is_bool() || active->as_bool()};
  if (const auto* c = o.if_contains("category_id"); c && c->is_int64()) item.category_id = c->as_int64();
  if (const auto* t = o.if_contains("tax_class"); t && t->is_string()) {
    item.tax_class = money::ParseTaxClass(t->as_string()).value_or(money::TaxClass::kTaxable);
  }
  if (const auto* b = o.if_contains("barcode"); b && b->is_string()) item.gtin = std::string(b->as_string());
  return item;
}

// A sale's answer the replay must not treat as final: try again later.
bool RetryLater(const Reply& r) {
  return r.status == 0 || r.status >= 500 || r.status == 401 || r.status == 408 || r.status == 429 ||
         (r.status == 409 && r.Code() == "request.idempotency_key_in_use");
}
// The server undid every trace of an earlier attempt with this key: the sale needs a new one.
bool KeyAbandoned(const Reply& r) {
  return r.status == 409 && (r.Code() == "inventory.movement_reversed" || r.Code() == "sales.key_abandoned");
}

std::string Joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

// What a scanner sends for an EAN-13 or a UPC-A: 12 or 13 digits (a SKU always has a letter).
bool IsScannedBarcode(const std::string& code) {
  if (code.size() != 12 && code.size() != 13) return false;
  for (char c : code) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool AllCash(const Till& till) {
  for (const Tender& t : till.tenders()) {
    if (t.method != Method::kCash) return false;
  }
  return true;
}

}  // namespace

Station::Station(Settings settings, std::unique_ptr<Transport> transport)
    : settings_(std::move(settings)),
      transport_(std::move(transport)),
      journal_((std::filesystem::create_directories(settings_.home), settings_.home + "/journal.db")),
      gateway_(*transport_, settings_.api_key, [this](const Tokens& t) { SaveTokens(t); }) {
  Tokens t;
  t.access_token = journal_.Get("access_token");
  t.refresh_token = journal_.Get("refresh_token");
  if (auto claims = ClaimsOf(t.access_token)) {
    t.identity = *claims;
    t.identity.email = journal_.Get("email");
    gateway_.SetTokens(std::move(t));
  }
}

void Station::SaveTokens(const Tokens& t) {
  journal_.Set("access_token", t.access_token);
  journal_.Set("refresh_token", t.refresh_token);
  journal_.Set("email", t.identity.email);
}

Outcome Station::FromReply(const Reply& reply, const std::string& done) {
  Outcome o;
  o.ok = reply.ok();
  o.status = reply.status;
  o.json = reply.body;
  if (o.ok) {
    o.message = done;
  } else {
    o.code = reply.status == 0 ? "console.unreachable" : reply.Code();
    o.message = reply.Message();
    if (reply.status == 0) {
      o.json = json::serialize(json::object{{"code", o.code}, {"detail", reply.error}});
    }
  }
  return o;
}

Outcome Station::Login(const std::string& email, const std::string& password) {
  Reply r = gateway_.Login(email, password);
  Outcome o = FromReply(r, "Bienvenue " + email);
  if (!o.ok) {
    if (r.status == 401) o.message = "Courriel ou mot de passe invalide.";
    return o;
  }
  SyncCatalogue();
  const Identity& me = who();
  json::object answer{{"email", email}, {"role", me.role}, {"subject", me.subject}};
  if (me.location_id) answer["location_id"] = *me.location_id;
  o.json = json::serialize(answer);
  o.text = {"Connecté : " + email + " (" + me.role + ")"};
  return o;
}

void Station::Logout() {
  gateway_.Logout();
  SaveTokens({});
}

std::string Station::ConnectionText() const {
  const std::int64_t pending = journal_.PendingCount();
  if (!offline() && pending == 0) return "EN LIGNE";
  if (!offline()) return "EN LIGNE — " + std::to_string(pending) + " ventes à envoyer";
  return "HORS LIGNE — " + std::to_string(pending) + " ventes en attente";
}

std::int64_t Station::store() const {
  if (who().location_id) return *who().location_id;
  if (const char* s = std::getenv("COMPTOIR_CONSOLE_STORE")) return std::atoll(s);
  return 1;
}

std::string Station::LocationName(std::int64_t id) const {
  if (auto v = Parse(journal_.Get("locations")); v && v->is_array()) {
    for (const auto& l : v->as_array()) {
      if (l.is_object() && Int(l.as_object(), "id") == id) return Str(l.as_object(), "name");
    }
  }
  return "Magasin " + std::to_string(id);
}

ReceiptHeader Station::Header() const {
  ReceiptHeader h;
  h.store_name = LocationName(store());
  h.cashier = who().email.substr(0, who().email.find('@'));
  return h;
}

Outcome Station::SyncCatalogue() {
  std::vector<Item> items;
  Reply last;
  for (int page = 1; page <= 100; ++page) {
    last = gateway_.Get("/api/v1/products?per_page=100&page=" + std::to_string(page));
    if (!last.ok()) return FromReply(last, "");
    auto v = Parse(last.body);
    if (!v || !v->is_object() || !v->as_object().contains("data")) break;
    const auto& data = v->as_object().at("data").as_array();
    for (const auto& p : data) items.push_back(ItemOf(p.as_object()));
    if (data.size() < 100) break;
  }
  Reply locations = gateway_.Get("/api/v1/locations?per_page=100");
  if (locations.ok()) {
    if (auto v = Parse(locations.body); v && v->is_object() && v->as_object().contains("data")) {
      journal_.Set("locations", json::serialize(v->as_object().at("data")));
    }
  }
  journal_.ReplaceCatalogue(items, NowUtc());
  Outcome o;
  o.ok = true;
  o.message = "Catalogue synchronisé : " + std::to_string(items.size()) + " produits";
  o.json = json::serialize(json::object{{"products", items.size()}});
  return o;
}

std::optional<Item> Station::ProductFrom(const std::string& body) const {
  auto v = Parse(body);
  if (!v || !v->is_object()) return std::nullopt;
  return ItemOf(v->as_object());
}

std::optional<Item> Station::Lookup(const std::string& code, std::string& problem) {
  // 12 or 13 digits: a scanned EAN-13 / UPC-A, maybe a weighed piece's price-embedded label (ADR 0170).
  if (IsScannedBarcode(code) && !offline()) {
    Reply r = gateway_.Get("/api/v1/products/by-barcode/" + code);
    if (r.ok()) {
      auto v = Parse(r.body);
      if (!v || !v->is_object() || !v->as_object().contains("product")) {
        problem = "Réponse inattendue du catalogue";
        return std::nullopt;
      }
      const auto& o = v->as_object();
      Item item = ItemOf(o.at("product").as_object());
      if (!item.active) {
        problem = "Produit archivé : " + code;
        return std::nullopt;
      }
      if (Str(o, "kind") == "price_embedded") {
        item.price_cents = Int(o, "embedded_price_cents");
        item.embedded_barcode = code;
      }
      return item;
    }
    if (r.status == 400) {
      problem = "Code-barres illisible (chiffre de contrôle) : " + code;
      return std::nullopt;
    }
    if (r.status == 404) {
      problem = "Code-barres inconnu : " + code;
      return std::nullopt;
    }
    if (!r.NotReached() && !r.OutcomeUnknown()) {
      problem = r.Message();
      return std::nullopt;
    }
  }
  if (!offline() && !IsScannedBarcode(code)) {
    Reply r = gateway_.Get("/api/v1/products/by-sku/" + http::PercentEncode(code));
    if (r.ok()) {
      auto item = ProductFrom(r.body);
      if (item && !item->active) {
        problem = "Produit archivé : " + code;
        return std::nullopt;
      }
      return item;
    }
    if (r.status == 404) {
      problem = "Code inconnu : " + code;
      return std::nullopt;
    }
    if (!r.NotReached() && !r.OutcomeUnknown()) {
      problem = r.Message();
      return std::nullopt;
    }
  }
  // Offline: the catalogue of the last sync, by barcode (a product's GTIN) or by SKU.
  const bool scanned = IsScannedBarcode(code);
  auto item = scanned ? journal_.ByBarcode(code) : journal_.BySku(code);
  if (!item || !item->active) {
    problem =
        (scanned ? "Code-barres inconnu (catalogue hors ligne) : " : "Code inconnu (catalogue hors ligne) : ") + code;
    return std::nullopt;
  }
  return item;
}

std::vector<Item> Station::Search(const std::string& text) {
  if (!offline()) {
    Reply r = gateway_.Get("/api/v1/products" + QueryString({{"q", text}, {"per_page", "20"}}));
    if (r.ok()) {
      std::vector<Item> items;
      if (auto v = Parse(r.body); v && v->is_object() && v->as_object().contains("data")) {
        for (const auto& p : v->as_object().at("data").as_array()) items.push_back(ItemOf(p.as_object()));
      }
      return items;
    }
  }
  return journal_.Search(text, 20);
}

Outcome Station::FindCustomer(const std::string& email_or_phone, std::optional<std::int64_t>& id) {
  const bool email = email_or_phone.find('@') != std::string::npos;
  Reply r = gateway_.Get("/api/v1/customers/lookup" + QueryString({{email ? "email" : "phone", email_or_phone}}));
  Outcome o = FromReply(r, "Client trouvé");
  if (r.status == 404) o.message = "Aucun client pour " + email_or_phone;
  if (r.status == 409) o.message = "Plusieurs clients ont ce numéro : chercher par courriel";
  if (o.ok) {
    if (auto v = Parse(r.body); v && v->is_object()) {
      id = Int(v->as_object(), "id");
      o.text = {Str(v->as_object(), "first_name") + " " + Str(v->as_object(), "last_name")};
    }
  }
  return o;
}

SaleOutcome Station::Sell(Till& till) {
  SaleOutcome out;
  const Settlement s = till.settlement();
  if (till.empty() || !s.settled()) {
    out.message = till.empty() ? "Aucun article." : "Le paiement ne couvre pas le total.";
    return out;
  }
  // What is already waiting goes first: the journal is replayed in order.
  if (journal_.PendingCount() > 0) Replay();
  const std::string key = http::NewUuid();
  const std::string now = NowUtc();
  const std::int64_t location = store();
  const bool offline_now = offline();
  if (offline_now && !AllCash(till)) {
    out.message = TenderRefusalText(TenderRefusal::kOfflineNeedsServer);
    return out;
  }
  // An offline receipt number is taken only for a sale that is printed before the server has it.
  auto offline_receipt = [&](bool numbered) {
    Receipt r = OfflineReceipt(till, location, numbered ? journal_.NextOfflineNumber() : "(en cours)", now);
    return std::make_pair(r, FormatReceipt(r, Header()));
  };
  // The receipt printed before the server has the sale (offline, or its answer lost).
  auto printed_locally = [&](SaleState state, Receipt receipt, std::vector<std::string> text, std::string message) {
    Print(text);
    out.state = state;
    out.message = std::move(message);
    out.json = json::serialize(json::object{{"state", state == SaleState::kOffline ? "offline" : "pending"},
                                            {"seq", out.seq},
                                            {"receipt_number", receipt.receipt_number},
                                            {"total_cents", receipt.totals.total_cents},
                                            {"change_cents", receipt.change_cents}});
    out.receipt = std::move(receipt);
    out.text = std::move(text);
    till.Clear();
    return out;
  };
  if (offline_now) {
    auto [receipt, text] = offline_receipt(true);
    out.seq = journal_.Append(key, till.SaleBody(location, register_session(), now), Joined(text),
                              receipt.totals.total_cents, true, now);
    const std::string message = "Vente hors ligne enregistrée (" + receipt.receipt_number + ")";
    return printed_locally(SaleState::kOffline, receipt, text, message);
  }
  // The journal keeps the body without the gift cards' PINs: a replay of a sale the server recorded gets
  // its stored answer (PINs are not in its fingerprint); one it did not record is refused and shown.
  auto [provisional, provisional_text] = offline_receipt(false);
  out.seq = journal_.Append(key, till.SaleBody(location, register_session(), "", false), Joined(provisional_text),
                            provisional.totals.total_cents, false, now);
  HeaderList approval;
  if (!till.manager_token.empty()) approval.emplace_back("X-Manager-Token", till.manager_token);
  Reply r = gateway_.Call("POST", "/api/v1/sales", till.SaleBody(location, register_session(), ""), key, approval);
  if (r.ok()) {
    journal_.MarkSent(out.seq, r.status, r.body);
    out.receipt = ReceiptFromJson(r.body).value_or(provisional);
    out.text = FormatReceipt(out.receipt, Header());
    Print(out.text);
    out.state = SaleState::kRecorded;
    out.message = "Vente " + out.receipt.receipt_number + " enregistrée";
    out.json = r.body;
    till.Clear();
    return out;
  }
  if ((r.NotReached() && AllCash(till)) || r.OutcomeUnknown())
    std::tie(provisional, provisional_text) = offline_receipt(true);
  if (r.NotReached() && AllCash(till)) {
    // Nothing reached the server: the same sale becomes an offline one, under the same key.
    journal_.Rebody(out.seq, till.SaleBody(location, register_session(), now), Joined(provisional_text), true);
    const std::string message =
        "Serveur injoignable : vente hors ligne enregistrée (" + provisional.receipt_number + ")";
    return printed_locally(SaleState::kOffline, provisional, provisional_text, message);
  }
  if (r.OutcomeUnknown()) {
    // The server may have it: the replay sends the same body and key, and gets it once.
    const std::string message =
        "Réponse du serveur perdue : la vente sera confirmée à la reprise (" + provisional.receipt_number + ")";
    return printed_locally(SaleState::kPending, provisional, provisional_text, message);
  }
  // Refused while the customer is here (short stock, unknown gift card, …): nothing was recorded.
  journal_.MarkCancelled(out.seq, r.status, r.body.empty() ? r.error : r.body);
  journal_.SaveDraft(till.ToDraft());
  out.state = SaleState::kRefused;
  out.message = r.NotReached() ? TenderRefusalText(TenderRefusal::kOfflineNeedsServer) : r.Message();
  out.json = r.body;
  return out;
}

ReplayReport Station::Replay() {
  ReplayReport report;
  for (JournalEntry& e : journal_.Pending()) {
    Reply r;
    for (int attempt = 0; attempt < 3; ++attempt) {
      r = gateway_.Post("/api/v1/sales", e.body, e.idempotency_key);
      if (!KeyAbandoned(r)) break;
      e.idempotency_key = http::NewUuid();
      journal_.Rekey(e.seq, e.idempotency_key);
    }
    if (r.ok()) {
      journal_.MarkSent(e.seq, r.status, r.body);
      ++report.sent;
    } else if (RetryLater(r)) {
      journal_.CountAttempt(e.seq);
      report.stopped = true;
      report.message = r.Message();
      break;
    } else {
      journal_.MarkRefused(e.seq, r.status, r.body);
      ++report.refused;
    }
  }
  report.pending = journal_.PendingCount();
  // A catalogue cached by an older console (no tax classes) is replaced as soon as the platform answers.
  if (!report.stopped && journal_.CatalogueStale() && signed_in()) SyncCatalogue();
  if (report.message.empty()) {
    report.message = std::to_string(report.sent) + " ventes envoyées, " + std::to_string(report.refused) +
                     " refusées, " + std::to_string(report.pending) + " en attente";
  }
  return report;
}

std::optional<std::int64_t> Station::register_session() const {
  const std::string id = journal_.Get("register_session_id");
  if (id.empty()) return std::nullopt;
  return std::atoll(id.c_str());
}

void Station::Print(const std::vector<std::string>& lines) {
  const std::string path = settings_.printer.empty() ? settings_.home + "/receipts.txt" : settings_.printer;
  std::ofstream out(path, std::ios::app);
  for (const auto& l : lines) out << l << "\n";
  out << "\n" << std::flush;
}

}  // namespace comptoir::console
