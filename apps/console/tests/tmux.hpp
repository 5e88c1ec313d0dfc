#pragma once
#include <chrono>
#include <string>
#include <utility>
#include <vector>

/// The real console in a real terminal for end-to-end tests: tmux (its own server socket per test
/// process) runs `comptoir-console`, `send-keys` types, `capture-pane` reads the screen.
namespace comptoir::console::testing {

class Terminal {
 public:
  /// Starts `argv` in an 80×24 tmux session with `env` added.
  Terminal(const std::string& name, const std::vector<std::string>& argv,
           const std::vector<std::pair<std::string, std::string>>& env);
  ~Terminal();
  Terminal(const Terminal&) = delete;
  Terminal& operator=(const Terminal&) = delete;

  /// Types `text` literally (no key names).
  void Type(const std::string& text);
  /// Presses keys by tmux name: "Enter", "F2", "Escape", "PageDown".
  void Press(const std::string& key);
  /// Types `text`, then Enter.
  void Line(const std::string& text);
  /// The screen as text.
  std::string Screen() const;
  /// Waits until the screen contains `text`; false after `timeout`.
  bool WaitFor(const std::string& text, std::chrono::milliseconds timeout = std::chrono::seconds(15)) const;
  /// SIGKILLs the console (as a power cut or a crash would).
  void Kill();
  /// Whether the console still runs.
  bool Running() const;

 private:
  std::string Tmux(const std::string& args) const;
  std::string name_;
};

/// Runs a command, returns its stdout; `status` gets the exit status.
std::string Run(const std::string& command, int* status = nullptr);
/// 'text' for /bin/sh.
std::string Quote(const std::string& text);

}  // namespace comptoir::console::testing
