#pragma once
// Shared by the gateway integration tests: the real `comptoir gateway` process and real backend
// processes (gateway_test_backend) on free loopback ports, clients, JSON and polling helpers. Nothing
// asserts on timing: waits are polls with generous deadlines.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>
#include "comptoir/gateway/plugins/test_keys.hpp"
#include "comptoir/testing/http.hpp"
#include "comptoir/testing/pg.hpp"
#include "comptoir/testing/process.hpp"

namespace gateway_test {
namespace fs = std::filesystem;
namespace json = boost::json;
namespace t = comptoir::testing;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using Headers = std::vector<std::pair<std::string, std::string>>;

inline std::string RequiredEnv(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') throw std::runtime_error(std::string(name) + " is not set");
  return value;
}

/// A name unique to this run and call, so that Redis keys and files never collide between runs.
inline std::string Unique(std::string_view prefix) {
  static std::atomic<int> counter{0};
  const auto now =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  return std::string(prefix) + "-" + std::to_string(::getpid()) + "-" + std::to_string(now) + "-" +
         std::to_string(counter++);
}

/// Replaces every `{KEY}` of `text`.
inline std::string Fill(std::string text, const std::map<std::string, std::string>& values) {
  for (const auto& [key, value] : values) {
    const std::string marker = "{" + key + "}";
    for (auto pos = text.find(marker); pos != std::string::npos; pos = text.find(marker, pos + value.size())) {
      text.replace(pos, marker.size(), value);
    }
  }
  return text;
}

inline void WriteFile(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

inline std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

/// A fresh directory for one test's files (config, logs).
inline fs::path TestDir(std::string_view name) {
  auto dir = t::StateDir() / "gateway_integration" / Unique(name);
  fs::create_directories(dir);
  return dir;
}

inline json::value ParseJson(const std::string& text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec) return json::value(nullptr);
  return v;
}

inline std::string JsonString(const json::value& v, std::initializer_list<std::string_view> path) {
  const json::value* cur = &v;
  for (auto key : path) {
    if (!cur->is_object()) return {};
    cur = cur->as_object().if_contains(key);
    if (cur == nullptr) return {};
  }
  return cur->is_string() ? std::string(cur->as_string()) : std::string();
}

inline bool HasKey(const json::value& v, std::initializer_list<std::string_view> path) {
  const json::value* cur = &v;
  for (auto key : path) {
    if (!cur->is_object()) return false;
    cur = cur->as_object().if_contains(key);
    if (cur == nullptr) return false;
  }
  return true;
}

/// Polls `condition` every 50 ms until it holds or `timeout` passes.
template <class F>
inline bool Eventually(F condition, std::chrono::milliseconds timeout = 15s) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (condition()) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(50ms);
  }
}

/// One gateway_test_backend process.
/// Waits until `process` answers on each (port, path) — a path "" only needs the port to accept
/// connections; false as soon as the process has exited, or after 30 s.
inline bool WaitUntilServing(t::ChildProcess& process, const std::vector<std::pair<int, std::string>>& endpoints) {
  const auto deadline = Clock::now() + 30s;
  std::size_t ready = 0;
  while (ready < endpoints.size()) {
    if (!process.Running() || Clock::now() >= deadline) return false;
    const auto& [port, path] = endpoints[ready];
    if (path.empty() ? t::WaitForPort(port, 100ms) : t::WaitForHttp(port, path, 100ms)) ++ready;
  }
  return true;
}

class Backend {
 public:
  /// `extra_args` go to gateway_test_backend: --idle-timeout-ms N (its keep-alive idle timeout),
  /// --body-limit N (bytes; 413 past it).
  Backend(fs::path dir, std::string id, int delay_ms = 0, std::vector<std::string> extra_args = {})
      : dir_(std::move(dir)), id_(std::move(id)), delay_ms_(delay_ms), extra_args_(std::move(extra_args)) {
    // On another port if the one FreePort() gave was taken meanwhile (tests run in parallel).
    for (int attempt = 1;; ++attempt) {
      port_ = t::FreePort();
      if (TryStart()) return;
      if (process_->Running() || attempt == 3) throw std::runtime_error("backend " + id_ + " did not start");
    }
  }

