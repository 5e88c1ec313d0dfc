// Receipts rendered by the server (issue 15): any format by number or id, and receipts sent by e-mail.
#include <boost/json.hpp>

#include "comptoir/console/station.hpp"
#include "comptoir/http/message.hpp"
#include "json_fields.hpp"

namespace comptoir::console {

namespace json = boost::json;

namespace {

bool IsNumber(const std::string& receipt) { return !receipt.empty() && (receipt[0] == 'S' || receipt[0] == 's'); }

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace

Outcome Station::ServerReceipt(const std::string& receipt, const std::string& format, bool copy) {
  const std::string query = "?format=" + http::PercentEncode(format) + (copy ? "&reprint=true" : "");
  const std::string target = IsNumber(receipt) ? "/api/v1/receipts/" + http::PercentEncode(receipt) + query
                                               : "/api/v1/sales/" + http::PercentEncode(receipt) + "/receipt" + query;
  Reply r = gateway_.Get(target);
  Outcome o = FromReply(r, "Reçu " + receipt + (copy ? " (copie)" : ""));
  if (!o.ok) return o;
  o.raw = r.body;
  if (format.rfind("text", 0) == 0) o.text = Lines(r.body);
  o.json = json::serialize(json::object{{"receipt", receipt}, {"format", format}, {"copy", copy},
                                        {"bytes", static_cast<std::int64_t>(r.body.size())}});
  return o;
}

Outcome Station::EmailReceipt(const std::string& receipt, const std::string& to, bool copy) {
  Outcome sale = FindSale(receipt);
  if (!sale.ok) return sale;
  auto v = detail::Parse(sale.json);
  if (!v) return sale;
  const std::int64_t id = detail::Int(*v, "id");
  json::object body{{"to", to}};
  if (copy) body["reprint"] = true;
  Reply r = gateway_.Post("/api/v1/sales/" + std::to_string(id) + "/receipt/email", json::serialize(body));
  Outcome o = FromReply(r, "Reçu " + detail::Str(*v, "receipt_number") + " envoyé à " + to + " (en file d'envoi)");
  if (!o.ok && o.code == "request.validation_failed") o.message = "Adresse courriel invalide : " + to;
  return o;
}

}  // namespace comptoir::console
