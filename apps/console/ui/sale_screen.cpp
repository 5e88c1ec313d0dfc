// The sale screen: scan or type a code (or "3*code"), search by name, quantities, customer, tenders;
// the totals, rounding and change come from the till model (money.hpp) and the receipt from the
// server (or, offline, from the till's journal entry). Every change is kept in the journal's draft.
#include <algorithm>
#include <sstream>

#include "comptoir/console/format.hpp"
#include "ui/screens.hpp"

namespace comptoir::console::ui {
namespace {

class Sale final : public Screen {
 public:
  explicit Sale(Navigator& nav) : nav_(nav), s_(nav.station()) {
    till_ = Till::FromDraft(s_.journal().Draft());
    if (!till_.empty()) message = "Vente en cours reprise (" + std::to_string(till_.lines().size()) + " lignes)";
    // The store's promotions in force (ADR 0141); offline the till prices without them, the server decides.
    if (!s_.offline()) s_.LoadPromotions(till_);
  }

  std::string Title() const override { return "Vente — " + s_.LocationName(s_.store()); }

  std::vector<std::string> Body() override {
    if (!receipt_.empty()) {
      // The receipt on the left, what the cashier says on the right (PgDn scrolls the receipt).
      std::vector<std::string> out;
      for (std::size_t i = 0; i < std::max(receipt_.size(), summary_.size()); ++i) {
        out.push_back(PadRight(i < receipt_.size() ? receipt_[i] : "", 42) + (i < summary_.size() ? summary_[i] : ""));
      }
      return out;
    }
    std::vector<std::string> out;
    if (!choices_.empty()) {
      out.push_back("Plusieurs produits correspondent :");
      for (std::size_t i = 0; i < choices_.size(); ++i) {
        out.push_back(PadLeft(std::to_string(i + 1), 3) + ") " + PadRight(choices_[i].name, 30) + " " +
                      PadRight(choices_[i].sku, 12) + PadLeft(FormatMoney(choices_[i].price_cents), 12));
      }
      return out;
    }
    out.push_back(" #  " + PadRight("Article", 34) + PadLeft("Qté", 4) + PadLeft("Prix", 12) + PadLeft("Total", 13));
    // Lines, their discounts and promotions as the engine prices them (what sales will charge).
    std::optional<pricing::Quote> quote;
    try {
      quote = till_.quote();
    } catch (const std::exception&) {
    }
    for (std::size_t i = 0; i < till_.lines().size(); ++i) {
      const Line& l = till_.lines()[i];
      const bool grocery = l.item.tax_class != money::TaxClass::kTaxable;
      out.push_back(PadLeft(std::to_string(i + 1), 2) + "  " + PadRight(l.item.name + (grocery ? " (détaxé)" : ""), 34) +
                    PadLeft(std::to_string(l.quantity), 4) + PadLeft(FormatMoney(l.item.price_cents), 12) +
                    PadLeft(FormatMoney(l.total_cents()), 13));
      if (quote && i < quote->lines.size()) {
        for (const pricing::Adjustment& a : quote->lines[i].adjustments) {
          out.push_back("      " + PadRight(a.label, 50) + PadLeft(FormatMoney(-a.amount_cents), 13));
        }
      }
    }
    out.push_back(std::string(69, '-'));
    const Totals t = till_.totals();
    const Settlement st = till_.settlement();
    auto row = [](const std::string& label, std::int64_t cents) {
      return std::string(36, ' ') + PadRight(label, 20) + PadLeft(FormatMoney(cents), 13);
    };
    std::string client = till_.customer_label.empty() ? "" : "Client : " + till_.customer_label;
    if (t.discount_cents > 0) out.push_back(PadRight(client, 36) + PadRight("Rabais", 20) + PadLeft(FormatMoney(-t.discount_cents), 13));
    out.push_back(PadRight(t.discount_cents > 0 ? "" : client, 36) + PadRight("Sous-total", 20) +
                  PadLeft(FormatMoney(t.subtotal_cents), 13));
    out.push_back(row("TPS", t.gst_cents));
    out.push_back(row("TVQ", t.qst_cents));
    out.push_back(row("TOTAL", t.total_cents));
    if (!till_.empty()) out.push_back(row("À payer comptant", till_.CashToPay()));
    for (const Tender& p : till_.tenders())
      out.push_back(row("  " + std::string(MethodLabel(p.method)), p.amount_cents));
    if (!till_.tenders().empty()) {
      if (st.settled()) {
        out.push_back(row("Monnaie", st.change_cents));
      } else {
        out.push_back(row("Reste", st.remaining_cents));
      }
    }
    return out;
  }

