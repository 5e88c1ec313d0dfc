// Transfers between stores (ADR 0171) and cycle counts (ADR 0172): form screens over the station's operations.
#include <sstream>

#include "ui/forms.hpp"

namespace comptoir::console::ui {

namespace {

// "9:12 12:0" → (product, units counted); units may be 0.
bool Counted(const std::string& text, QuantityLines& lines) {
  std::istringstream in(text);
  for (std::string w; in >> w;) {
    const auto colon = w.find(':');
    if (colon == std::string::npos) return false;
    auto product = Number(w.substr(0, colon));
    auto units = Number(w.substr(colon + 1));
    if (!product || !units || *product <= 0 || *units < 0) return false;
    lines.emplace_back(*product, *units);
  }
  return !lines.empty();
}

}  // namespace

std::unique_ptr<Screen> MakeTransfers(Navigator& nav, bool logistics) {
  Station& s = nav.station();
  auto filter = std::make_shared<std::pair<std::string, std::optional<std::int64_t>>>(
      logistics ? "requested" : "", logistics ? std::nullopt : std::optional<std::int64_t>(s.store()));
  std::vector<Action> actions;
  if (!logistics) {
    actions.push_back({Key::kF2,
                       "Demander",
                       {"Magasin qui envoie (n°) :", "Articles (produit:qté …) :", "Note :"},
                       [&s](const std::vector<std::string>& a) {
                         QuantityLines lines;
                         if (!Pairs(a[1], lines) || lines.empty()) return Invalid("Écrire produit:qté, ex. 6:3");
                         return WithId(a[0], [&](std::int64_t from) { return s.CreateTransfer(from, lines, a[2]); });
                       }});
    actions.push_back({Key::kF3, "Expédier", {"N° du transfert à expédier :"}, [&s](const std::vector<std::string>& a) {
                         return WithId(a[0], [&s](std::int64_t id) { return s.ShipTransfer(id); });
                       }});
    actions.push_back({Key::kF4, "Recevoir", {"N° du transfert reçu :"}, [&s](const std::vector<std::string>& a) {
                         return WithId(a[0], [&s](std::int64_t id) { return s.ReceiveTransfer(id); });
                       }});
  } else {
    actions.push_back({Key::kF2,
                       "Filtrer",
                       {"État (requested, approved, shipped, … ; vide = tous) :", "Magasin (n° ; vide = tous) :"},
                       [filter](const std::vector<std::string>& a) {
                         filter->first = a[0];
                         filter->second = Number(a[1]);
                         return Outcome{true, 0, "", "Filtre : " + (a[0].empty() ? std::string("tous") : a[0]), "", {}};
                       }});
    actions.push_back({Key::kF3,
                       "Approuver",
                       {"N° du transfert :", "Quantités approuvées (produit:qté … ; vide = tout) :"},
                       [&s](const std::vector<std::string>& a) {
                         QuantityLines lines;
                         if (!Pairs(a[1], lines)) return Invalid("Écrire produit:qté, ex. 6:2");
                         return WithId(a[0], [&](std::int64_t id) { return s.ApproveTransfer(id, lines); });
                       }});
    actions.push_back(
        {Key::kF4, "Refuser", {"N° du transfert :", "Motif du refus :"}, [&s](const std::vector<std::string>& a) {
           return WithId(a[0], [&](std::int64_t id) { return s.RejectTransfer(id, a[1]); });
         }});
    actions.push_back({Key::kF5, "Expédier", {"N° du transfert à expédier :"}, [&s](const std::vector<std::string>& a) {
                         return WithId(a[0], [&s](std::int64_t id) { return s.ShipTransfer(id); });
                       }});
  }
  return MakeForm(
      nav, logistics ? "Transferts entre magasins" : "Transferts — " + s.LocationName(s.store()),
      [&s, filter] { return s.ListTransfers(filter->first, filter->second); }, std::move(actions));
}

std::unique_ptr<Screen> MakeCounts(Navigator& nav) {
  Station& s = nav.station();
  std::vector<Action> actions{
      {Key::kF2,
       "Ouvrir",
       {"Emplacement (n°) :", "Produits (n° … ; vide = tout le stock) :", "Note :"},
       [&s](const std::vector<std::string>& a) {
         std::vector<std::int64_t> products;
         std::istringstream in(a[1]);
         for (std::string w; in >> w;) {
           auto n = Number(w);
           if (!n || *n <= 0) return Invalid("Numéro de produit invalide : " + w);
           products.push_back(*n);
         }
         return WithId(a[0], [&](std::int64_t location) { return s.OpenCount(location, products, a[2]); });
       }},
      {Key::kF3,
       "Compter",
       {"Feuille (n°) :", "Comptés (produit:unités …, ex. 9:12 12:0) :"},
       [&s](const std::vector<std::string>& a) {
         QuantityLines lines;
         if (!Counted(a[1], lines)) return Invalid("Écrire produit:unités, ex. 9:12 12:0");
         return WithId(a[0], [&](std::int64_t id) { return s.CountLines(id, lines); });
       }},
      {Key::kF4,
       "Comptabiliser",
       {"Feuille (n°) :"},
       [&s](const std::vector<std::string>& a) {
         return WithId(a[0], [&](std::int64_t id) { return s.PostCount(id); });
       }},
      {Key::kF5,
       "Écarts",
       {"Feuille (n°) :"},
       [&s](const std::vector<std::string>& a) {
         return WithId(a[0], [&](std::int64_t id) { return s.Variance(id); });
       }},
      {Key::kF6, "Annuler la feuille", {"Feuille (n°) :"}, [&s](const std::vector<std::string>& a) {
         return WithId(a[0], [&s](std::int64_t id) { return s.CancelCount(id); });
       }}};
  return MakeForm(nav, "Inventaire tournant", nullptr, std::move(actions));
}

}  // namespace comptoir::console::ui
