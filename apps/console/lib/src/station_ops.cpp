// The operations of the console that are one or two gateway calls each: returns, the register,
// stock, restock requests, logistics, head office. Texts are French; money is the server's.
#include <algorithm>
#include <cctype>
#include <fstream>

#include <boost/json.hpp>

#include "comptoir/console/format.hpp"
#include "comptoir/console/station.hpp"
#include "comptoir/pricing_json.hpp"
#include "comptoir/http/server.hpp"
#include "json_fields.hpp"

namespace comptoir::console {

namespace json = boost::json;

using detail::Int;
using detail::Parse;
using detail::Rows;
using detail::Str;

namespace {

std::string Money(const json::value& v, std::string_view key) {
  return FormatMoney(Int(v, key));
}

json::array LinesJson(const QuantityLines& lines) {
  json::array out;
  for (const auto& [product, quantity] : lines)
    out.push_back(json::object{{"product_id", product}, {"quantity", quantity}});
  return out;
}

std::string StatusLabel(const std::string& status) {
  if (status == "requested") return "demandée";
  if (status == "approved") return "approuvée";
  if (status == "rejected") return "refusée";
  if (status == "shipped") return "expédiée";
  if (status == "received") return "reçue";
  return status;
}

}  // namespace

Outcome Station::FindSale(const std::string& receipt) {
  const bool number = !receipt.empty() && (receipt[0] == 'S' || receipt[0] == 's');
  if (!number) return FromReply(gateway_.Get("/api/v1/sales/" + receipt), "Reçu trouvé");
  // A receipt number: the store's sales, newest first, until it is found (a till looks up recent ones).
  for (int page = 1; page <= 20; ++page) {
    Reply r = gateway_.Get("/api/v1/sales?per_page=100&location_id=" + std::to_string(store()) +
                           "&page=" + std::to_string(page));
    if (!r.ok()) return FromReply(r, "");
    auto v = Parse(r.body);
    if (!v) break;
    for (const auto& sale : Rows(*v, "data")) {
      if (Str(sale, "receipt_number") == receipt) {
        Reply found;
        found.status = 200;
        found.body = json::serialize(sale);
        return FromReply(found, "Reçu trouvé");
      }
    }
    if (Rows(*v, "data").size() < 100) break;
  }
  Outcome o;
  o.status = 404;
  o.code = "sales.not_found";
  o.message = "Aucun reçu " + receipt + " dans ce magasin";
  o.json = json::serialize(json::object{{"code", o.code}, {"detail", o.message}});
  return o;
}

Outcome Station::Reprint(const std::string& receipt) {
  Outcome o = FindSale(receipt);
  if (!o.ok) return o;
  if (auto r = ReceiptFromJson(o.json)) {
    o.text = FormatReceipt(*r, Header(), true);
    Print(o.text);
    o.message = "Copie du reçu " + r->receipt_number + " imprimée";
  }
  return o;
}

Outcome Station::LoadPromotions(Till& till) {
  const std::string location = std::to_string(store());
  Reply r = gateway_.Get("/api/v1/promotions?per_page=100&location_id=" + location);
  Outcome o = FromReply(r, "Promotions à jour");
  if (o.ok) {
    try {
      till.promotions = pricing::PromotionsFromList(json::parse(r.body));
    } catch (const std::exception&) {
      o.ok = false;
      o.message = "Promotions illisibles";
    }
  }
  return o;
}

Outcome Station::ApproveDiscounts(Till& till, const std::string& email, const std::string& password) {
  Gateway second(*transport_, settings_.api_key);
  Reply signed_in = second.Login(email, password);
  if (!signed_in.ok()) {
    Outcome o = FromReply(signed_in, "");
    o.message = "Accord du responsable refusé : " + signed_in.Message();
    return o;
  }
  till.manager_token = second.tokens().access_token;
  Outcome o;
  o.ok = true;
  o.message = "Rabais approuvé par le responsable";
  return o;
}

Outcome Station::Return(const std::string& receipt, const QuantityLines& lines, const std::string& reason,
                        const std::string& refund_method, const std::pair<std::string, std::string>& manager) {
  Outcome sale = FindSale(receipt);
  if (!sale.ok) return sale;
  auto original = ReceiptFromJson(sale.json);
  if (!original) return sale;
  json::object body{{"lines", LinesJson(lines)}, {"reason", reason.empty() ? "retour client" : reason}};
  if (!refund_method.empty()) body["refund_method"] = refund_method;
  if (auto session = register_session()) body["register_session_id"] = *session;
  HeaderList approval;
  if (!manager.first.empty()) {
    // The manager signs in at the till for this one approval; their token is not kept.
    Gateway second(*transport_, settings_.api_key);
    Reply signed_in = second.Login(manager.first, manager.second);
    if (!signed_in.ok()) {
      Outcome o = FromReply(signed_in, "");
      o.message = "Accord du responsable refusé : " + signed_in.Message();
      return o;
    }
    approval.emplace_back("X-Manager-Token", second.tokens().access_token);
  }
  Reply r = gateway_.Call("POST", "/api/v1/sales/" + std::to_string(original->id) + "/returns", json::serialize(body),
                          http::NewUuid(), approval);
  Outcome o = FromReply(r, "Retour enregistré sur " + original->receipt_number);
  if (o.ok) {
    if (auto refund = RefundFromJson(r.body)) {
      o.text = FormatRefund(*refund, original->receipt_number, Header());
      Print(o.text);
    }
  }
  return o;
}

Outcome Station::OpenRegister(std::int64_t float_cents) {
  json::object body{
      {"location_id", store()}, {"register", settings_.register_name}, {"opening_float_cents", float_cents}};
  Reply r = gateway_.Post("/api/v1/register-sessions", json::serialize(body));
  Outcome o = FromReply(r, "Caisse ouverte avec " + FormatMoney(float_cents));
  if (o.ok) {
    if (auto s = SessionFromJson(r.body)) {
      journal_.Set("register_session_id", std::to_string(s->id));
      o.text = {"Caisse " + s->register_name + " ouverte (session " + std::to_string(s->id) + "), fonds " +
                FormatMoney(s->opening_float_cents)};
    }
  }
  return o;
}

Outcome Station::CloseRegister(std::int64_t counted_cents) {
  auto session = register_session();
  if (!session) {
    Outcome o;
    o.code = "console.no_register_session";
    o.message = "Aucune caisse ouverte à ce poste.";
    o.json = json::serialize(json::object{{"code", o.code}, {"detail", o.message}});
    return o;
  }
  // Sales still in the journal belong to this session: they go first.
  if (journal_.PendingCount() > 0) {
    ReplayReport replay = Replay();
    if (replay.pending > 0) {
      Outcome o;
      o.code = "console.sales_pending";
      o.message =
          "Fermeture impossible : " + std::to_string(replay.pending) + " ventes hors ligne pas encore envoyées.";
      o.json = json::serialize(json::object{{"code", o.code}, {"detail", o.message}});
      return o;
    }
  }
  Reply r = gateway_.Post("/api/v1/register-sessions/" + std::to_string(*session) + "/close",
                          json::serialize(json::object{{"counted_cash_cents", counted_cents}}));
  Outcome o = FromReply(r, "Caisse fermée");
  if (o.ok || o.code == "sales.session_closed") journal_.Unset("register_session_id");
  if (o.ok) {
    if (auto s = SessionFromJson(r.body)) {
      o.text = FormatSessionClose(*s, Header());
      // The Z report the server numbered and stored at close (ADR 0150), printed under the slip.
      const json::value closed = json::parse(r.body);
      if (const auto* z = closed.as_object().if_contains("z_report"); z && z->is_object()) {
        for (std::string& line : FormatRegisterReport(json::serialize(*z))) o.text.push_back(std::move(line));
      }
      Print(o.text);
      const std::int64_t d = s->over_short_cents.value_or(0);
      o.message = "Caisse fermée : " + std::string(d > 0 ? "surplus " : d < 0 ? "manque " : "écart ") + FormatMoney(d);
    }
  }
  return o;
}

Outcome Station::StockOf(const std::string& product) {
  std::string problem;
  std::optional<Item> item;
  if (!product.empty() && std::all_of(product.begin(), product.end(), ::isdigit)) {
    item = journal_.ById(std::stoll(product));
  }
  if (!item) item = Lookup(product, problem);
  if (!item) {
    auto found = Search(product);
    if (!found.empty()) item = found.front();
  }
  if (!item) {
    Outcome o;
    o.status = 404;
    o.code = "product.not_found";
    o.message = problem.empty() ? "Produit introuvable : " + product : problem;
    o.json = json::serialize(json::object{{"code", o.code}, {"detail", o.message}});
    return o;
  }
  Reply r = gateway_.Get("/api/v1/inventory?per_page=100&product_id=" + std::to_string(item->id));
  Outcome o = FromReply(r, "Stock de " + item->name);
  if (!o.ok) return o;
  auto v = Parse(r.body);
  std::vector<std::vector<std::string>> rows;
  for (const auto& s : Rows(*v, "data")) {
    const std::int64_t loc = Int(s, "location_id");
    rows.push_back({(loc == store() ? "> " : "  ") + LocationName(loc), std::to_string(Int(s, "on_hand")),
                    std::to_string(Int(s, "available")), std::to_string(Int(s, "reorder_point"))});
  }
  o.text = {item->sku + "  " + item->name + "  " + FormatMoney(item->price_cents), ""};
  for (auto& l : Table({"Emplacement", "En main", "Dispo", "Seuil"}, rows, {false, true, true, true}))
    o.text.push_back(l);
  return o;
}

Outcome Station::Discrepancies(bool include_resolved) {
  Outcome o;
  o.ok = true;
  json::array out;
  std::vector<std::vector<std::string>> rows;
  for (const JournalEntry& e : journal_.Discrepancies(include_resolved)) {
    json::object x{{"seq", e.seq},
                   {"idempotency_key", e.idempotency_key},
                   {"status", EntryStatusName(e.status)},
                   {"http_status", e.http_status},
                   {"created_at", e.created_at},
                   {"local_total_cents", e.local_total_cents},
                   {"resolved", e.resolved},
                   {"resolved_note", e.resolved_note}};
    std::string what;
    if (e.status == EntryStatus::kRefused) {
      Reply answer;
      answer.status = e.http_status;
      answer.body = e.answer;
      what = "refusée : " + answer.Message();
      x["problem"] = Parse(e.answer).value_or(json::value(e.answer));
    } else if (auto receipt = ReceiptFromJson(e.answer)) {
      x["receipt_number"] = receipt->receipt_number;
      x["server_total_cents"] = receipt->totals.total_cents;
      what = receipt->receipt_number;
      if (receipt->totals.total_cents != e.local_total_cents) {
        what += " total serveur " + FormatMoney(receipt->totals.total_cents);
      }
      for (const auto& l : receipt->lines) {
        if (l.short_quantity > 0) what += " ; " + std::to_string(l.short_quantity) + " " + l.name + " hors stock";
      }
    }
    rows.push_back({std::to_string(e.seq), ShortTime(e.created_at), FormatMoney(e.local_total_cents),
                    e.resolved ? "réglé" : "à régler", what});
    out.push_back(std::move(x));
  }
  o.json = json::serialize(json::object{{"data", std::move(out)}});
  o.text = Table({"N°", "Heure", "Total caisse", "État", "Écart"}, rows, {true, false, true, false, false});
  o.message = std::to_string(rows.size()) + " écarts";
  return o;
}

Outcome Station::Resolve(std::int64_t seq, const std::string& note) {
  Outcome o;
  // A manager's decision (issue 13): the session signed in at this till must be a manager's or an admin's. The
  // role is the token's (kept in the journal), so that a discrepancy can be settled while the platform is down.
  const std::string& role = who().role;
  if (!signed_in() || (role != "manager" && role != "admin")) {
    o.status = signed_in() ? 403 : 401;
    o.code = signed_in() ? "console.manager_required" : "console.not_signed_in";
    o.message = signed_in() ? "Seul un gérant ou un administrateur peut régler un écart."
                            : "Non connecté : un gérant ou un administrateur doit se connecter pour régler un écart.";
    o.json = json::serialize(json::object{{"code", o.code}, {"detail", o.message}, {"seq", seq}, {"resolved", false}});
    return o;
  }
  o.ok = journal_.Resolve(seq, note);
  o.message = o.ok ? "Écart " + std::to_string(seq) + " réglé" : "Aucun écart n° " + std::to_string(seq);
  o.code = o.ok ? "" : "console.no_discrepancy";
  o.json = json::serialize(json::object{{"seq", seq}, {"resolved", o.ok}});
  return o;
}

Outcome Station::CreateRestock(const QuantityLines& lines, const std::string& note) {
  json::object body{{"location_id", store()}, {"lines", LinesJson(lines)}, {"note", note}};
  Reply r = gateway_.Post("/api/v1/restock-requests", json::serialize(body), http::NewUuid());
  Outcome o = FromReply(r, "Demande de réapprovisionnement envoyée");
  if (o.ok) o.message += " (n° " + Str(Parse(r.body).value_or(json::value{}), "id") + ")";
  return o;
}

Outcome Station::ListRestock(const std::string& status, std::optional<std::int64_t> location) {
  Reply r = gateway_.Get("/api/v1/restock-requests" +
                         QueryString({{"status", status},
                                      {"location_id", location ? std::to_string(*location) : std::string()},
                                      {"per_page", "100"}}));
  Outcome o = FromReply(r, "Demandes de réapprovisionnement");
  if (!o.ok) return o;
  std::vector<std::vector<std::string>> rows;
  const json::value answer1 = Parse(r.body).value_or(json::value{});
  for (const auto& q : Rows(answer1, "data")) {
    std::string lines;
    for (const auto& l : Rows(q, "lines")) {
      auto item = journal_.ById(Int(l, "product_id"));
      lines += (lines.empty() ? "" : ", ") + std::to_string(Int(l, "requested_quantity")) + " " +
               (item ? item->name : "#" + Str(l, "product_id"));
      if (!Str(l, "approved_quantity").empty()) lines += " (" + Str(l, "approved_quantity") + " appr.)";
    }
    rows.push_back({Str(q, "id"), LocationName(Int(q, "location_id")), StatusLabel(Str(q, "status")),
                    ShortTime(Str(q, "created_at")), lines});
  }
  o.text = Table({"N°", "Magasin", "État", "Demandée", "Articles"}, rows, {true, false, false, false, false});
  o.message = std::to_string(rows.size()) + " demandes";
  return o;
}

Outcome Station::ShowRestock(std::int64_t id) {
  return FromReply(gateway_.Get("/api/v1/restock-requests/" + std::to_string(id)), "Demande " + std::to_string(id));
}

Outcome Station::ApproveRestock(std::int64_t id, const QuantityLines& given) {
  QuantityLines lines = given;
  if (lines.empty()) {
    // Everything requested, as requested.
    Reply shown = gateway_.Get("/api/v1/restock-requests/" + std::to_string(id));
    if (!shown.ok()) return FromReply(shown, "");
    const json::value answer2 = Parse(shown.body).value_or(json::value{});
    for (const auto& l : Rows(answer2, "lines")) {
      lines.emplace_back(Int(l, "product_id"), Int(l, "requested_quantity"));
    }
  }
  json::object body{{"lines", LinesJson(lines)}};
  return FromReply(gateway_.Post("/api/v1/restock-requests/" + std::to_string(id) + "/approve", json::serialize(body)),
                   "Demande " + std::to_string(id) + " approuvée");
}

Outcome Station::RejectRestock(std::int64_t id, const std::string& reason) {
  return FromReply(gateway_.Post("/api/v1/restock-requests/" + std::to_string(id) + "/reject",
                                 json::serialize(json::object{{"reason", reason}})),
                   "Demande " + std::to_string(id) + " refusée");
}

Outcome Station::ShipRestock(std::int64_t id) {
  return FromReply(gateway_.Post("/api/v1/restock-requests/" + std::to_string(id) + "/ship", "{}"),
                   "Demande " + std::to_string(id) + " expédiée");
}

Outcome Station::ReceiveRestock(std::int64_t id) {
  return FromReply(gateway_.Post("/api/v1/restock-requests/" + std::to_string(id) + "/receive", "{}"),
                   "Livraison " + std::to_string(id) + " reçue");
}

Outcome Station::CentreStock(bool low_only) {
  const std::int64_t centre = who().location_id.value_or(6);
  Reply r = gateway_.Get(std::string(low_only ? "/api/v1/inventory/alerts" : "/api/v1/inventory") +
                         "?per_page=100&location_id=" + std::to_string(centre));
  Outcome o = FromReply(r, low_only ? "Alertes de stock bas" : "Stock du centre");
  if (!o.ok) return o;
  std::vector<std::vector<std::string>> rows;
  const json::value answer3 = Parse(r.body).value_or(json::value{});
  for (const auto& s : Rows(answer3, "data")) {
    auto item = journal_.ById(Int(s, "product_id"));
    const bool low = Int(s, "available") <= Int(s, "reorder_point");
    rows.push_back({Str(s, "product_id"), item ? item->name : "", std::to_string(Int(s, "on_hand")),
                    std::to_string(Int(s, "available")), std::to_string(Int(s, "reorder_point")), low ? "BAS" : ""});
  }
  o.text = Table({"Produit", "Nom", "En main", "Dispo", "Seuil", ""}, rows, {true, false, true, true, true, false});
  return o;
}

std::optional<std::string> AdjustmentReasonCode(std::string_view motif) {
  // Lower case, without accents (the few letters French motifs use), spaces and dashes as underscores.
  std::string folded;
  for (std::size_t i = 0; i < motif.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(motif[i]);
    if (c == 0xC3 && i + 1 < motif.size()) {  // é è ê à â ç î ô û, upper or lower
      unsigned char n = static_cast<unsigned char>(motif[++i]) | 0x20;
      folded += n >= 0xA0 && n <= 0xA5 ? 'a' : n == 0xA7 ? 'c' : n >= 0xA8 && n <= 0xAB ? 'e'
              : n >= 0xAC && n <= 0xAF ? 'i' : n >= 0xB2 && n <= 0xB6 ? 'o' : n >= 0xB9 && n <= 0xBC ? 'u' : '?';
    } else if (c == ' ' || c == '-') {
      if (!folded.empty() && folded.back() != '_') folded += '_';
    } else {
      folded += static_cast<char>(std::tolower(c));
    }
  }
  while (!folded.empty() && folded.back() == '_') folded.pop_back();
  static const std::pair<std::string_view, std::string_view> kMotifs[] = {
      {"count_correction", "count_correction"}, {"inventaire", "count_correction"}, {"comptage", "count_correction"},
      {"damaged", "damaged"},                   {"casse", "damaged"},               {"endommage", "damaged"},
      {"theft_or_loss", "theft_or_loss"},       {"vol", "theft_or_loss"},           {"perte", "theft_or_loss"},
      {"found", "found"},                       {"trouve", "found"},                {"expired", "expired"},
      {"perime", "expired"},                    {"return_to_vendor", "return_to_vendor"},
      {"retour_fournisseur", "return_to_vendor"}, {"internal_use", "internal_use"},
      {"usage_interne", "internal_use"},        {"other", "other"},                 {"autre", "other"}};
  for (const auto& [word, code] : kMotifs) {
    if (folded == word) return std::string(code);
  }
  return std::nullopt;
}

Outcome Station::Adjust(std::int64_t location, std::int64_t product, std::int64_t delta, const std::string& reason,
                        const std::string& note) {
  auto code = AdjustmentReasonCode(reason);
  if (!code) {
    Outcome refused;
    refused.code = "console.unknown_motif";
    refused.message = "Motif inconnu : casse, vol, perte, inventaire, trouvé, périmé, retour fournisseur, "
                      "usage interne ou autre";
    return refused;
  }
  const std::string key = http::NewUuid();
  json::object body{{"location_id", location},
                    {"reason", "adjustment"},
                    {"adjustment_reason", *code},
                    {"reference", "console"},
                    {"note", note},
                    {"lines", json::array{json::object{{"product_id", product}, {"quantity", delta}}}}};
  return FromReply(gateway_.Post("/api/v1/inventory/movements", json::serialize(body), key), "Ajustement enregistré");
}

Outcome Station::Movements(std::int64_t product, std::optional<std::int64_t> location) {
  Reply r = gateway_.Get("/api/v1/inventory/movements" +
                         QueryString({{"product_id", std::to_string(product)},
                                      {"location_id", location ? std::to_string(*location) : std::string()},
                                      {"per_page", "50"}}));
  Outcome o = FromReply(r, "Mouvements du produit " + std::to_string(product));
  if (!o.ok) return o;
  std::vector<std::vector<std::string>> rows;
  const json::value answer4 = Parse(r.body).value_or(json::value{});
  for (const auto& m : Rows(answer4, "data")) {
    const std::int64_t q = Int(m, "quantity");
    rows.push_back({ShortTime(Str(m, "created_at")), LocationName(Int(m, "location_id")), Str(m, "reason"),
                    (q > 0 ? "+" : "") + std::to_string(q), std::to_string(Int(m, "on_hand_after")), Str(m, "note")});
  }
  o.text =
      Table({"Quand", "Emplacement", "Motif", "Qté", "Après", "Note"}, rows, {false, false, false, true, true, false});
  return o;
}

Outcome Station::Dashboard() {
  Reply r = gateway_.Get("/api/v1/dashboard");
  Outcome o = FromReply(r, "Tableau de bord");
  if (!o.ok) return o;
  auto v = Parse(r.body).value_or(json::value{});
  std::vector<std::vector<std::string>> rows;
  auto trend = [](const json::value& x) {
    const auto* t = x.as_object().if_contains("trend_pct");
    if (t == nullptr || !t->is_number()) return std::string("—");
    const double pct = t->to_number<double>();
    return std::string(pct >= 0 ? "+" : "") + std::to_string(static_cast<long long>(pct)) + " %";
  };
  for (const auto& s : Rows(v, "stores")) {
    rows.push_back({PadRight(Str(s, "name"), 18), Money(s, "revenue_today_cents"), Money(s, "revenue_7d_cents"),
                    trend(s), std::to_string(Int(s, "transactions_today")), Money(s, "average_basket_cents"),
                    std::to_string(Int(s, "low_stock_count")), std::to_string(Int(s, "pending_restock_requests"))});
  }
  const auto& online = v.as_object().contains("online") ? v.at("online") : json::value(json::object{});
  rows.push_back({"En ligne", Money(online, "revenue_today_cents"), Money(online, "revenue_7d_cents"), trend(online),
                  std::to_string(Int(online, "orders_today")), Money(online, "average_basket_cents"), "", ""});
  const auto& totals = v.as_object().contains("totals") ? v.at("totals") : json::value(json::object{});
  rows.push_back({"TOTAL", Money(totals, "revenue_today_cents"), Money(totals, "revenue_7d_cents"), trend(totals),
                  std::to_string(Int(totals, "transactions_today")), Money(totals, "average_basket_cents"),
                  std::to_string(Int(totals, "low_stock_count")),
                  std::to_string(Int(totals, "pending_restock_requests"))});
  o.text = Table({"Magasin", "Auj.", "7 jours", "Tend.", "Trans.", "Panier", "Bas", "Réap."}, rows,
                 {false, true, true, true, true, true, true, true}, 1);
  o.text.push_back("à jour : " + ShortTime(Str(v, "as_of")));
  return o;
}

Outcome Station::SalesReport(const std::string& from, const std::string& to, const std::string& group_by) {
  Reply r =
      gateway_.Get("/api/v1/reports/sales" +
                   QueryString({{"from", from}, {"to", to}, {"group_by", group_by.empty() ? "location" : group_by}}));
  Outcome o = FromReply(r, "Rapport des ventes");
  if (!o.ok) return o;
  auto v = Parse(r.body).value_or(json::value{});
  std::vector<std::vector<std::string>> rows;
  for (const auto& x : Rows(v, "rows")) {
    std::string name = Str(x, "name");
    for (const char* k : {"day", "channel", "category", "product"}) {
      if (name.empty()) name = Str(x, k);
    }
    // The screen keeps what fits 80 columns; --json and the CSV export have every column (taxes too).
    rows.push_back({PadRight(name, 18), std::to_string(Int(x, "transactions")), Money(x, "subtotal_cents"),
                    Money(x, "total_cents"), Money(x, "refunds_cents"), Money(x, "net_cents")});
  }
  const auto& t = v.as_object().contains("totals") ? v.at("totals") : json::value(json::object{});
  rows.push_back({"TOTAL", std::to_string(Int(t, "transactions")), Money(t, "subtotal_cents"), Money(t, "total_cents"),
                  Money(t, "refunds_cents"), Money(t, "net_cents")});
  o.text = {"Du " + Str(v, "from") + " au " + Str(v, "to") + " (TPS " + Money(t, "gst_cents") + ", TVQ " +
                Money(t, "qst_cents") + ")",
            ""};
  for (auto& l :
       Table({"", "Trans.", "Sous-total", "Total", "Remb.", "Net"}, rows, {false, true, true, true, true, true}, 1)) {
    o.text.push_back(l);
  }
  return o;
}

Outcome Station::TopProducts(const std::string& from, const std::string& to, int limit) {
  Reply r = gateway_.Get("/api/v1/reports/top-products" +
                         QueryString({{"from", from}, {"to", to}, {"limit", std::to_string(limit)}}));
  Outcome o = FromReply(r, "Meilleurs produits");
  if (!o.ok) return o;
  std::vector<std::vector<std::string>> rows;
  const json::value answer5 = Parse(r.body).value_or(json::value{});
  for (const auto& x : Rows(answer5, "rows")) {
    rows.push_back({Str(x, "rank"), Str(x, "name"), std::to_string(Int(x, "quantity")), Money(x, "sales_cents")});
  }
  o.text = Table({"Rang", "Produit", "Qté", "Ventes"}, rows, {true, false, true, true});
  return o;
}

Outcome Station::StockReport(bool low_only) {
  Reply r = gateway_.Get(std::string("/api/v1/reports/stock") + (low_only ? "?low_stock=true" : ""));
  Outcome o = FromReply(r, "Stock par emplacement");
  if (!o.ok) return o;
  std::vector<std::vector<std::string>> rows;
  const json::value answer6 = Parse(r.body).value_or(json::value{});
  for (const auto& x : Rows(answer6, "rows")) {
    rows.push_back({Str(x, "location"), Str(x, "product"), std::to_string(Int(x, "on_hand")),
                    std::to_string(Int(x, "available")), std::to_string(Int(x, "reorder_point")),
                    Str(x, "low_stock") == "true" ? "BAS" : ""});
  }
  o.text =
      Table({"Emplacement", "Produit", "En main", "Dispo", "Seuil", ""}, rows, {false, false, true, true, true, false});
  return o;
}

Outcome Station::ExportCsv(const Outcome& report, const std::string& path) {
  Outcome o;
  auto v = Parse(report.json);
  if (!report.ok || !v) return report;
  const auto& rows = Rows(*v, "rows").empty() ? Rows(*v, "data") : Rows(*v, "rows");
  std::vector<std::string> columns;
  for (const auto& row : rows) {
    if (!row.is_object()) continue;
    for (const auto& [k, x] : row.as_object()) {
      if (std::find(columns.begin(), columns.end(), std::string(k)) == columns.end()) columns.emplace_back(k);
    }
  }
  std::ofstream out(path, std::ios::trunc);
  auto cell = [](std::string text) {
    if (text.find_first_of(",\"\n") == std::string::npos) return text;
    std::string quoted = "\"";
    for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
  };
  for (std::size_t i = 0; i < columns.size(); ++i) out << (i ? "," : "") << cell(columns[i]);
  out << "\n";
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < columns.size(); ++i) out << (i ? "," : "") << cell(Str(row, columns[i]));
    out << "\n";
  }
  o.ok = static_cast<bool>(out.flush());
  o.message = o.ok ? std::to_string(rows.size()) + " lignes écrites dans " + path : "Impossible d'écrire " + path;
  o.code = o.ok ? "" : "console.write_failed";
  o.json = json::serialize(json::object{{"path", path}, {"rows", rows.size()}, {"ok", o.ok}});
  return o;
}

