#include "comptoir/console/gateway.hpp"

#include <cctype>
#include <ctime>
#include <string_view>
#include <utility>

#include <boost/json.hpp>

#include "comptoir/http/message.hpp"
#include "json_fields.hpp"

namespace comptoir::console {

namespace json = boost::json;

using detail::Object;
using detail::Str;

namespace {

std::string Base64UrlDecode(std::string_view in) {
  std::string out;
  int bits = 0;
  unsigned value = 0;
  for (char c : in) {
    int d;
    if (c >= 'A' && c <= 'Z') {
      d = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      d = c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      d = c - '0' + 52;
    } else if (c == '-' || c == '+') {
      d = 62;
    } else if (c == '_' || c == '/') {
      d = 63;
    } else {
      break;  // padding
    }
    value = (value << 6) | static_cast<unsigned>(d);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((value >> bits) & 0xFF);
    }
  }
  return out;
}

}  // namespace

std::string Reply::Code() const {
  auto o = Object(body);
  if (!o) return "";
  if (auto code = Str(*o, "code"); !code.empty()) return code;
  return Str(*o, "message");
}

namespace {

// What the cashier reads for the refusals a till meets (the server's `detail` is English, for developers;
// the screen and the subcommands speak French; each fits the 78 columns of the status line). Where the server's detail names what was refused (which
// product, how many), it follows in parentheses for the manager who looks into it. Other codes keep the
// server's text.
struct FrenchText {
  std::string_view code;
  const char* text;
  bool with_detail;
};
constexpr FrenchText kFrench[] = {
    {"sales.register_session_required", "Caisse fermée : Échap, F6 Caisse, F2 Ouvrir ; la vente reste à l'écran.",
     false},
    {"sales.invalid_register_session", "Caisse fermée : Échap, F6 Caisse, F2 Ouvrir ; la vente reste à l'écran.",
     false},
    {"sales.session_already_open", "Une caisse de ce nom est déjà ouverte dans ce magasin.", false},
    {"sales.manager_approval_required", "Il faut l'approbation d'un gérant.", false},
    {"sales.manager_approval_invalid", "Approbation du gérant refusée.", false},
    {"sales.insufficient_payment", "Le paiement ne couvre pas le total.", false},
    {"sales.overpayment", "Le paiement dépasse le total (seul le comptant rend la monnaie).", false},
    {"sales.gift_card_insufficient", "Solde de la carte-cadeau insuffisant.", false},
    {"sales.gift_card_refused", "Carte-cadeau refusée (code ou NIP).", false},
    {"sales.gift_card_not_found", "Carte-cadeau introuvable.", false},
    {"sales.receipt_not_found", "Aucun reçu ne porte ce numéro.", false},
    {"product.unavailable", "Le catalogue ne répond pas pour le moment ; réessayez.", false},
    {"inventory.unavailable", "Les stocks ne répondent pas pour le moment ; réessayez.", false},
    {"auth.forbidden", "Cette opération n'est pas permise à votre rôle.", false},
    {"auth.wrong_location", "Cette opération n'est permise qu'au personnel de ce magasin.", false},
    {"auth.invalid_token", "Session expirée : reconnectez-vous.", false},
    {"sales.return_exceeds_sold", "Retour refusé : plus d'articles qu'il n'en reste à retourner sur ce reçu.", true},
    {"sales.product_not_in_sale", "Cet article ne fait pas partie de ce reçu.", true},
    {"sales.refund_exceeds_payments", "Remboursement refusé : plus que ce que ce mode de paiement a payé.", true},
    {"sales.unknown_product", "Article inconnu ou retiré du catalogue.", true},
    {"inventory.insufficient_stock", "Stock insuffisant dans ce magasin.", true},
};

const FrenchText* FrenchFor(std::string_view code) {
  for (const auto& entry : kFrench) {
    if (entry.code == code) return &entry;
  }
  return nullptr;
}

}  // namespace

std::string Reply::Message() const {
  if (status == 0) return "Serveur injoignable (" + error + ")";
  auto o = Object(body);
  if (!o) return "Réponse " + std::to_string(status);
  if (const FrenchText* french = FrenchFor(Str(*o, "code"))) {
    const std::string detail = Str(*o, "detail");
    return french->with_detail && !detail.empty() ? std::string(french->text) + " (" + detail + ")" : french->text;
  }
  std::string text = Str(*o, "detail");
  if (text.empty()) text = Str(*o, "title");
  if (text.empty()) text = Str(*o, "message");
  if (const auto* errors = o->if_contains("errors"); errors != nullptr && errors->is_array()) {
    for (const auto& e : errors->as_array()) {
      if (!e.is_object()) continue;
      text += " [" + Str(e.as_object(), "field") + ": " + Str(e.as_object(), "message") + "]";
    }
  }
  return text.empty() ? "Réponse " + std::to_string(status) : text;
}