  std::string Prompt() const override {
    if (!receipt_.empty()) return email_prompt_ ? "Courriel du client :" : "Entrée : nouvelle vente";
    switch (mode_) {
      case Mode::kScan:
        return choices_.empty() ? "Article (code, nom, 3*code) :"
                                : "Choix (1-" + std::to_string(choices_.size()) + ") :";
      case Mode::kCustomer:
        return "Client (courriel ou téléphone) :";
      case Mode::kQuantity:
        return "Ligne et quantité (2 3 ; 0 = suppr.) :";
      case Mode::kRemove:
        return "Ligne à supprimer :";
      case Mode::kTender:
        return std::string(MethodLabel(method_)) +
               " (vide = " + FormatMoney(method_ == Method::kCash ? till_.CashToPay() : Rest()) + ") :";
      case Mode::kGiftCode:
        return "Code de la carte-cadeau :";
      case Mode::kGiftPin:
        return "NIP de la carte-cadeau :";
      case Mode::kDiscount:
        return "Ligne et rabais (2 10% ; 2 5,00 ; 2 0 = aucun) :";
      case Mode::kManagerEmail:
        return "Rabais au-delà de " + std::to_string(till_.discount_limit_percent) + " % — courriel du responsable :";
      case Mode::kManagerPassword:
        return "Mot de passe du responsable :";
      case Mode::kResume:
        return "N° de la vente en attente à reprendre :";
    }
    return "";
  }

  bool Secret() const override { return mode_ == Mode::kGiftPin || mode_ == Mode::kManagerPassword; }

  std::vector<Hint> Hints() const override {
    if (!receipt_.empty()) return {{Key::kF7, "Réimprimer"}, {Key::kF8, "Courriel"}, {Key::kEscape, "Menu"}};
    // F4 (remove a line) works too; the bar has room for these (80 columns).
    return {{Key::kF2, "Client"},   {Key::kF3, "Qté"},
            {Key::kF5, "Comptant"}, {Key::kF6, "Crédit"},
            {Key::kF7, "Débit"},    {Key::kF8, "Cadeau"},
            {Key::kF9, "Annul"},    {Key::kEscape, mode_ == Mode::kScan ? "Menu" : "Retour"}};
  }

  void Enter(const std::string& raw) override {
    const std::string input = Trim(raw);
    if (!receipt_.empty()) {
      if (email_prompt_) {
        // The receipt stays on screen: the server queues the e-mail and sends it in the background.
        email_prompt_ = false;
        if (!input.empty()) message = s_.EmailReceipt(last_receipt_, input).message;
        return;
      }
      receipt_.clear();
      last_receipt_.clear();
      message.clear();
      return;
    }
    switch (mode_) {
      case Mode::kScan:
        Scan(input);
        break;
      case Mode::kCustomer:
        Customer(input);
        break;
      case Mode::kQuantity:
        Quantity(input);
        break;
      case Mode::kRemove:
        RemoveLine(input);
        break;
      case Mode::kTender:
        Pay(input);
        break;
      case Mode::kGiftCode:
        gift_code_ = input;
        mode_ = Mode::kGiftPin;
        break;
      case Mode::kGiftPin:
        gift_pin_ = input;
        mode_ = Mode::kTender;
        break;
      case Mode::kDiscount:
        Discount(input);
        break;
      case Mode::kManagerEmail:
        manager_email_ = input;
        mode_ = Mode::kManagerPassword;
        break;
      case Mode::kManagerPassword: {
        mode_ = Mode::kScan;
        Outcome o = s_.ApproveDiscounts(till_, manager_email_, input);
        message = o.message;
        break;
      }
      case Mode::kResume:
        ResumeSale(input);
        break;
    }
  }

