// Till operations of the console (issue 15, ADR 0150–0152): no-sale, cash drop, pay-out, voids, the X report,
// the Z printed at close, suspended sales kept on the server, gift cards sold / topped up and their balance.
#include <boost/json.hpp>

#include "comptoir/console/format.hpp"
#include "comptoir/console/station.hpp"
#include "comptoir/http/server.hpp"
#include "comptoir/money.hpp"
#include "json_fields.hpp"

namespace comptoir::console {
namespace {

namespace json = boost::json;

std::int64_t At(const json::value& v, std::initializer_list<std::string_view> path) {
  const json::value* cur = &v;
  for (std::string_view key : path) {
    const auto* o = cur->if_object();
    if (!o) return 0;
    cur = o->if_contains(key);
    if (!cur) return 0;
  }
  return cur->is_number() ? cur->to_number<std::int64_t>() : 0;
}

Outcome Refusal(std::string code, std::string message) {
  Outcome o;
  o.code = std::move(code);
  o.message = std::move(message);
  o.json = json::serialize(json::object{{"code", o.code}, {"detail", o.message}});
  return o;
}

constexpr std::size_t kWidth = 40;

}  // namespace

std::vector<std::string> FormatRegisterReport(std::string_view report_json) {
  boost::system::error_code ec;
  const json::value r = json::parse(report_json, ec);
  if (ec || !r.is_object()) return {"Rapport illisible"};
  const bool z = r.at("type").as_string() == "Z";
  auto line = [](std::string_view label, std::int64_t cents) { return Spread(label, FormatMoney(cents), kWidth); };
  auto count = [](std::string_view label, std::int64_t n, std::int64_t cents) {
    return Spread(std::string(label) + " (" + std::to_string(n) + ")", FormatMoney(cents), kWidth);
  };
  std::vector<std::string> out;
  out.push_back(std::string(kWidth, '='));
  out.push_back(z ? "RAPPORT Z n° " + std::to_string(At(r, {"z_number"})) : "RAPPORT X (lecture, sans remise à zéro)");
  const auto* reg = r.as_object().if_contains("register");
  out.push_back("Caisse " + std::string(reg && reg->is_string() ? reg->as_string() : "") + " · session " +
                std::to_string(At(r, {"register_session_id"})));
  if (const auto* at = r.as_object().if_contains("generated_at"); at && at->is_string())
    out.push_back("Édité le " + std::string(at->as_string()));
  out.push_back(std::string(kWidth, '-'));
  out.push_back(Spread("Ventes", std::to_string(At(r, {"sales", "count"})), kWidth));
  out.push_back(line("Sous-total", At(r, {"sales", "subtotal_cents"})));
  out.push_back(line("Total encaissé", At(r, {"sales", "total_cents"})));
  out.push_back(line("Chiffre d'affaires", At(r, {"sales", "revenue_cents"})));
  out.push_back("Par mode de paiement :");
  for (const auto& [key, label] : std::initializer_list<std::pair<std::string_view, std::string_view>>{
           {"cash", "  Comptant"}, {"card", "  Crédit"}, {"debit", "  Débit"}, {"gift_card", "  Carte-cadeau"}}) {
    out.push_back(count(label, At(r, {"tenders", key, "count"}), At(r, {"tenders", key, "amount_cents"})));
  }
  out.push_back("Taxes perçues (nettes des remb.) :");
  out.push_back(line("  TPS", At(r, {"taxes", "gst", "net_cents"})));
  out.push_back(line("  TVQ", At(r, {"taxes", "qst", "net_cents"})));
  // Per tax class (ADR 0140), net of refunds: the taxes above are the taxable sales' only.
  const std::int64_t zero_rated = At(r, {"taxes", "by_class", "zero_rated", "net_cents"});
  const std::int64_t exempt = At(r, {"taxes", "by_class", "exempt", "net_cents"});
  if (zero_rated != 0 || exempt != 0) {
    out.push_back(line("  Ventes taxables", At(r, {"taxes", "by_class", "taxable", "net_cents"})));
    if (zero_rated != 0) out.push_back(line("  Ventes détaxées", zero_rated));
    if (exempt != 0) out.push_back(line("  Ventes exonérées", exempt));
  }
  out.push_back(count("Remboursements", At(r, {"refunds", "count"}), At(r, {"refunds", "total_cents"})));
  out.push_back(line("Rabais", At(r, {"discounts_cents"})));
  if (At(r, {"discounts", "promotions_cents"}) != 0) {  // ADR 0141: the promotions' part, then the cashiers'
    out.push_back(line("  dont promotions", At(r, {"discounts", "promotions_cents"})));
    out.push_back(line("  dont rabais de ligne", At(r, {"discounts", "line_cents"})));
  }
  out.push_back(count("Cartes-cadeaux vendues", At(r, {"gift_cards", "count"}), At(r, {"gift_cards", "amount_cents"})));
  out.push_back(count("Annulations", At(r, {"voids", "count"}), At(r, {"voids", "amount_cents"})));
  out.push_back(Spread("Ouvertures sans vente", std::to_string(At(r, {"no_sales", "count"})), kWidth));
  out.push_back(count("Dépôts au coffre", At(r, {"drops", "count"}), At(r, {"drops", "amount_cents"})));
  out.push_back(count("Sorties de caisse", At(r, {"payouts", "count"}), At(r, {"payouts", "amount_cents"})));
  out.push_back(std::string(kWidth, '-'));
  out.push_back(line("Fonds de caisse", At(r, {"cash", "opening_float_cents"})));
  out.push_back(line("Comptant attendu", At(r, {"cash", "expected_cents"})));
  if (z) {
    const std::int64_t d = At(r, {"cash", "over_short_cents"});
    out.push_back(line("Comptant compté", At(r, {"cash", "counted_cents"})));
    out.push_back(line(d > 0 ? "Surplus" : d < 0 ? "Manque" : "Écart", d));
  }
  if (At(r, {"late_sales", "count"}) > 0)
    out.push_back(
        count("Ventes hors ligne après Z", At(r, {"late_sales", "count"}), At(r, {"late_sales", "total_cents"})));
  out.push_back(std::string(kWidth, '='));
  return out;
}

Outcome Station::RecordMovement(const std::string& kind, std::int64_t amount_cents, const std::string& reason,
                                const std::vector<VoidLine>& lines) {
  auto session = register_session();
  if (!session) return Refusal("console.no_register_session", "Aucune caisse ouverte à ce poste.");
  json::object body{{"kind", kind}};
  if (amount_cents > 0) body["amount_cents"] = amount_cents;
  if (!reason.empty()) body["reason"] = reason;
  if (!lines.empty()) {
    json::array out;
    for (const VoidLine& l : lines)
      out.push_back(
          json::object{{"product_id", l.product_id}, {"quantity", l.quantity}, {"amount_cents", l.amount_cents}});
    body["lines"] = std::move(out);
  }
  const std::string key = http::NewUuid();
  Reply r = gateway_.Call("POST", "/api/v1/register-sessions/" + std::to_string(*session) + "/movements",
                          json::serialize(body), key);
  if (r.OutcomeUnknown()) {
    r = gateway_.Call("POST", "/api/v1/register-sessions/" + std::to_string(*session) + "/movements",
                      json::serialize(body), key);  // the same key: recorded once
  }
  std::string done = kind == "no_sale"     ? "Tiroir ouvert sans vente (noté)"
                     : kind == "drop"      ? "Dépôt au coffre de " + FormatMoney(amount_cents) + " noté"
                     : kind == "payout"    ? "Sortie de caisse de " + FormatMoney(amount_cents) + " notée"
                     : kind == "void_line" ? "Ligne annulée (notée)"
                                           : "Vente annulée (notée)";
  return FromReply(r, done);
}

Outcome Station::XReport() {
  auto session = register_session();
  if (!session) return Refusal("console.no_register_session", "Aucune caisse ouverte à ce poste.");
  Reply r = gateway_.Get("/api/v1/register-sessions/" + std::to_string(*session) + "/report");
  Outcome o = FromReply(r, "Rapport X de la caisse " + settings_.register_name);
  if (o.ok) o.text = FormatRegisterReport(r.body);
  return o;
}

Outcome Station::Suspend(Till& till) {
  if (till.empty()) return Refusal("console.empty_basket", "Rien à mettre en attente.");
  json::object body{
      {"location_id", store()}, {"register", settings_.register_name}, {"basket", json::parse(till.ToDraft())}};
  if (!till.customer_label.empty()) body["label"] = till.customer_label;
  const std::string key = http::NewUuid();
  Reply r = gateway_.Call("POST", "/api/v1/suspended-sales", json::serialize(body), key);
  if (r.OutcomeUnknown()) r = gateway_.Call("POST", "/api/v1/suspended-sales", json::serialize(body), key);
  Outcome o = FromReply(r, "Vente mise en attente");
  if (o.ok) {
    const json::value v = json::parse(r.body);
    o.message = "Vente mise en attente (n° " + std::to_string(v.at("id").to_number<std::int64_t>()) +
                ") : reprenable à toute caisse du magasin";
    till.Clear();
    journal_.ClearDraft();
  }
  return o;
}

Outcome Station::ListSuspended() {
  Reply r = gateway_.Get("/api/v1/suspended-sales");
  Outcome o = FromReply(r, "Ventes en attente");
  if (!o.ok) return o;
  const json::value v = json::parse(r.body);
  o.text = {"", "  N°     Caisse  Lignes  Client / note                 Mise en attente"};
  for (const auto& s : v.at("data").as_array()) {
    const auto& so = s.as_object();
    auto text = [&](std::string_view k) {
      const auto* x = so.if_contains(k);
      return x && x->is_string() ? std::string(x->as_string()) : std::string();
    };
    o.text.push_back("  " + PadRight(std::to_string(s.at("id").to_number<std::int64_t>()), 7) +
                     PadRight(text("register"), 8) +
                     PadRight(std::to_string(s.at("line_count").to_number<std::int64_t>()), 8) +
                     PadRight(text("label"), 30) + text("created_at").substr(0, 16));
  }
  if (v.at("data").as_array().empty()) o.text.push_back("  Aucune vente en attente dans ce magasin.");
  return o;
}

Outcome Station::Resume(std::int64_t id, Till& till) {
  if (!till.empty()) return Refusal("console.basket_not_empty", "Terminer ou annuler la vente en cours d'abord.");
  Reply r = gateway_.Call("POST", "/api/v1/suspended-sales/" + std::to_string(id) + "/resume",
                          json::serialize(json::object{{"register", settings_.register_name}}));
  Outcome o = FromReply(r, "Vente n° " + std::to_string(id) + " reprise");
  if (o.code == "sales.suspended_sale_resumed") o.message = "La vente n° " + std::to_string(id) + " a déjà été reprise";
  if (o.code == "sales.suspended_sale_not_found") o.message = "Aucune vente en attente n° " + std::to_string(id);
  if (o.ok) {
    const json::value v = json::parse(r.body);
    Till resumed = Till::FromDraft(json::serialize(v.at("basket")));
    resumed.promotions = std::move(till.promotions);  // the store's promotions and limit stay (ADR 0141)
    resumed.discount_limit_percent = till.discount_limit_percent;
    till = std::move(resumed);
    journal_.SaveDraft(till.ToDraft());
  }
  return o;
}

Outcome Station::GiftCardBalance(const std::string& code, const std::string& pin) {
  Reply r = gateway_.Post("/api/v1/gift-cards/balance", json::serialize(json::object{{"code", code}, {"pin", pin}}));
  Outcome o = FromReply(r, "Solde de la carte-cadeau");
  if (o.ok) {
    const json::value v = json::parse(r.body);
    const bool active = !v.as_object().contains("active") || v.at("active").as_bool();
    o.text = {"", "  Carte " + std::string(v.at("code").as_string()),
              "  Solde : " + FormatMoney(v.at("balance_cents").to_number<std::int64_t>()),
              active ? "" : "  Carte non activée (à vendre à la caisse)"};
    o.message = "Solde : " + FormatMoney(v.at("balance_cents").to_number<std::int64_t>());
  }
  return o;
}

Outcome Station::LoadGiftCard(const std::string& code, std::int64_t amount_cents, Method method) {
  if (method == Method::kGiftCard)
    return Refusal("console.gift_card_for_gift_card", "Une carte-cadeau ne paie pas une carte-cadeau.");
  std::int64_t paid = amount_cents;
  if (method == Method::kCash) paid = money::RoundToNickel(amount_cents);
  json::object body{{"location_id", store()},
                    {"lines", json::array{json::object{{"gift_card_code", code}, {"amount_cents", amount_cents}}}},
                    {"payments", json::array{json::object{{"method", MethodName(method)}, {"amount_cents", paid}}}}};
  if (auto session = register_session()) body["register_session_id"] = *session;
  const std::string key = http::NewUuid();
  Reply r = gateway_.Call("POST", "/api/v1/sales", json::serialize(body), key);
  if (r.OutcomeUnknown()) r = gateway_.Call("POST", "/api/v1/sales", json::serialize(body), key);
  Outcome o = FromReply(r, "Carte-cadeau chargée");
  if (o.ok) {
    const json::value v = json::parse(r.body);
    const auto& load = v.at("gift_cards").at(0);
    const bool activation = load.at("kind").as_string() == "activation";
    o.text = {"",
              "  " + std::string(activation ? "Carte activée" : "Carte rechargée") + " : " +
                  std::string(load.at("gift_card_code").as_string()),
              "  Montant : " + FormatMoney(load.at("amount_cents").to_number<std::int64_t>()) + " (non taxable)",
              "  Nouveau solde : " + FormatMoney(load.at("balance_cents").to_number<std::int64_t>()),
              "  Reçu " + std::string(v.at("receipt_number").as_string()) + " · payé " +
                  std::string(MethodLabel(method)) + " " + FormatMoney(paid)};
    o.message = std::string(activation ? "Carte activée" : "Carte rechargée") + " — solde " +
                FormatMoney(load.at("balance_cents").to_number<std::int64_t>());
    Print(o.text);
  }
  return o;
}

}  // namespace comptoir::console