  /// Starts it again on its port (after Kill()).
  void Start() {
    if (!TryStart()) throw std::runtime_error("backend " + id_ + " did not start");
  }
  /// SIGKILL: the process disappears without closing anything gracefully.
  void Kill() {
    process_->Signal(SIGKILL);
    process_->Stop(5s);  // reaps it
    process_.reset();
  }
  /// SIGTERM (a graceful stop: idle connections closed, requests in flight finished), then started
  /// again on the same port: what a deployment does to a service.
  void Restart() {
    process_->Stop(10s);
    process_.reset();
    Start();
  }

  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] const std::string& id() const { return id_; }
  [[nodiscard]] std::string target() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  bool TryStart() {
    t::ProcessOptions o;
    o.path = RequiredEnv("GATEWAY_TEST_BACKEND_BIN");
    o.args = {"--port", std::to_string(port_), "--id", id_};
    if (delay_ms_ > 0) o.args.insert(o.args.end(), {"--delay-ms", std::to_string(delay_ms_)});
    o.args.insert(o.args.end(), extra_args_.begin(), extra_args_.end());
    o.log_file = (dir_ / ("backend-" + id_ + ".log")).string();
    process_ = std::make_unique<t::ChildProcess>(std::move(o));
    return WaitUntilServing(*process_, {{port_, "/health"}});
  }

  fs::path dir_;
  std::string id_;
  int port_ = 0;
  int delay_ms_;
  std::vector<std::string> extra_args_;
  std::unique_ptr<t::ChildProcess> process_;
};

/// One `comptoir gateway` process with its kong.yml.
class Gateway {
 public:
  /// The admin token every test gateway gets (COMPTOIR_GATEWAY_ADMIN_TOKEN) unless `env` sets one.
  static constexpr std::string_view kAdminToken = "test-admin-token-0123456789abcdef";

  /// `extra_args` are added to `comptoir gateway`'s command line (e.g. --upstream-keepalive-idle-timeout 1).
  Gateway(fs::path dir, const std::string& config, int threads = 2, std::string name = "gateway",
          std::vector<std::pair<std::string, std::string>> env = {}, std::vector<std::string> extra_args = {})
      : dir_(std::move(dir)), name_(std::move(name)) {
    admin_token_ = std::string(kAdminToken);
    bool token_given = false;
    for (const auto& [k, v] : env) {
      if (k == "COMPTOIR_GATEWAY_ADMIN_TOKEN" || k == "COMPTOIR_GATEWAY_ADMIN_TOKEN_FILE") {
        token_given = true;
        if (k == "COMPTOIR_GATEWAY_ADMIN_TOKEN") admin_token_ = v;
      }
    }
    if (!token_given) env.emplace_back("COMPTOIR_GATEWAY_ADMIN_TOKEN", admin_token_);
    config_file_ = dir_ / (name_ + ".kong.yml");
    WriteFile(config_file_, config);
    // A port FreePort() found free can be taken by a test running in parallel before the gateway
    // binds it: the gateway then exits at once, and is started again on other ports.
    for (int attempt = 1;; ++attempt) {
      proxy_ = t::FreePort();
      admin_ = t::FreePort();
      t::ProcessOptions o;
      o.path = RequiredEnv("COMPTOIR_BIN");
      o.args = {"gateway",
                "--config",
                config_file_.string(),
                "--listen",
                "127.0.0.1:" + std::to_string(proxy_),
                "--admin-listen",
                "127.0.0.1:" + std::to_string(admin_),
                "--threads",
                std::to_string(threads)};
      o.args.insert(o.args.end(), extra_args.begin(), extra_args.end());
      o.env = env;
      o.log_file = log_file().string();
      process_ = std::make_unique<t::ChildProcess>(std::move(o));
      if (WaitUntilServing(*process_, {{admin_, "/status/ready"}, {proxy_, ""}})) break;
      if (process_->Running() || attempt == 3) {
        throw std::runtime_error("gateway did not start; log:\n" + ReadFile(log_file()));
      }
    }
  }