  bool Press(Key key) override {
    if (!receipt_.empty()) {
      if (key == Key::kF7 && !last_receipt_.empty()) {
        Outcome o = s_.Reprint(last_receipt_);
        message = o.message;
        if (o.ok) receipt_ = o.text;
        return true;
      }
      if (key == Key::kF8 && !last_receipt_.empty()) {
        email_prompt_ = true;
        return true;
      }
      if (key == Key::kEscape) nav_.Pop();
      return key == Key::kEscape;
    }
    switch (key) {
      case Key::kF2:
        mode_ = Mode::kCustomer;
        return true;
      case Key::kF3:
        mode_ = Mode::kQuantity;
        return true;
      case Key::kF4:
        mode_ = Mode::kRemove;
        return true;
      case Key::kF1:  // line discount (ADR 0141); not in the bar (80 columns), listed in the README
        mode_ = Mode::kDiscount;
        return true;
      case Key::kF5:
        return StartTender(Method::kCash);
      case Key::kF6:
        return StartTender(Method::kCard);
      case Key::kF7:
        return StartTender(Method::kDebit);
      case Key::kF8:
        return StartTender(Method::kGiftCard);
      case Key::kF9: {
        // The whole sale voided before payment: recorded on the session for the Z (ADR 0150).
        std::vector<VoidLine> voided;
        for (const Line& l : till_.lines()) voided.push_back({l.item.id, l.quantity, l.total_cents()});
        till_.Clear();
        choices_.clear();
        mode_ = Mode::kScan;
        s_.journal().ClearDraft();
        message = "Vente annulée";
        if (!voided.empty() && s_.register_session()) {
          Outcome o = s_.RecordMovement("void_sale", 0, "", voided);
          if (!o.ok) message += " (non notée : " + o.message + ")";
        }
        return true;
      }
      case Key::kF11:
        if (till_.empty()) {
          message = "Rien à mettre en attente";
          return true;
        }
        message = s_.Suspend(till_).message;
        mode_ = Mode::kScan;
        return true;
      case Key::kF12:
        mode_ = Mode::kResume;
        message = SuspendedList();
        return true;
      case Key::kEscape:
        if (mode_ == Mode::kScan && choices_.empty()) {
          nav_.Pop();  // the draft stays: the sale is there when the cashier comes back
        } else {
          mode_ = Mode::kScan;
          choices_.clear();
        }
        return true;
      default:
        return false;
    }
  }

 private:
  enum class Mode {
    kScan, kCustomer, kQuantity, kRemove, kTender, kGiftCode, kGiftPin, kDiscount, kManagerEmail, kManagerPassword,
    kResume
  };

  // "2 10%" (percent) or "2 5,00" (amount) on line 2; "2 0" removes its discount. Above the limit a manager
  // signs in at the till (their token goes with the sale as X-Manager-Token).
  void Discount(const std::string& input) {
    mode_ = Mode::kScan;
    std::istringstream in(input);
    std::size_t line = 0;
    std::string value;
    if (!(in >> line >> value) || line == 0 || line > till_.lines().size()) {
      message = "Écrire le n° de ligne puis le rabais, ex. 2 10% ou 2 5,00";
      return;
    }
    std::optional<pricing::LineDiscount> discount;
    if (value != "0") {
      pricing::LineDiscount d;
      if (value.back() == '%') {
        try {
          d.percent = std::stoll(value.substr(0, value.size() - 1));
        } catch (const std::exception&) {
          d.percent = 0;
        }
      } else {
        std::int64_t cents = 0;
        if (!ParseMoney(value, cents)) cents = 0;
        d.amount_cents = cents;
      }
      discount = d;
    }
    if (!till_.SetDiscount(line - 1, discount)) {
      message = "Rabais refusé (1 à 100 %, ou un montant jusqu'au prix de la ligne)";
      return;
    }
    Changed();
    message = discount ? "Rabais appliqué à la ligne " + std::to_string(line) : "Rabais retiré";
    if (till_.NeedsManagerApproval() && till_.manager_token.empty()) mode_ = Mode::kManagerEmail;
  }

