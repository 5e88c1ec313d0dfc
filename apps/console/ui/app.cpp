// FINAL CUT: one full-screen window drawing the current screen (header, body, prompt, input line,
// message) and a status bar with the F-key hints. Keys are read here and handed to the screen.
#include "ui/app.hpp"

#include <final/final.h>

#include "ui/screens.hpp"

namespace comptoir::console::ui {
namespace {

using finalcut::FKey;
using finalcut::FPoint;
using finalcut::FSize;
using finalcut::FString;

std::optional<Key> KeyOf(FKey key) {
  switch (key) {
    case FKey::F1:
      return Key::kF1;
    case FKey::F2:
      return Key::kF2;
    case FKey::F3:
      return Key::kF3;
    case FKey::F4:
      return Key::kF4;
    case FKey::F5:
      return Key::kF5;
    case FKey::F6:
      return Key::kF6;
    case FKey::F7:
      return Key::kF7;
    case FKey::F8:
      return Key::kF8;
    case FKey::F9:
      return Key::kF9;
    case FKey::F10:
      return Key::kF10;
    case FKey::F11:
      return Key::kF11;
    case FKey::F12:
      return Key::kF12;
    case FKey::Escape:
      return Key::kEscape;
    default:
      return std::nullopt;
  }
}

/// The input line: F-keys, Escape and Enter go to the screen, the rest edits the text.
class Input final : public finalcut::FLineEdit {
 public:
  explicit Input(finalcut::FWidget* parent) : finalcut::FLineEdit(parent) {}
  std::function<bool(FKey)> on_key;
  void onKeyPress(finalcut::FKeyEvent* ev) override {
    if (on_key && on_key(ev->key())) {
      ev->accept();
      return;
    }
    finalcut::FLineEdit::onKeyPress(ev);
  }
};

class Window final : public finalcut::FDialog {
 public:
  Window(finalcut::FWidget* parent, Navigator& nav) : finalcut::FDialog(parent), nav_(nav) {
    input_.on_key = [this](FKey key) { return OnKey(key); };
    input_.unsetShadow();
    addTimer(1000);
  }

  void Layout() {
    const auto width = getDesktopWidth();
    const auto height = getDesktopHeight();
    setGeometry(FPoint{1, 1}, FSize{width, height - 1});
    header_.setGeometry(FPoint{1, 1}, FSize{width - 2, 1});
    body_.setGeometry(FPoint{1, 2}, FSize{width - 2, height - 7});
    prompt_.setGeometry(FPoint{1, static_cast<int>(height) - 5}, FSize{38, 1});
    input_.setGeometry(FPoint{40, static_cast<int>(height) - 5}, FSize{width - 42, 1});
    message_.setGeometry(FPoint{1, static_cast<int>(height) - 4}, FSize{width - 2, 1});
  }

  void Render() {
    Screen& screen = nav_.current();
    setText(FString{screen.Title()});
    header_.setText(FString{nav_.Header()});
    std::string text;
    for (const auto& line : screen.Body()) text += (text.empty() ? "" : "\n") + line;
    body_.setText(FString{text});
    prompt_.setText(FString{screen.Prompt()});
    input_.setInputType(screen.Secret() ? finalcut::FLineEdit::InputType::Password
                                        : finalcut::FLineEdit::InputType::Textfield);
    message_.setText(FString{screen.message});
    Keys(screen.Hints());
    redraw();
    status_.redraw();
  }

 private:
  bool OnKey(FKey key) {
    if (key == FKey::Page_down || key == FKey::Page_up) {
      body_.scrollBy(0, key == FKey::Page_down ? 10 : -10);
      body_.redraw();
      return true;
    }
    if (key == FKey::Return || key == FKey::Enter) {
      const std::string text = input_.getText().toString();
      input_.clear();
      nav_.current().message.clear();
      nav_.current().Enter(text);
      After();
      return true;
    }
    auto k = KeyOf(key);
    if (!k) return false;
    nav_.current().message.clear();
    const bool used = nav_.current().Press(*k);
    if (used) input_.clear();
    After();
    return used || *k == Key::kEscape;
  }

  void After() {
    nav_.Settle();
    if (nav_.quitting()) {
      finalcut::FApplication::getApplicationObject()->quit();
      return;
    }
    Render();
  }

  static FKey FKeyOf(Key key) {
    static constexpr FKey kF[] = {FKey::F1, FKey::F2, FKey::F3, FKey::F4,  FKey::F5,  FKey::F6,
                                  FKey::F7, FKey::F8, FKey::F9, FKey::F10, FKey::F11, FKey::F12};
    return key == Key::kEscape ? FKey::Escape : kF[static_cast<int>(key)];
  }

  // The status bar shows the screen's F-keys. The keys themselves are read by the input line (which
  // always has the focus); the status keys have no action of their own, so that replacing them never
  // deletes the widget that is handling an event.
  void Keys(const std::vector<Hint>& hints) {
    const std::string line = HintLine(hints);
    if (line == shown_hints_) return;
    shown_hints_ = line;
    for (auto* key : keys_) delete key;
    keys_.clear();
    for (const Hint& h : hints) {
      if (h.key == Key::kEscape) {
        status_.setMessage(FString{"Échap " + h.label});
        continue;
      }
      keys_.push_back(new finalcut::FStatusKey(FKeyOf(h.key), FString{h.label}, &status_));
    }
  }

  void onTimer(finalcut::FTimerEvent*) override {
    nav_.Tick();
    nav_.Settle();
    Render();
  }

  void onShow(finalcut::FShowEvent*) override { input_.setFocus(); }

  Navigator& nav_;
  std::string shown_hints_;
  std::vector<finalcut::FStatusKey*> keys_;
  finalcut::FStatusBar status_{this};
  finalcut::FLabel header_{this};
  finalcut::FTextView body_{this};
  finalcut::FLabel prompt_{this};
  Input input_{this};
  finalcut::FLabel message_{this};
};

}  // namespace

int RunScreens(int argc, char** argv, Station& station) {
  finalcut::FApplication app(argc, argv);
  Navigator nav(station);
  nav.Home();
  nav.Settle();
  Window window(&app, nav);
  window.Layout();
  window.unsetShadow();
  window.Render();
  finalcut::FWidget::setMainWidget(&window);
  window.show();
  return app.exec();
}

}  // namespace comptoir::console::ui