std::optional<Identity> ClaimsOf(const std::string& jwt) {
  const auto first = jwt.find('.');
  const auto second = jwt.find('.', first == std::string::npos ? 0 : first + 1);
  if (first == std::string::npos || second == std::string::npos) return std::nullopt;
  auto o = Object(Base64UrlDecode(std::string_view(jwt).substr(first + 1, second - first - 1)));
  if (!o) return std::nullopt;
  Identity id;
  id.subject = Str(*o, "sub");
  id.role = Str(*o, "role");
  id.email = Str(*o, "email");
  if (const auto* l = o->if_contains("location_id"); l != nullptr && l->is_number()) {
    id.location_id = l->to_number<std::int64_t>();
  }
  if (const auto* e = o->if_contains("exp"); e != nullptr && e->is_number())
    id.expires_at = e->to_number<std::int64_t>();
  return id;
}

Gateway::Gateway(Transport& transport, std::string api_key, std::function<void(const Tokens&)> on_tokens)
    : transport_(transport), api_key_(std::move(api_key)), on_tokens_(std::move(on_tokens)) {}

Reply Gateway::Send(const std::string& method, const std::string& target, const std::string& body,
                    const std::string& idempotency_key, const HeaderList& extra) {
  HeaderList headers{{"X-API-Key", api_key_}, {"Accept", "application/json"}};
  if (!tokens_.access_token.empty()) headers.emplace_back("Authorization", "Bearer " + tokens_.access_token);
  if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
  if (!idempotency_key.empty()) headers.emplace_back("Idempotency-Key", idempotency_key);
  for (const auto& h : extra) headers.push_back(h);
  Reply reply = transport_.Send(method, target, headers, body);
  offline_ = reply.NotReached() || reply.OutcomeUnknown();
  return reply;
}

bool Gateway::TakeTokens(const Reply& reply, const std::string& email) {
  auto o = Object(reply.body);
  if (!reply.ok() || !o) return false;
  Tokens t;
  t.access_token = Str(*o, "access_token");
  t.refresh_token = Str(*o, "refresh_token");
  auto claims = ClaimsOf(t.access_token);
  if (t.access_token.empty() || !claims) return false;
  t.identity = *claims;
  t.identity.email = email.empty() ? tokens_.identity.email : email;
  tokens_ = std::move(t);
  if (on_tokens_) on_tokens_(tokens_);
  return true;
}

Reply Gateway::Login(const std::string& email, const std::string& password) {
  tokens_ = {};
  Reply reply = Send("POST", "/api/v1/auth/staff/login",
                     json::serialize(json::object{{"email", email}, {"password", password}}), {});
  if (reply.ok() && !TakeTokens(reply, email)) {
    reply.status = 502;
    reply.error = "unexpected sign-in answer";
  }
  return reply;
}

bool Gateway::Refresh() {
  if (tokens_.refresh_token.empty()) return false;
  const std::string access = std::move(tokens_.access_token);
  tokens_.access_token.clear();
  Reply reply =
      Send("POST", "/api/v1/auth/refresh", json::serialize(json::object{{"refresh_token", tokens_.refresh_token}}), {});
  if (TakeTokens(reply, {})) return true;
  // Unreachable: keep the old pair for later; refused: the session is over.
  if (reply.status == 0 || reply.status >= 500) {
    tokens_.access_token = access;
  } else {
    tokens_ = {};
    if (on_tokens_) on_tokens_(tokens_);
  }
  return false;
}

Reply Gateway::Call(const std::string& method, const std::string& target, const std::string& body,
                    const std::string& idempotency_key, const HeaderList& extra) {
  // A token about to expire is renewed first (a till stays signed in all day).
  if (tokens_.identity.expires_at != 0 && std::time(nullptr) > tokens_.identity.expires_at - 30) Refresh();
  Reply reply = Send(method, target, body, idempotency_key, extra);
  if (reply.status == 401 && !tokens_.refresh_token.empty() && Refresh()) {
    reply = Send(method, target, body, idempotency_key, extra);
  }
  return reply;
}

std::string QueryString(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (value.empty()) continue;
    out += (out.empty() ? "?" : "&") + name + "=" + http::PercentEncode(value);
  }
  return out;
}

}  // namespace comptoir::console