  // « En attente : n° 3 (2 l.), n° 5 (1 l.) » from the server's list of the store.
  std::string SuspendedList() {
    Outcome o = s_.ListSuspended();
    if (!o.ok) return o.message;
    std::string out;
    for (std::size_t i = 2; i < o.text.size(); ++i) {
      const std::string& row = o.text[i];
      if (row.find("Aucune") != std::string::npos) return "Aucune vente en attente dans ce magasin";
      std::istringstream in(row);
      std::string id;
      in >> id;
      out += (out.empty() ? "" : ", ") + std::string("n° ") + id;
    }
    return out.empty() ? "Aucune vente en attente dans ce magasin" : "En attente : " + out;
  }

  void ResumeSale(const std::string& input) {
    mode_ = Mode::kScan;
    std::int64_t id = 0;
    try {
      id = std::stoll(input);
    } catch (const std::exception&) {
    }
    if (id <= 0) {
      message = "Écrire le n° de la vente en attente";
      return;
    }
    Outcome o = s_.Resume(id, till_);
    message = o.message;
  }

  static std::string Trim(const std::string& s) {
    const auto a = s.find_first_not_of(' ');
    if (a == std::string::npos) return "";
    return s.substr(a, s.find_last_not_of(' ') - a + 1);
  }

  std::int64_t Rest() const {
    const Settlement st = till_.settlement();
    return st.settled() ? 0 : st.remaining_cents;
  }

  void Changed() { s_.journal().SaveDraft(till_.ToDraft()); }

  void Add(const Item& item, std::int64_t quantity) {
    till_.Add(item, quantity);
    Changed();
    message = std::to_string(quantity) + " × " + item.name + " ajouté";
  }

  void Scan(const std::string& input) {
    if (input.empty()) return;
    if (!choices_.empty()) {
      std::size_t pick = 0;
      try {
        pick = std::stoul(input);
      } catch (const std::exception&) {
      }
      if (pick < 1 || pick > choices_.size()) {
        message = "Choisir un numéro de 1 à " + std::to_string(choices_.size());
        return;
      }
      Add(choices_[pick - 1], pending_quantity_);
      choices_.clear();
      return;
    }
    std::int64_t quantity = 1;
    std::string code = input;
    if (const auto star = input.find('*'); star != std::string::npos) {
      try {
        quantity = std::stoll(input.substr(0, star));
      } catch (const std::exception&) {
        quantity = 0;
      }
      code = Trim(input.substr(star + 1));
      if (quantity <= 0 || quantity > 999) {
        message = "Quantité invalide";
        return;
      }
    }
    std::string problem;
    if (auto item = s_.Lookup(code, problem)) {
      Add(*item, quantity);
      return;
    }
    std::vector<Item> found = s_.Search(code);
    if (found.empty()) {
      message = problem.empty() ? "Aucun produit pour « " + code + " »" : problem;
    } else if (found.size() == 1) {
      Add(found.front(), quantity);
    } else {
      choices_ = std::move(found);
      if (choices_.size() > 12) choices_.resize(12);
      pending_quantity_ = quantity;
      message = std::to_string(choices_.size()) + " produits trouvés";
    }
  }

  void Customer(const std::string& input) {
    mode_ = Mode::kScan;
    if (input.empty()) {
      till_.customer_id.reset();
      till_.customer_label.clear();
      Changed();
      return;
    }
    std::optional<std::int64_t> id;
    Outcome o = s_.FindCustomer(input, id);
    message = o.ok && !o.text.empty() ? "Client : " + o.text.front() : o.message;
    if (o.ok && id) {
      till_.customer_id = id;
      till_.customer_label = input;
      Changed();
    }
  }