  t::HttpResult Get(const std::string& target, Headers headers = {},
                    std::chrono::milliseconds timeout = std::chrono::seconds(10)) const {
    return t::Http(static_cast<std::uint16_t>(proxy_), "GET", target, {}, std::move(headers), timeout);
  }
  t::HttpResult Post(const std::string& target, std::string body, Headers headers = {}) const {
    return t::Http(static_cast<std::uint16_t>(proxy_), "POST", target, std::move(body), std::move(headers));
  }
  /// An Admin API call with the admin credential.
  t::HttpResult Admin(const std::string& method, const std::string& target, std::string body = {},
                      Headers headers = {}) const {
    headers.emplace_back("Kong-Admin-Token", admin_token_);
    return t::Http(static_cast<std::uint16_t>(admin_), method, target, std::move(body), std::move(headers));
  }
  /// An Admin API call as given (no credential unless `headers` has one).
  t::HttpResult AdminAs(const std::string& method, const std::string& target, Headers headers,
                        std::string body = {}) const {
    return t::Http(static_cast<std::uint16_t>(admin_), method, target, std::move(body), std::move(headers));
  }
  t::HttpResult PostConfig(const std::string& yaml) const {
    return Admin("POST", "/config", yaml, {{"Content-Type", "text/yaml"}});
  }
  /// Rewrites the file and sends SIGHUP.
  void ReloadFile(const std::string& yaml) {
    WriteFile(config_file_, yaml);
    process_->Signal(SIGHUP);
  }
  /// Health of `target` ("127.0.0.1:port") in /upstreams/{upstream}/health.
  std::string Health(const std::string& upstream, const std::string& target) const {
    auto r = Admin("GET", "/upstreams/" + upstream + "/health");
    if (r.status != 200) return "status " + std::to_string(r.status);
    auto v = ParseJson(r.body);
    for (const auto& e : v.at("data").as_array()) {
      if (JsonString(e, {"target"}) == target) return JsonString(e, {"health"});
    }
    return "absent";
  }
  bool Running() { return process_->Running(); }
  [[nodiscard]] pid_t pid() const { return process_->pid(); }

  [[nodiscard]] fs::path log_file() const { return dir_ / (name_ + ".log"); }
  [[nodiscard]] int proxy() const { return proxy_; }
  [[nodiscard]] int admin() const { return admin_; }
  [[nodiscard]] const std::string& admin_token() const { return admin_token_; }
  /// Lines of the gateway's log containing `text`.
  [[nodiscard]] std::vector<std::string> LogLines(std::string_view text) const {
    std::vector<std::string> out;
    std::ifstream in(log_file());
    for (std::string line; std::getline(in, line);) {
      if (line.find(text) != std::string::npos) out.push_back(line);
    }
    return out;
  }

 private:
  fs::path dir_;
  std::string name_;
  std::string admin_token_;
  int proxy_ = 0;
  int admin_ = 0;
  fs::path config_file_;
  std::unique_ptr<t::ChildProcess> process_;
};

/// What the backend echoed.
struct Echoed {
  int status = 0;
  std::string served_by;
  json::value body;
};

inline Echoed Call(int port, const std::string& target, Headers headers = {}, const std::string& method = "GET") {
  auto r = t::Http(static_cast<std::uint16_t>(port), method, target, {}, std::move(headers));
  Echoed e;
  e.status = r.status;
  e.body = ParseJson(r.body);
  e.served_by = JsonString(e.body, {"served_by"});
  return e;
}