Outcome Station::CreateProduct(const std::string& sku, const std::string& name, std::int64_t price_cents,
                               std::optional<std::int64_t> category_id) {
  json::object body{{"sku", sku}, {"name", name}, {"price_cents", price_cents}};
  if (category_id) body["category_id"] = *category_id;
  return FromReply(gateway_.Post("/api/v1/products", json::serialize(body)), "Produit " + sku + " créé");
}

Outcome Station::ChangePrice(std::int64_t product, std::int64_t price_cents) {
  return FromReply(gateway_.Call("PATCH", "/api/v1/products/" + std::to_string(product),
                                 json::serialize(json::object{{"price_cents", price_cents}})),
                   "Nouveau prix : " + FormatMoney(price_cents));
}

Outcome Station::Archive(std::int64_t product) {
  return FromReply(gateway_.Call("DELETE", "/api/v1/products/" + std::to_string(product)),
                   "Produit " + std::to_string(product) + " archivé");
}

Outcome Station::ListStaff() {
  Reply r = gateway_.Get("/api/v1/staff?per_page=100");
  Outcome o = FromReply(r, "Comptes du personnel");
  if (!o.ok) return o;
  std::vector<std::vector<std::string>> rows;
  const json::value answer7 = Parse(r.body).value_or(json::value{});
  for (const auto& s : Rows(answer7, "data")) {
    const std::string loc = Str(s, "location_id");
    rows.push_back({Str(s, "id"), Str(s, "email"), Str(s, "role"), loc.empty() ? "" : LocationName(std::stoll(loc)),
                    Str(s, "active") == "false" ? "désactivé" : ""});
  }
  o.text = Table({"N°", "Courriel", "Rôle", "Magasin", ""}, rows, {true, false, false, false, false});
  return o;
}

Outcome Station::CreateStaff(const std::string& email, const std::string& password, const std::string& first_name,
                             const std::string& last_name, const std::string& role,
                             std::optional<std::int64_t> location) {
  json::object body{
      {"email", email}, {"password", password}, {"first_name", first_name}, {"last_name", last_name}, {"role", role}};
  if (location) body["location_id"] = *location;
  return FromReply(gateway_.Post("/api/v1/staff", json::serialize(body)), "Compte " + email + " créé");
}

Outcome Station::SetStaffActive(std::int64_t id, bool active) {
  return FromReply(
      gateway_.Call("PATCH", "/api/v1/staff/" + std::to_string(id), json::serialize(json::object{{"active", active}})),
      "Compte " + std::to_string(id) + (active ? " réactivé" : " désactivé"));
}

}  // namespace comptoir::console