  void Quantity(const std::string& input) {
    mode_ = Mode::kScan;
    std::istringstream in(input);
    std::size_t line = 0;
    std::int64_t quantity = -1;
    if (!(in >> line >> quantity) || !till_.SetQuantity(line - 1, quantity)) {
      message = "Écrire le n° de ligne puis la quantité, ex. 2 3";
      return;
    }
    Changed();
  }

  void RemoveLine(const std::string& input) {
    mode_ = Mode::kScan;
    std::size_t line = 0;
    try {
      line = std::stoul(input);
    } catch (const std::exception&) {
    }
    std::optional<VoidLine> voided;
    if (line >= 1 && line <= till_.lines().size()) {
      const Line& l = till_.lines()[line - 1];
      voided = VoidLine{l.item.id, l.quantity, l.total_cents()};
    }
    if (line == 0 || !till_.Remove(line - 1)) {
      message = "Aucune ligne " + input;
      return;
    }
    Changed();
    message = "Ligne " + input + " annulée";
    // A line voided before payment is recorded on the session for the Z (ADR 0150).
    if (voided && s_.register_session()) {
      Outcome o = s_.RecordMovement("void_line", 0, "", {*voided});
      if (!o.ok) message += " (non notée : " + o.message + ")";
    }
  }

  bool StartTender(Method method) {
    if (till_.empty()) {
      message = TenderRefusalText(TenderRefusal::kEmptyBasket);
      return true;
    }
    if (s_.offline() && NeedsServer(method)) {
      message = TenderRefusalText(TenderRefusal::kOfflineNeedsServer);
      return true;
    }
    method_ = method;
    gift_code_.clear();
    gift_pin_.clear();
    mode_ = method == Method::kGiftCard ? Mode::kGiftCode : Mode::kTender;
    return true;
  }

  void Pay(const std::string& input) {
    std::int64_t cents = method_ == Method::kCash ? till_.CashToPay() : Rest();
    if (!input.empty() && !ParseMoney(input, cents)) {
      message = "Montant invalide : " + input;
      return;
    }
    const TenderRefusal refusal = till_.AddTender({method_, cents, gift_code_, gift_pin_}, s_.offline());
    if (refusal != TenderRefusal::kNone) {
      message = TenderRefusalText(refusal);
      return;
    }
    mode_ = Mode::kScan;
    if (!till_.settlement().settled()) {
      message = "Reste à payer : " + FormatMoney(till_.settlement().remaining_cents);
      return;
    }
    SaleOutcome out = s_.Sell(till_);
    message = out.message;
    if (out.state == SaleState::kRefused) {
      till_.ClearTenders();
      return;
    }
    receipt_ = out.text;
    const Receipt& r = out.receipt;
    summary_ = {"", "Reçu " + r.receipt_number, "", Spread("TOTAL", FormatMoney(r.totals.total_cents), 30)};
    for (const Tender& p : r.payments)
      summary_.push_back(Spread(std::string(MethodLabel(p.method)), FormatMoney(p.amount_cents), 30));
    summary_.push_back(Spread("Arrondi", FormatMoney(r.cash_rounding_cents), 30));
    summary_.push_back(Spread("MONNAIE", FormatMoney(r.change_cents), 30));
    if (r.offline) summary_.insert(summary_.begin() + 2, "HORS LIGNE : envoyée à la reprise");
    last_receipt_ = out.state == SaleState::kRecorded ? out.receipt.receipt_number : "";
    const std::int64_t change = out.receipt.change_cents;
    message += " — monnaie " + FormatMoney(change);
  }

  Navigator& nav_;
  Station& s_;
  Till till_;
  Mode mode_ = Mode::kScan;
  Method method_ = Method::kCash;
  std::string gift_code_;
  std::string gift_pin_;
  std::string manager_email_;
  std::vector<Item> choices_;
  std::int64_t pending_quantity_ = 1;
  std::vector<std::string> receipt_;
  std::vector<std::string> summary_;
  std::string last_receipt_;
  bool email_prompt_ = false;  // F8 on a receipt: the next Enter is the address it is sent to
};

}  // namespace

std::unique_ptr<Screen> MakeSale(Navigator& nav) {
  return std::make_unique<Sale>(nav);
}

}  // namespace comptoir::console::ui