inline std::string B64Url(std::string_view in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');  // + the NUL EVP_EncodeBlock writes
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  out.resize(static_cast<std::size_t>(n));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (auto& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

/// An HS256 JWT as any JWT library makes it.
inline std::string SignHs256(const json::object& claims, std::string_view secret) {
  const json::object header{{"typ", "JWT"}, {"alg", "HS256"}};
  const std::string input = B64Url(json::serialize(header)) + "." + B64Url(json::serialize(claims));
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);
  return input + "." + B64Url(std::string_view(reinterpret_cast<char*>(mac), len));
}

/// A client thread sending GET `target` one request after another until stopped (or `max_requests`,
/// or `max_time`), counting what it sees.
class LoadClient {
 public:
  LoadClient(int port, std::string target, int max_requests = 100000, std::chrono::seconds max_time = 60s)
      : thread_([this, port, target = std::move(target), max_requests, max_time] {
          const auto deadline = Clock::now() + max_time;
          for (int i = 0; i < max_requests && !stop_.load() && Clock::now() < deadline; ++i) {
            std::string failure;
            std::string served_by;
            try {
              auto r = t::Http(static_cast<std::uint16_t>(port), "GET", target);
              if (r.status != 200) {
                failure = std::to_string(r.status) + " " + r.body;
              } else {
                served_by = JsonString(ParseJson(r.body), {"served_by"});
              }
            } catch (const std::exception& e) {
              failure = std::string("exception: ") + e.what();
            }
            std::lock_guard lock(mutex_);
            ++total_;
            if (!failure.empty()) failures_.push_back(failure);
            if (!served_by.empty()) ++served_[served_by];
          }
        }) {}
  ~LoadClient() { Stop(); }

  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int total() {
    std::lock_guard lock(mutex_);
    return total_;
  }
  int served(const std::string& id) {
    std::lock_guard lock(mutex_);
    return served_[id];
  }
  std::vector<std::string> failures() {
    std::lock_guard lock(mutex_);
    return failures_;
  }
  /// Waits until `n` more requests have been answered (false if the client stopped first).
  bool WaitFor(int n, std::chrono::milliseconds timeout = 30s) {
    const int target = total() + n;
    return Eventually([&] { return total() >= target; }, timeout);
  }

 private:
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  int total_ = 0;
  std::vector<std::string> failures_;
  std::map<std::string, int> served_;
  std::thread thread_;  // last: starts once the members above exist
};

inline std::string JoinFailures(const std::vector<std::string>& failures) {
  std::string out;
  for (std::size_t i = 0; i < failures.size() && i < 10; ++i) out += failures[i] + "\n";
  return out;
}

/// What the client of a raw upload saw.
struct RawAnswer {
  int status = 0;
  std::string body;
};

/// A raw loopback connection (30 s send/receive timeouts), for what the HTTP client cannot send.
class RawConnection {
 public:
  explicit RawConnection(int port) : fd_(t::ConnectLoopback(port, std::chrono::seconds(30))) {
    if (fd_ < 0) throw std::runtime_error("connect failed");
  }
  ~RawConnection() { ::close(fd_); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  /// False once the peer stops reading or closed.
  bool Send(const std::string& data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
      const auto n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }
  /// Everything the peer sends until it closes (or the receive timeout).
  std::string ReadUntilClosed() {
    std::string raw;
    char buf[64 * 1024];
    for (;;) {
      const auto n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) break;
      raw.append(buf, static_cast<std::size_t>(n));
    }
    return raw;
  }

 private:
  int fd_;
};

/// Uploads `size` bytes as a chunked POST (no Content-Length), in 64 KiB chunks, on a raw connection, then reads the
/// answer until the server closes. Sending stops early if the server stops reading.
inline RawAnswer ChunkedUpload(int port, const std::string& target, std::size_t size) {
  RawConnection c(port);
  bool sending = c.Send("POST " + target +
                        " HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n"
                        "Content-Type: application/octet-stream\r\nConnection: close\r\n\r\n");
  const std::string piece(64 * 1024, 'x');
  for (std::size_t left = size; sending && left > 0;) {
    const std::size_t n = std::min(left, piece.size());
    char length[32];
    std::snprintf(length, sizeof length, "%zx\r\n", n);
    sending = c.Send(length + piece.substr(0, n) + "\r\n");
    left -= n;
  }
  if (sending) c.Send("0\r\n\r\n");

  const std::string raw = c.ReadUntilClosed();
  RawAnswer answer;
  if (raw.rfind("HTTP/1.1 ", 0) == 0 && raw.size() >= 12) answer.status = std::atoi(raw.substr(9, 3).c_str());
  const auto end = raw.find("\r\n\r\n");
  if (end == std::string::npos) return answer;
  std::string head = raw.substr(0, end);
  for (auto& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string body = raw.substr(end + 4);
  if (head.find("transfer-encoding: chunked") != std::string::npos) {
    std::size_t pos = 0;
    for (;;) {
      const auto eol = body.find("\r\n", pos);
      if (eol == std::string::npos) break;
      const std::size_t n = std::strtoul(body.substr(pos, eol - pos).c_str(), nullptr, 16);
      if (n == 0) break;
      answer.body += body.substr(eol + 2, n);
      pos = eol + 2 + n + 2;
    }
  } else {
    answer.body = std::move(body);
  }
  return answer;
}

/// Reads from `fd` until `pending` holds a whole request head, which is moved to `head` (the rest
/// stays in `pending`); false when the peer closed or failed first.
inline bool ReadHead(int fd, std::string& pending, std::string& head) {
  char buf[16 * 1024];
  for (;;) {
    const auto end = pending.find("\r\n\r\n");
    if (end != std::string::npos) {
      head = pending.substr(0, end + 4);
      pending.erase(0, end + 4);
      return true;
    }
    const auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return false;
    pending.append(buf, static_cast<std::size_t>(n));
  }
}

/// A raw HTTP upstream on a free loopback port, for answers a real server does not give (an early
/// answer, a close at a chosen moment): each accepted connection runs `handler(fd)` on a thread of
/// its own and is closed when the handler returns. Declare it before the Gateway that uses it (the
/// gateway, gone first, closes its connections, which ends the handlers).
class RawUpstream {
 public:
  using Handler = std::function<void(int fd)>;
  explicit RawUpstream(Handler handler) : handler_(std::move(handler)), fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof addr;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 64) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &length) != 0) {
      throw std::runtime_error("raw upstream: cannot listen");
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~RawUpstream() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
    for (auto& t : connections_) t.join();
  }
  RawUpstream(const RawUpstream&) = delete;
  RawUpstream& operator=(const RawUpstream&) = delete;

  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] std::string target() const { return "127.0.0.1:" + std::to_string(port_); }
  /// Connections accepted so far.
  [[nodiscard]] int accepted() const { return accepted_.load(); }

 private:
  void Serve() {
    for (;;) {
      const int client = ::accept(fd_, nullptr, nullptr);
      if (client < 0) return;
      ++accepted_;
      connections_.emplace_back([this, client] {
        handler_(client);
        ::close(client);
      });
    }
  }

  Handler handler_;
  int fd_;
  int port_ = 0;
  std::atomic<int> accepted_{0};
  std::vector<std::thread> connections_;  // touched by the accepting thread only, then joined
  std::thread thread_;
};

/// t::HttpFrom with the gateway tests' argument order (headers before the body).
inline t::HttpResult HttpFrom(const std::string& source, int port, const std::string& method, const std::string& target,
                              Headers headers = {}, const std::string& body = {}) {
  return t::HttpFrom(source, static_cast<std::uint16_t>(port), method, target, body, std::move(headers));
}

}  // namespace gateway_test
