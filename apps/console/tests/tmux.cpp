#include "tests/tmux.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <csignal>
#include <cstdio>
#include <stdexcept>
#include <thread>

namespace comptoir::console::testing {

namespace {
std::string Socket() {
  return "comptoir-console-e2e-" + std::to_string(::getpid());
}
}  // namespace

std::string Quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string Run(const std::string& command, int* status) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) throw std::runtime_error("cannot run " + command);
  std::array<char, 4096> buffer{};
  while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), p)) out.append(buffer.data(), n);
  const int rc = ::pclose(p);
  if (status != nullptr) *status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  return out;
}

Terminal::Terminal(const std::string& name, const std::vector<std::string>& argv,
                   const std::vector<std::pair<std::string, std::string>>& env)
    : name_(name) {
  std::string command = "exec env TERM=xterm-256color LANG=C.UTF-8";
  for (const auto& [k, v] : env) command += " " + Quote(k + "=" + v);
  for (const auto& a : argv) command += " " + Quote(a);
  int status = 0;
  std::string said;
  // The server of the last session may still be exiting: try again a few times.
  for (int attempt = 0; attempt < 10; ++attempt) {
    said =
        Run("tmux -L " + Socket() + " new-session -d -s " + Quote(name_) + " -x 80 -y 24 " + Quote(command) + " 2>&1",
            &status);
    if (status == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  if (status != 0) throw std::runtime_error("tmux could not start " + command + ": " + said);
  // Keep the pane when the console exits, to read what it said.
  Tmux("set-option -t " + Quote(name_) + " remain-on-exit on");
}

Terminal::~Terminal() {
  Tmux("kill-session -t " + Quote(name_));
}

std::string Terminal::Tmux(const std::string& args) const {
  return Run("tmux -L " + Socket() + " " + args + " 2>&1");
}

void Terminal::Type(const std::string& text) {
  Tmux("send-keys -t " + Quote(name_) + " -l -- " + Quote(text));
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
}

void Terminal::Press(const std::string& key) {
  Tmux("send-keys -t " + Quote(name_) + " " + key);
  // Escape alone is told from a sequence by a pause: give the console that pause.
  std::this_thread::sleep_for(std::chrono::milliseconds(key == "Escape" ? 600 : 250));
}

void Terminal::Line(const std::string& text) {
  Type(text);
  Press("Enter");
}

std::string Terminal::Screen() const {
  return Tmux("capture-pane -p -t " + Quote(name_));
}

bool Terminal::WaitFor(const std::string& text, std::chrono::milliseconds timeout) const {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (Screen().find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
  }
  return false;
}

void Terminal::Kill() {
  const std::string pid = Tmux("display-message -p -t " + Quote(name_) + " '#{pane_pid}'");
  const pid_t p = static_cast<pid_t>(std::stol(pid));
  ::kill(p, SIGKILL);
  for (int i = 0; i < 50 && Running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

bool Terminal::Running() const {
  return Tmux("display-message -p -t " + Quote(name_) + " '#{pane_dead}'").find('1') == std::string::npos;
}

}  // namespace comptoir::console::testing
