// Transfers between stores (ADR 0171) and cycle counts (ADR 0172): one gateway call each. Texts are French;
// quantities and money are the server's.
#include <boost/json.hpp>

#include "comptoir/console/format.hpp"
#include "comptoir/console/station.hpp"
#include "comptoir/http/server.hpp"
#include "json_fields.hpp"

namespace comptoir::console {

namespace json = boost::json;

using detail::Int;
using detail::Parse;
using detail::Rows;
using detail::Str;

namespace {

json::array LinesOf(const QuantityLines& lines) {
  json::array out;
  for (const auto& [product, quantity] : lines)
    out.push_back(json::object{{"product_id", product}, {"quantity", quantity}});
  return out;
}

std::string TransferStatus(const std::string& status) {
  if (status == "requested") return "demandé";
  if (status == "approved") return "approuvé";
  if (status == "rejected") return "refusé";
  if (status == "shipped") return "en transit";
  if (status == "received") return "reçu";
  return status;
}

std::string CountStatus(const std::string& status) {
  if (status == "open") return "ouvert";
  if (status == "posted") return "comptabilisé";
  if (status == "cancelled") return "annulé";
  return status;
}

std::string TransferPath(std::int64_t id, const std::string& step = {}) {
  return "/api/v1/inventory/transfers/" + std::to_string(id) + (step.empty() ? "" : "/" + step);
}
std::string CountPath(std::int64_t id, const std::string& step = {}) {
  return "/api/v1/inventory/counts/" + std::to_string(id) + (step.empty() ? "" : "/" + step);
}

}  // namespace

std::string Station::ProductLabel(std::int64_t product) {
  auto item = journal_.ById(product);
  return item ? item->name : "#" + std::to_string(product);
}

Outcome Station::CreateTransfer(std::int64_t from, const QuantityLines& lines, const std::string& note) {
  json::object body{{"from_location_id", from}, {"to_location_id", store()}, {"lines", LinesOf(lines)}, {"note", note}};
  Reply r = gateway_.Post("/api/v1/inventory/transfers", json::serialize(body), http::NewUuid());
  Outcome o = FromReply(r, "Transfert demandé à " + LocationName(from));
  if (o.ok) o.message += " (n° " + Str(Parse(r.body).value_or(json::value{}), "id") + ")";
  return o;
}

Outcome Station::ListTransfers(const std::string& status, std::optional<std::int64_t> location) {
  Reply r = gateway_.Get("/api/v1/inventory/transfers" +
                         QueryString({{"status", status},
                                      {"location_id", location ? std::to_string(*location) : std::string()},
                                      {"per_page", "100"}}));
  Outcome o = FromReply(r, "Transferts");
  if (!o.ok) return o;
  std::vector<std::vector<std::string>> rows;
  const json::value answer = Parse(r.body).value_or(json::value{});
  for (const auto& t : Rows(answer, "data")) {
    std::string lines;
    for (const auto& l : Rows(t, "lines")) {
      lines += (lines.empty() ? "" : ", ") + std::to_string(Int(l, "requested_quantity")) + " " +
               ProductLabel(Int(l, "product_id"));
      if (!Str(l, "approved_quantity").empty()) lines += " (" + Str(l, "approved_quantity") + " appr.)";
    }
    rows.push_back({Str(t, "id"), LocationName(Int(t, "from_location_id")), LocationName(Int(t, "to_location_id")),
                    TransferStatus(Str(t, "status")), ShortTime(Str(t, "created_at")), lines});
  }
  o.text = Table({"N°", "De", "Vers", "État", "Demandé", "Articles"}, rows, {true, false, false, false, false, false});
  o.message = std::to_string(rows.size()) + " transferts";
  return o;
}

Outcome Station::ShowTransfer(std::int64_t id) {
  return FromReply(gateway_.Get(TransferPath(id)), "Transfert " + std::to_string(id));
}

Outcome Station::ApproveTransfer(std::int64_t id, const QuantityLines& given) {
  QuantityLines lines = given;
  if (lines.empty()) {  // everything requested, as requested
    Reply shown = gateway_.Get(TransferPath(id));
    if (!shown.ok()) return FromReply(shown, "");
    const json::value answer = Parse(shown.body).value_or(json::value{});
    for (const auto& l : Rows(answer, "lines")) lines.emplace_back(Int(l, "product_id"), Int(l, "requested_quantity"));
  }
  return FromReply(gateway_.Post(TransferPath(id, "approve"), json::serialize(json::object{{"lines", LinesOf(lines)}})),
                   "Transfert " + std::to_string(id) + " approuvé");
}

Outcome Station::RejectTransfer(std::int64_t id, const std::string& reason) {
  return FromReply(gateway_.Post(TransferPath(id, "reject"), json::serialize(json::object{{"reason", reason}})),
                   "Transfert " + std::to_string(id) + " refusé");
}

Outcome Station::ShipTransfer(std::int64_t id) {
  return FromReply(gateway_.Post(TransferPath(id, "ship"), "{}"), "Transfert " + std::to_string(id) + " expédié");
}

Outcome Station::ReceiveTransfer(std::int64_t id) {
  return FromReply(gateway_.Post(TransferPath(id, "receive"), "{}"), "Transfert " + std::to_string(id) + " reçu");
}

Outcome Station::OpenCount(std::int64_t location, const std::vector<std::int64_t>& products, const std::string& note) {
  json::object body{{"location_id", location}, {"note", note}};
  if (!products.empty()) {
    json::array ids;
    for (std::int64_t p : products) ids.push_back(p);
    body["product_ids"] = std::move(ids);
  }
  Reply r = gateway_.Post("/api/v1/inventory/counts", json::serialize(body));
  Outcome o = FromReply(r, "Feuille de comptage ouverte à " + LocationName(location));
  if (o.ok) {
    o.message += " (n° " + Str(Parse(r.body).value_or(json::value{}), "id") + ")";
    o.text = CountSheetText(r.body);
  }
  return o;
}

Outcome Station::CountLines(std::int64_t id, const QuantityLines& counted) {
  Reply r = gateway_.Call("PUT", CountPath(id, "lines"), json::serialize(json::object{{"lines", LinesOf(counted)}}));
  Outcome o = FromReply(r, "Comptage enregistré (feuille " + std::to_string(id) + ")");
  if (o.ok) o.text = CountSheetText(r.body);
  return o;
}

Outcome Station::ShowCount(std::int64_t id) {
  Reply r = gateway_.Get(CountPath(id));
  Outcome o = FromReply(r, "Feuille de comptage " + std::to_string(id));
  if (o.ok) o.text = CountSheetText(r.body);
  return o;
}

Outcome Station::PostCount(std::int64_t id) {
  Reply r = gateway_.Post(CountPath(id, "post"), "{}");
  Outcome o = FromReply(r, "Comptage " + std::to_string(id) + " comptabilisé");
  if (o.ok) {
    const json::value answer = Parse(r.body).value_or(json::value{});
    if (const auto* v = answer.is_object() ? answer.as_object().if_contains("variance") : nullptr) {
      o.text = VarianceText(json::serialize(*v));
    }
  }
  return o;
}

Outcome Station::CancelCount(std::int64_t id) {
  return FromReply(gateway_.Post(CountPath(id, "cancel"), "{}"), "Comptage " + std::to_string(id) + " annulé");
}

Outcome Station::Variance(std::int64_t id) {
  Reply r = gateway_.Get(CountPath(id, "variance"));
  Outcome o = FromReply(r, "Écarts d'inventaire, feuille " + std::to_string(id));
  if (o.ok) o.text = VarianceText(r.body);
  return o;
}

std::vector<std::string> Station::CountSheetText(const std::string& body) {
  const json::value sheet = Parse(body).value_or(json::value{});
  std::vector<std::vector<std::string>> rows;
  for (const auto& l : Rows(sheet, "lines")) {
    std::string counted = Str(l, "counted_quantity");
    rows.push_back({Str(l, "product_id"), ProductLabel(Int(l, "product_id")), counted.empty() ? "—" : counted,
                    counted.empty() ? "" : Str(l, "expected_quantity")});
  }
  std::vector<std::string> text{"Feuille " + Str(sheet, "id") + " — " + LocationName(Int(sheet, "location_id")) +
                                " — " + CountStatus(Str(sheet, "status"))};
  for (auto& line : Table({"N°", "Produit", "Compté", "Attendu"}, rows, {true, false, true, true}))
    text.push_back(line);
  return text;
}

std::vector<std::string> Station::VarianceText(const std::string& body) {
  const json::value report = Parse(body).value_or(json::value{});
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : Rows(report, "rows")) {
    std::string value = Str(r, "value_cents");
    rows.push_back({ProductLabel(Int(r, "product_id")), Str(r, "expected"), Str(r, "counted"), Str(r, "variance"),
                    value.empty() ? "—" : FormatMoney(Int(r, "value_cents"))});
  }
  std::vector<std::string> text =
      Table({"Produit", "Attendu", "Compté", "Écart", "Valeur"}, rows, {false, true, true, true, true});
  if (report.is_object() && report.as_object().contains("totals")) {
    const json::value& t = report.as_object().at("totals");
    text.push_back("Manquant : " + Str(t, "units_short") + " (" + FormatMoney(Int(t, "value_short_cents")) +
                   ")  Surplus : " + Str(t, "units_over") + " (" + FormatMoney(Int(t, "value_over_cents")) +
                   ")  Net : " + FormatMoney(Int(t, "net_value_cents")));
  }
  return text;
}

}  // namespace comptoir::console
