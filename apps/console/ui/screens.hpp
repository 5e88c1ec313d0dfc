#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "comptoir/console/station.hpp"

/// The screens of the console, free of FINAL CUT: each says what to show (title, body lines, prompt,
/// F-key hints) and reacts to a line typed or a key. ui/app.cpp draws them and reads the keys.
namespace comptoir::console::ui {

enum class Key { kF1, kF2, kF3, kF4, kF5, kF6, kF7, kF8, kF9, kF10, kF11, kF12, kEscape };

struct Hint {
  Key key;
  std::string label;
};
std::string KeyName(Key key);
/// "F2 Client  F5 Comptant  …" for the status bar.
std::string HintLine(const std::vector<Hint>& hints);

class Navigator;

class Screen {
 public:
  virtual ~Screen() = default;
  virtual std::string Title() const = 0;
  virtual std::vector<std::string> Body() = 0;
  virtual std::string Prompt() const = 0;
  virtual bool Secret() const { return false; }
  virtual std::vector<Hint> Hints() const = 0;
  /// A line typed and Enter.
  virtual void Enter(const std::string& input) = 0;
  /// An F-key or Escape; false when the screen has no use for it.
  virtual bool Press(Key key) = 0;
  /// Once a second (live refresh).
  virtual void Tick() {}
  std::string message;  ///< one line under the body
};

/// The screen stack, the station, and the periodic replay of the journal.
class Navigator {
 public:
  explicit Navigator(Station& station) : station_(station) {}
  Station& station() { return station_; }
  Screen& current() { return *stack_.back(); }
  void Push(std::unique_ptr<Screen> screen) { stack_.push_back(std::move(screen)); }
  /// Back to the previous screen, after the current event (a screen may ask it from its own method).
  void Pop() { pop_ = true; }
  void Quit() { quit_ = true; }
  [[nodiscard]] bool quitting() const { return quit_; }
  /// The menu of the signed-in role (or the sign-in screen), after the current event.
  void Home() { home_ = true; }
  /// Applies what screens asked during the event just handled.
  void Settle();
  /// Called once a second: replays the journal every replay_interval_s while sales wait.
  void Tick();
  /// « EN LIGNE » / « HORS LIGNE — N ventes en attente » and who is signed in.
  std::string Header() const;

 private:
  Station& station_;
  std::vector<std::unique_ptr<Screen>> stack_;
  void GoHome();
  bool quit_ = false;
  bool pop_ = false;
  bool home_ = false;
  int seconds_ = 0;
};

std::unique_ptr<Screen> MakeLogin(Navigator& nav);
std::unique_ptr<Screen> MakeSale(Navigator& nav);

}  // namespace comptoir::console::ui
