#include "comptoir/log.hpp"

#include <atomic>
#include <chrono>
#include <memory>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/async.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace comptoir::log {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::kInfo)};
std::string g_process = "comptoir";
std::shared_ptr<spdlog::logger> g_logger;
thread_local const RequestContext* t_context = nullptr;

std::shared_ptr<spdlog::logger>& Logger() {
  if (!g_logger) {
    // Synchronous fallback for tools and tests that never call Init().
    g_logger = spdlog::stdout_logger_mt("comptoir-sync");
    g_logger->set_pattern("%v");
  }
  return g_logger;
}

// JSON string escaping straight into the line (this runs for every access-log line).
void AppendQuoted(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarn: return "warn";
    case Level::kError: return "error";
  }
  return "info";
}

}  // namespace

const RequestContext* CurrentContext() noexcept { return t_context; }

ScopedContext::ScopedContext(const RequestContext* context) noexcept : previous_(t_context) { t_context = context; }
ScopedContext::~ScopedContext() { t_context = previous_; }

void Init(std::string_view process, Level level) {
  g_process = std::string(process);
  g_level = static_cast<int>(level);
  spdlog::init_thread_pool(8192, 1);
  auto sink = std::make_shared<spdlog::sinks::stdout_sink_mt>();
  // Overflow blocks rather than drops: a log line may be evidence of what happened to a sale.
  g_logger = std::make_shared<spdlog::async_logger>("comptoir", sink, spdlog::thread_pool(),
                                                    spdlog::async_overflow_policy::block);
  g_logger->set_pattern("%v");
  g_logger->flush_on(spdlog::level::warn);
  spdlog::flush_every(std::chrono::seconds(1));
}

Level ParseLevel(std::string_view name, Level fallback) {
  if (name == "debug") return Level::kDebug;
  if (name == "info") return Level::kInfo;
  if (name == "warn" || name == "warning") return Level::kWarn;
  if (name == "error") return Level::kError;
  return fallback;
}

bool Enabled(Level level) { return static_cast<int>(level) >= g_level.load(std::memory_order_relaxed); }

std::string Format(Level level, std::string_view msg, std::initializer_list<Field> fields) {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  // The date-time part changes once a second: format it once per second and thread.
  thread_local std::time_t cached_second = -1;
  thread_local std::string cached_text;
  std::time_t second = std::chrono::system_clock::to_time_t(now);
  if (second != cached_second) {
    cached_second = second;
    cached_text = fmt::format("{:%Y-%m-%dT%H:%M:%S}", fmt::gmtime(second));
  }
  std::string out;
  out.reserve(192);
  out += "{\"ts\":\"";
  out += cached_text;
  out += fmt::format(".{:03d}Z\",\"level\":\"{}\",\"process\":", static_cast<int>(ms), LevelName(level));
  AppendQuoted(out, g_process);
  out += ",\"msg\":";
  AppendQuoted(out, msg);
  for (const auto& f : fields) {
    out += ',';
    AppendQuoted(out, f.key);
    out += ':';
    std::visit(
        [&out](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::string_view>) {
            AppendQuoted(out, v);
          } else if constexpr (std::is_same_v<T, bool>) {
            out += v ? "true" : "false";
          } else {
            out += fmt::format("{}", v);
          }
        },
        f.value);
  }
  if (const RequestContext* context = t_context) {
    bool has_id = false;
    bool has_trace = false;
    for (const auto& f : fields) {
      has_id = has_id || f.key == "request_id";
      has_trace = has_trace || f.key == "trace_id";
    }
    if (!has_id && !context->request_id.empty()) {
      out += ",\"request_id\":";
      AppendQuoted(out, context->request_id);
    }
    if (!has_trace && !context->trace_id.empty()) {
      out += ",\"trace_id\":";
      AppendQuoted(out, context->trace_id);
    }
  }
  out += '}';
  return out;
}

void Write(Level level, std::string_view msg, std::initializer_list<Field> fields) {
  auto line = Format(level, msg, fields);
  Logger()->info(line);
}

void LogFailure::operator()(const std::exception_ptr& failure) const {
  if (!failure) return;
  try {
    std::rethrow_exception(failure);
  } catch (const std::exception& e) {
    Error(what, {{"error", e.what()}});
  } catch (...) {
    Error(what, {{"error", "unknown exception"}});
  }
}

void Flush() {
  if (g_logger) g_logger->flush();
}

}  // namespace comptoir::log
