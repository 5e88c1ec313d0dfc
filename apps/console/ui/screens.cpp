// Sign-in, the menus of each role, and the form screens (a few prompts, then one operation of the
// station whose text fills the body). No money is computed here: the texts come from the station.
#include "ui/screens.hpp"

#include <map>
#include <sstream>

#include "comptoir/console/format.hpp"
#include "ui/forms.hpp"

namespace comptoir::console::ui {

std::string KeyName(Key key) {
  switch (key) {
    case Key::kEscape:
      return "Échap";
    default:
      return "F" + std::to_string(static_cast<int>(key) + 1);
  }
}

std::string HintLine(const std::vector<Hint>& hints) {
  std::string out;
  for (const Hint& h : hints) out += (out.empty() ? "" : "  ") + KeyName(h.key) + " " + h.label;
  return out;
}

void Navigator::Settle() {
  if (home_) {
    home_ = pop_ = false;
    GoHome();
  } else if (pop_) {
    pop_ = false;
    if (stack_.size() > 1) stack_.pop_back();
  }
}

void Navigator::Tick() {
  if (++seconds_ >= station_.settings().replay_interval_s) {
    seconds_ = 0;
    if (station_.signed_in() && (station_.journal().PendingCount() > 0 || station_.journal().CatalogueStale())) {
      ReplayReport r = station_.Replay();
      if (r.sent > 0 || r.refused > 0) current().message = "Reprise : " + r.message;
    }
  }
  current().Tick();
}

std::string Navigator::Header() const {
  // The indicator first: it must never be cut off.
  std::string out = station_.ConnectionText();
  if (!station_.signed_in()) return out + " · non connecté";
  const std::string& email = station_.who().email;
  out += " · " + email.substr(0, email.find('@'));
  if (station_.who().location_id) out += " · " + station_.LocationName(*station_.who().location_id);
  return out;
}

namespace {

std::vector<std::string> Split(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

}  // namespace

// "5:2 9:1" → lines; false when a word is not PRODUCT:QTY.
bool Pairs(const std::string& text, QuantityLines& lines) {
  for (const auto& w : Split(text)) {
    const auto colon = w.find(':');
    try {
      std::size_t a = 0, b = 0;
      const auto product = std::stoll(w.substr(0, colon), &a);
      const auto quantity = colon == std::string::npos ? 1 : std::stoll(w.substr(colon + 1), &b);
      if (a != w.substr(0, colon).size() || quantity <= 0 || product <= 0) return false;
      lines.emplace_back(product, quantity);
    } catch (const std::exception&) {
      return false;
    }
  }
  return true;
}

std::optional<std::int64_t> Number(const std::string& text) {
  try {
    std::size_t used = 0;
    const auto n = std::stoll(text, &used);
    if (used == text.size()) return n;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

namespace {

// ---------------------------------------------------------------------------------------------
class Login final : public Screen {
 public:
  explicit Login(Navigator& nav) : nav_(nav) {}
  std::string Title() const override { return "Connexion"; }
  std::vector<std::string> Body() override {
    return {"", "  Bienvenue chez Comptoir.", "", "  Entrez votre courriel de personnel, puis votre mot de passe.",
            email_.empty() ? "" : "  Courriel : " + email_};
  }
  std::string Prompt() const override { return email_.empty() ? "Courriel :" : "Mot de passe :"; }
  bool Secret() const override { return !email_.empty(); }
  std::vector<Hint> Hints() const override { return {{Key::kEscape, "Recommencer"}, {Key::kF10, "Quitter"}}; }
  void Enter(const std::string& input) override {
    if (email_.empty()) {
      email_ = input;
      return;
    }
    Outcome o = nav_.station().Login(email_, input);
    if (!o.ok) {
      message = o.message;
      email_.clear();
      return;
    }
    nav_.Home();
  }
  bool Press(Key key) override {
    if (key == Key::kEscape) email_.clear();
    if (key == Key::kF10) nav_.Quit();
    return key == Key::kEscape || key == Key::kF10;
  }

 private:
  Navigator& nav_;
  std::string email_;
};

// ---------------------------------------------------------------------------------------------
/// One operation: prompts in turn, then `run` with the answers.
/// A screen with a view (refreshed after every action) and actions on F-keys; Enter starts the first
/// action when none is running.
class Form final : public Screen {
 public:
  Form(Navigator& nav, std::string title, std::function<Outcome()> view, std::vector<Action> actions, int refresh_s = 0)
      : nav_(nav),
        title_(std::move(title)),
        view_(std::move(view)),
        actions_(std::move(actions)),
        refresh_s_(refresh_s) {
    Refresh();
  }
  std::string Title() const override { return title_; }
  std::vector<std::string> Body() override { return body_; }
  std::string Prompt() const override {
    if (running_ < 0) return actions_.empty() ? "" : "Entrée : " + actions_.front().label;
    return actions_[static_cast<std::size_t>(running_)].prompts[answers_.size()];
  }
  // A password typed in a form is not shown.
  bool Secret() const override { return running_ >= 0 && Prompt().find("Mot de passe") != std::string::npos; }
  std::vector<Hint> Hints() const override {
    std::vector<Hint> hints;
    for (const Action& a : actions_) hints.push_back({a.key, a.label});
    hints.push_back({Key::kEscape, running_ >= 0 ? "Annuler" : "Menu"});
    return hints;
  }
  void Enter(const std::string& input) override {
    if (running_ < 0) {
      if (actions_.empty()) return;
      Start(0);
      if (input.empty()) return;
    }
    answers_.push_back(input);
    Action& a = actions_[static_cast<std::size_t>(running_)];
    if (answers_.size() < a.prompts.size()) return;
    Outcome o = a.run(answers_);
    running_ = -1;
    answers_.clear();
    message = o.message;
    if (!o.text.empty()) {
      body_ = o.text;
      shown_result_ = true;
    } else {
      Refresh();
    }
  }
  bool Press(Key key) override {
    if (key == Key::kEscape) {
      if (running_ >= 0) {
        running_ = -1;
        answers_.clear();
        message = "Annulé";
      } else {
        nav_.Pop();
      }
      return true;
    }
    for (std::size_t i = 0; i < actions_.size(); ++i) {
      if (actions_[i].key == key) {
        Start(static_cast<int>(i));
        return true;
      }
    }
    return false;
  }
  void Tick() override {
    if (refresh_s_ > 0 && running_ < 0 && !shown_result_ && ++seconds_ >= refresh_s_) {
      seconds_ = 0;
      Refresh();
    }
  }

 private:
  void Start(int i) {
    running_ = i;
    answers_.clear();
    if (actions_[static_cast<std::size_t>(i)].prompts.empty()) Enter("");
  }
  void Refresh() {
    shown_result_ = false;
    if (!view_) return;
    Outcome o = view_();
    body_ = o.ok ? o.text : std::vector<std::string>{"", "  " + o.message};
  }

  Navigator& nav_;
  std::string title_;
  std::function<Outcome()> view_;
  std::vector<Action> actions_;
  int refresh_s_;
  int seconds_ = 0;
  int running_ = -1;
  bool shown_result_ = false;
  std::vector<std::string> answers_;
  std::vector<std::string> body_;
};

// ---------------------------------------------------------------------------------------------
struct Entry {
  Key key;
  std::string label;
  std::function<void()> open;
};

class Menu final : public Screen {
 public:
  Menu(Navigator& nav, std::string title, std::vector<Entry> entries)
      : nav_(nav), title_(std::move(title)), entries_(std::move(entries)) {}
  std::string Title() const override { return title_; }
  std::vector<std::string> Body() override {
    std::vector<std::string> out{""};
    for (const Entry& e : entries_) out.push_back("   " + PadRight(KeyName(e.key), 6) + e.label);
    out.push_back("");
    const auto d = nav_.station().journal().Discrepancies(false).size();
    if (d > 0) out.push_back("   " + std::to_string(d) + " écarts de ventes hors ligne à régler (responsable).");
    return out;
  }
  std::string Prompt() const override { return "Choix (touche F) :"; }
  // The body lists every key of the menu; the bar keeps the two that leave it.
  std::vector<Hint> Hints() const override { return {{Key::kF9, "Déconnexion"}, {Key::kF10, "Quitter"}}; }
  void Enter(const std::string&) override {}
  bool Press(Key key) override {
    for (const Entry& e : entries_) {
      if (e.key == key) {
        e.open();
        return true;
      }
    }
    return false;
  }

 private:
  Navigator& nav_;
  std::string title_;
  std::vector<Entry> entries_;
};

}  // namespace

Outcome Invalid(const std::string& message) {
  Outcome o;
  o.message = message;
  return o;
}

Outcome WithAmount(const std::string& text, const std::function<Outcome(std::int64_t)>& run) {
  std::int64_t cents = 0;
  if (!ParseMoney(text, cents)) return Invalid("Montant invalide : " + text);
  return run(cents);
}

Outcome WithId(const std::string& text, const std::function<Outcome(std::int64_t)>& run) {
  auto n = Number(text);
  if (!n || *n <= 0) return Invalid("Numéro invalide : " + text);
  return run(*n);
}

namespace {

// Shared entries of every signed-in menu.
void Common(Navigator& nav, std::vector<Entry>& entries) {
  Station& s = nav.station();
  entries.push_back({Key::kF8, "Synchroniser", [&nav, &s] {
                       ReplayReport r = s.Replay();
                       Outcome c = s.SyncCatalogue();
                       nav.current().message = r.message + " ; " + c.message;
                     }});
  entries.push_back({Key::kF9, "Déconnexion", [&nav, &s] {
                       s.Logout();
                       nav.Home();
                     }});
  entries.push_back({Key::kF10, "Quitter", [&nav] { nav.Quit(); }});
}

std::unique_ptr<Screen> Restock(Navigator& nav, bool logistics) {
  Station& s = nav.station();
  auto filter = std::make_shared<std::pair<std::string, std::optional<std::int64_t>>>(
      logistics ? "requested" : "", logistics ? std::nullopt : std::optional<std::int64_t>(s.store()));
  std::vector<Action> actions;
  if (!logistics) {
    actions.push_back({Key::kF2,
                       "Nouvelle demande",
                       {"Articles (produit:qté …) :", "Note :"},
                       [&s](const std::vector<std::string>& a) {
                         QuantityLines lines;
                         if (!Pairs(a[0], lines) || lines.empty()) return Invalid("Écrire produit:qté, ex. 5:10 9:4");
                         return s.CreateRestock(lines, a[1]);
                       }});
    actions.push_back({Key::kF3, "Recevoir", {"N° de la demande reçue :"}, [&s](const std::vector<std::string>& a) {
                         return WithId(a[0], [&s](std::int64_t id) { return s.ReceiveRestock(id); });
                       }});
  } else {
    actions.push_back({Key::kF2,
                       "Filtrer",
                       {"État (requested, approved, shipped, … ; vide = tous) :", "Magasin (n° ; vide = tous) :"},
                       [filter](const std::vector<std::string>& a) {
                         filter->first = a[0];
                         filter->second = Number(a[1]);
                         Outcome o;
                         o.ok = true;
                         o.message = "Filtre : " + (a[0].empty() ? std::string("tous") : a[0]);
                         return o;
                       }});
    actions.push_back({Key::kF3,
                       "Approuver",
                       {"N° de la demande :", "Quantités approuvées (produit:qté … ; vide = tout) :"},
                       [&s](const std::vector<std::string>& a) {
                         QuantityLines lines;
                         if (!Pairs(a[1], lines)) return Invalid("Écrire produit:qté, ex. 5:6");
                         return WithId(a[0], [&](std::int64_t id) { return s.ApproveRestock(id, lines); });
                       }});
    actions.push_back(
        {Key::kF4, "Refuser", {"N° de la demande :", "Motif du refus :"}, [&s](const std::vector<std::string>& a) {
           return WithId(a[0], [&](std::int64_t id) { return s.RejectRestock(id, a[1]); });
         }});
    actions.push_back(
        {Key::kF5, "Expédier", {"N° de la demande à expédier :"}, [&s](const std::vector<std::string>& a) {
           return WithId(a[0], [&s](std::int64_t id) { return s.ShipRestock(id); });
         }});
  }
  return std::make_unique<Form>(
      nav, logistics ? "File des demandes de réapprovisionnement" : "Réapprovisionnement",
      [&s, filter] { return s.ListRestock(filter->first, filter->second); }, std::move(actions));
}

std::unique_ptr<Screen> Register(Navigator& nav) {
  Station& s = nav.station();
  std::vector<Action> actions{{Key::kF2,
                               "Ouvrir",
                               {"Fonds de caisse ($) :"},
                               [&s](const std::vector<std::string>& a) {
                                 return WithAmount(a[0], [&s](std::int64_t c) { return s.OpenRegister(c); });
                               }},
                              {Key::kF3, "Fermer (Z)", {"Comptant compté ($) :"}, [&s](const std::vector<std::string>& a) {
                                 return WithAmount(a[0], [&s](std::int64_t c) { return s.CloseRegister(c); });
                               }},
                              {Key::kF4, "Sans vente", {"Motif de l'ouverture du tiroir :"},
                               [&s](const std::vector<std::string>& a) {
                                 if (a[0].empty()) return Invalid("Un motif est requis");
                                 return s.RecordMovement("no_sale", 0, a[0]);
                               }},
                              {Key::kF5, "Dépôt coffre", {"Montant déposé au coffre ($) :"},
                               [&s](const std::vector<std::string>& a) {
                                 return WithAmount(a[0], [&s](std::int64_t c) { return s.RecordMovement("drop", c, ""); });
                               }},
                              {Key::kF6, "Sortie", {"Montant de la sortie de caisse ($) :", "Motif :"},
                               [&s](const std::vector<std::string>& a) {
                                 if (a[1].empty()) return Invalid("Un motif est requis");
                                 return WithAmount(a[0],
                                                   [&](std::int64_t c) { return s.RecordMovement("payout", c, a[1]); });
                               }},
                              {Key::kF7, "Rapport X", {}, [&s](const std::vector<std::string>&) { return s.XReport(); }}};
  auto view = [&s] {
    Outcome o;
    o.ok = true;
    auto id = s.register_session();
    o.text = {"",
              id ? "  Caisse " + s.settings().register_name + " ouverte (session " + std::to_string(*id) + ")."
                 : "  Aucune caisse ouverte à ce poste (caisse " + s.settings().register_name + ").",
              "", "  F2 ouvre la caisse avec un fonds ; F3 la ferme avec le comptant compté :",
              "  le comptant attendu, compté, l'écart et le rapport Z numéroté sont imprimés.",
              "  F4 ouverture du tiroir sans vente · F5 dépôt au coffre · F6 sortie de caisse",
              "  F7 rapport X (lecture de la session, sans fermer)."};
    return o;
  };
  return std::make_unique<Form>(nav, "Caisse", view, std::move(actions));
}

std::unique_ptr<Screen> Simple(Navigator& nav, std::string title, std::string prompt,
                               std::function<Outcome(const std::string&)> run) {
  std::vector<Action> actions{
      {Key::kF2, "Chercher", {std::move(prompt)}, [run = std::move(run)](const std::vector<std::string>& a) {
         return run(a[0]);
       }}};
  return std::make_unique<Form>(nav, std::move(title), nullptr, std::move(actions));
}

std::unique_ptr<Screen> Return(Navigator& nav) {
  Station& s = nav.station();
  std::vector<Action> actions{
      {Key::kF2,
       "Retour",
       {"Reçu (S4-000042) :", "Articles rendus (produit:qté …) :", "Motif :",
        "Remboursement (vide = tenders d'origine ; cash) :"},
       [&s](const std::vector<std::string>& a) {
         QuantityLines lines;
         if (!Pairs(a[1], lines) || lines.empty()) return Invalid("Écrire produit:qté, ex. 5:1");
         return s.Return(a[0], lines, a[2], a[3]);
       }},
      {Key::kF4,
       "Remb. comptant (resp.)",
       {"Reçu (S4-000042) :", "Articles rendus (produit:qté …) :", "Motif :", "Courriel du responsable :",
        "Mot de passe du responsable :"},
       [&s](const std::vector<std::string>& a) {
         QuantityLines lines;
         if (!Pairs(a[1], lines) || lines.empty()) return Invalid("Écrire produit:qté, ex. 5:1");
         return s.Return(a[0], lines, a[2], "cash", {a[3], a[4]});
       }},
      {Key::kF3, "Voir le reçu", {"Reçu (S4-000042) :"}, [&s](const std::vector<std::string>& a) {
         Outcome o = s.FindSale(a[0]);
         if (auto r = ReceiptFromJson(o.json)) {
           o.text = FormatReceipt(*r, s.Header());
           o.text.push_back("");
           for (const auto& l : r->lines) {
             o.text.push_back("produit " + std::to_string(l.product_id) + " " + l.name + " : vendu " +
                              std::to_string(l.quantity) + ", rendu " + std::to_string(l.returned_quantity));
           }
         }
         return o;
       }}};
  return std::make_unique<Form>(nav, "Retour sur reçu", nullptr, std::move(actions));
}

std::unique_ptr<Screen> GiftCards(Navigator& nav) {
  Station& s = nav.station();
  std::vector<Action> actions{
      {Key::kF2, "Solde", {"Code de la carte-cadeau :", "NIP de la carte-cadeau :"},
       [&s](const std::vector<std::string>& a) { return s.GiftCardBalance(a[0], a[1]); }},
      {Key::kF3, "Vendre / recharger",
       {"Code de la carte-cadeau :", "Montant à charger ($) :", "Paiement (comptant, crédit, débit) :"},
       [&s](const std::vector<std::string>& a) {
         std::optional<Method> method = a[2] == "comptant" || a[2].empty() ? Method::kCash
                                        : a[2] == "crédit" || a[2] == "credit" ? Method::kCard
                                        : a[2] == "débit" || a[2] == "debit"   ? Method::kDebit
                                                                               : std::optional<Method>{};
         if (!method) return Invalid("Paiement : comptant, crédit ou débit");
         return WithAmount(a[1], [&](std::int64_t c) { return s.LoadGiftCard(a[0], c, *method); });
       }}};
  auto view = [] {
    Outcome o;
    o.ok = true;
    o.text = {"", "  F2 solde d'une carte (code et NIP du client).",
              "  F3 vend une carte (la première charge l'active) ou la recharge : non taxable,",
              "     payée comptant, crédit ou débit ; le nouveau solde est imprimé."};
    return o;
  };
  return std::make_unique<Form>(nav, "Cartes-cadeaux", view, std::move(actions));
}

std::unique_ptr<Screen> CashierMenu(Navigator& nav) {
  Station& s = nav.station();
  std::vector<Entry> e{{Key::kF2, "Vente", [&nav] { nav.Push(MakeSale(nav)); }},
                       {Key::kF3, "Retour", [&nav] { nav.Push(Return(nav)); }},
                       {Key::kF4, "Stock",
                        [&nav, &s] {
                          nav.Push(Simple(nav, "Stock d'un produit", "Produit (code, nom ou n°) :",
                                          [&s](const std::string& p) { return s.StockOf(p); }));
                        }},
                       {Key::kF5, "Réappro.", [&nav] { nav.Push(Restock(nav, false)); }},
                       {Key::kF6, "Caisse", [&nav] { nav.Push(Register(nav)); }},
                       {Key::kF7, "Réimpression", [&nav, &s] {
                          nav.Push(Simple(nav, "Réimpression",
                                          "Reçu (S4-000042) :", [&s](const std::string& r) { return s.Reprint(r); }));
                        }},
                       {Key::kF11, "Cartes-cadeaux", [&nav] { nav.Push(GiftCards(nav)); }},
                       {Key::kF12, "Transferts", [&nav] { nav.Push(MakeTransfers(nav, false)); }}};
  Common(nav, e);
  return std::make_unique<Menu>(nav, "Caisse — " + s.LocationName(s.store()), std::move(e));
}

std::unique_ptr<Screen> LogisticsMenu(Navigator& nav) {
  Station& s = nav.station();
  auto low = std::make_shared<bool>(false);
  std::vector<Entry> e{
      {Key::kF2, "Demandes", [&nav] { nav.Push(Restock(nav, true)); }},
      {Key::kF6, "Transferts", [&nav] { nav.Push(MakeTransfers(nav, true)); }},
      {Key::kF7, "Inventaires", [&nav] { nav.Push(MakeCounts(nav)); }},
      {Key::kF3, "Stock du centre",
       [&nav, &s, low] {
         std::vector<Action> a{{Key::kF2, "Alertes seulement / tout", {}, [low](const std::vector<std::string>&) {
                                  *low = !*low;
                                  return Outcome{true, 0, "", *low ? "Stock bas seulement" : "Tout le stock", "", {}};
                                }}};
         nav.Push(std::make_unique<Form>(
             nav, "Stock du centre d'Anjou", [&s, low] { return s.CentreStock(*low); }, std::move(a)));
       }},
      {Key::kF4, "Ajustement",
       [&nav, &s] {
         std::vector<Action> a{{Key::kF2,
                                "Ajuster",
                                {"Emplacement (n°) :", "Produit (n°) :", "Quantité (+5 ou -2) :", "Motif :", "Note :"},
                                [&s](const std::vector<std::string>& x) {
                                  auto loc = Number(x[0]);
                                  auto prod = Number(x[1]);
                                  auto q = Number(x[2].size() > 1 && x[2][0] == '+' ? x[2].substr(1) : x[2]);
                                  if (!loc || !prod || !q || *q == 0)
                                    return Invalid("Emplacement, produit et quantité ≠ 0 sont requis");
                                  if (x[3].empty()) return Invalid("Le motif est requis");
                                  return s.Adjust(*loc, *prod, *q, x[3], x[4]);
                                }}};
         nav.Push(std::make_unique<Form>(nav, "Ajustement de stock", nullptr, std::move(a)));
       }},
      {Key::kF5, "Mouvements", [&nav, &s] {
         std::vector<Action> a{{Key::kF2,
                                "Chercher",
                                {"Produit (n°) :", "Emplacement (n° ; vide = tous) :"},
                                [&s](const std::vector<std::string>& x) {
                                  return WithId(x[0], [&](std::int64_t p) { return s.Movements(p, Number(x[1])); });
                                }}};
         nav.Push(std::make_unique<Form>(nav, "Registre des mouvements", nullptr, std::move(a)));
       }}};
  Common(nav, e);
  return std::make_unique<Menu>(nav, "Logistique — Anjou", std::move(e));
}

std::unique_ptr<Screen> Reports(Navigator& nav) {
  Station& s = nav.station();
  auto last = std::make_shared<Outcome>();
  auto keep = [last](Outcome o) {
    if (o.ok) *last = o;
    return o;
  };
  std::vector<Action> a{
      {Key::kF2,
       "Ventes",
       {"Du (AAAA-MM-JJ ; vide = 7 jours) :", "Au :", "Par (location, day, product, category, channel) :"},
       [&s, keep](const std::vector<std::string>& x) { return keep(s.SalesReport(x[0], x[1], x[2])); }},
      {Key::kF3,
       "Meilleurs produits",
       {"Du :", "Au :"},
       [&s, keep](const std::vector<std::string>& x) { return keep(s.TopProducts(x[0], x[1], 10)); }},
      {Key::kF4,
       "Stock partout",
       {"Stock bas seulement (o/n) :"},
       [&s, keep](const std::vector<std::string>& x) { return keep(s.StockReport(x[0] == "o" || x[0] == "oui")); }},
      {Key::kF6, "Export CSV", {"Fichier CSV :"}, [&s, last](const std::vector<std::string>& x) {
         if (!last->ok) return Invalid("Afficher un rapport d'abord");
         return s.ExportCsv(*last, x[0]);
       }}};
  return std::make_unique<Form>(nav, "Rapports", nullptr, std::move(a));
}

std::unique_ptr<Screen> HeadOfficeMenu(Navigator& nav) {
  Station& s = nav.station();
  std::vector<Entry> e{
      {Key::kF2, "Tableau de bord",
       [&nav, &s] {
         nav.Push(std::make_unique<Form>(
             nav, "Tableau de bord (actualisé toutes les 10 s)", [&s] { return s.Dashboard(); }, std::vector<Action>{},
             10));
       }},
      {Key::kF3, "Rapports", [&nav] { nav.Push(Reports(nav)); }},
      {Key::kF4, "Produits",
       [&nav, &s] {
         std::vector<Action> a{
             {Key::kF2,
              "Créer",
              {"SKU :", "Nom :", "Prix ($) :", "Catégorie (n° ; vide = aucune) :"},
              [&s](const std::vector<std::string>& x) {
                return WithAmount(x[2], [&](std::int64_t c) { return s.CreateProduct(x[0], x[1], c, Number(x[3])); });
              }},
             {Key::kF3,
              "Changer le prix",
              {"Produit (n°) :", "Nouveau prix ($) :"},
              [&s](const std::vector<std::string>& x) {
                return WithId(x[0], [&](std::int64_t id) {
                  return WithAmount(x[1], [&](std::int64_t c) { return s.ChangePrice(id, c); });
                });
              }},
             {Key::kF4, "Archiver", {"Produit (n°) :"}, [&s](const std::vector<std::string>& x) {
                return WithId(x[0], [&s](std::int64_t id) { return s.Archive(id); });
              }}};
         nav.Push(std::make_unique<Form>(nav, "Produits", nullptr, std::move(a)));
       }},
      {Key::kF5, "Personnel",
       [&nav, &s] {
         std::vector<Action> a{{Key::kF2,
                                "Créer un caissier",
                                {"Courriel :", "Mot de passe (8+) :", "Prénom :", "Nom :", "Magasin (1-5) :"},
                                [&s](const std::vector<std::string>& x) {
                                  return s.CreateStaff(x[0], x[1], x[2], x[3], "cashier", Number(x[4]));
                                }},
                               {Key::kF3,
                                "Désactiver",
                                {"Compte (n°) :"},
                                [&s](const std::vector<std::string>& x) {
                                  return WithId(x[0], [&s](std::int64_t id) { return s.SetStaffActive(id, false); });
                                }},
                               {Key::kF4, "Réactiver", {"Compte (n°) :"}, [&s](const std::vector<std::string>& x) {
                                  return WithId(x[0], [&s](std::int64_t id) { return s.SetStaffActive(id, true); });
                                }}};
         nav.Push(std::make_unique<Form>(
             nav, "Personnel", [&s] { return s.ListStaff(); }, std::move(a)));
       }},
      {Key::kF6, "Écarts hors ligne",
       [&nav, &s] {
         std::vector<Action> a{{Key::kF2,
                                "Régler",
                                {"N° de l'écart :", "Note (recompté, ajusté…) :"},
                                [&s](const std::vector<std::string>& x) {
                                  return WithId(x[0], [&](std::int64_t id) { return s.Resolve(id, x[1]); });
                                }}};
         nav.Push(std::make_unique<Form>(
             nav, "Écarts des ventes hors ligne", [&s] { return s.Discrepancies(false); }, std::move(a)));
       }},
      {Key::kF7, "Stock d'un produit",
       [&nav, &s] {
         nav.Push(Simple(nav, "Stock d'un produit",
                         "Produit (code, nom ou n°) :", [&s](const std::string& p) { return s.StockOf(p); }));
       }},
      {Key::kF11, "Transferts", [&nav] { nav.Push(MakeTransfers(nav, true)); }},
      {Key::kF12, "Inventaires", [&nav] { nav.Push(MakeCounts(nav)); }}};
  Common(nav, e);
  return std::make_unique<Menu>(nav, "Siège social", std::move(e));
}

}  // namespace

void Navigator::GoHome() {
  stack_.clear();
  if (!station_.signed_in()) {
    stack_.push_back(MakeLogin(*this));
    return;
  }
  const std::string& role = station_.who().role;
  if (role == "cashier") {
    stack_.push_back(CashierMenu(*this));
    // A sale left half-made (the console was stopped) opens again where it was.
    if (!station_.journal().Draft().empty()) stack_.push_back(MakeSale(*this));
  } else if (role == "logistics") {
    stack_.push_back(LogisticsMenu(*this));
  } else {
    stack_.push_back(HeadOfficeMenu(*this));
  }
}

std::unique_ptr<Screen> MakeForm(Navigator& nav, std::string title, std::function<Outcome()> view,
                                 std::vector<Action> actions) {
  return std::make_unique<Form>(nav, std::move(title), std::move(view), std::move(actions));
}

std::unique_ptr<Screen> MakeLogin(Navigator& nav) {
  return std::make_unique<Login>(nav);
}

}  // namespace comptoir::console::ui
