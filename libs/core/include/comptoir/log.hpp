#pragma once
#include <cstdint>
#include <exception>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>

namespace comptoir::log {

enum class Level { kDebug, kInfo, kWarn, kError };

/// One key/value of a structured log line.
struct Field {
  std::string_view key;
  std::variant<std::string_view, std::int64_t, double, bool> value;
  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const std::string& v) : key(k), value(std::string_view(v)) {}
  Field(std::string_view k, const char* v) : key(k), value(std::string_view(v)) {}
  Field(std::string_view k, std::int64_t v) : key(k), value(v) {}
  Field(std::string_view k, int v) : key(k), value(static_cast<std::int64_t>(v)) {}
  Field(std::string_view k, unsigned v) : key(k), value(static_cast<std::int64_t>(v)) {}
  Field(std::string_view k, std::size_t v) : key(k), value(static_cast<std::int64_t>(v)) {}
  Field(std::string_view k, double v) : key(k), value(v) {}
  Field(std::string_view k, bool v) : key(k), value(v) {}
};

/// The request a log line belongs to. While a context is current on a thread (ScopedContext), every line
/// written there carries its `request_id` and `trace_id` (unless the line names them itself). libs/http makes
/// the context of each request current whenever that request's coroutine runs (http/log_context.hpp).
struct RequestContext {
  std::string request_id;
  std::string trace_id;  ///< 32 hex digits of the W3C traceparent, empty when unknown
};

/// The context current on this thread, nullptr when none.
const RequestContext* CurrentContext() noexcept;

/// Makes `context` current on this thread for its lifetime (nullptr: none), then restores the previous one.
class ScopedContext {
 public:
  explicit ScopedContext(const RequestContext* context) noexcept;
  ~ScopedContext();
  ScopedContext(const ScopedContext&) = delete;
  ScopedContext& operator=(const ScopedContext&) = delete;

 private:
  const RequestContext* previous_;
};

/// Sets the process name written in every line and the minimum level. Lines go to stdout, one JSON
/// object each, written by a background thread so that request threads never wait on the terminal.
void Init(std::string_view process, Level level);
Level ParseLevel(std::string_view name, Level fallback);
bool Enabled(Level level);

/// Formats one line: {"ts","level","process","msg",...fields}. Exposed for tests.
std::string Format(Level level, std::string_view msg, std::initializer_list<Field> fields);
void Write(Level level, std::string_view msg, std::initializer_list<Field> fields = {});
/// Flushes pending lines (at exit).
void Flush();

/// Completion handler for `co_spawn` of detached coroutines: an exception that escaped is logged
/// with `what`, never lost.
struct LogFailure {
  std::string_view what;
  void operator()(const std::exception_ptr& failure) const;
};

inline void Debug(std::string_view msg, std::initializer_list<Field> f = {}) { if (Enabled(Level::kDebug)) Write(Level::kDebug, msg, f); }
inline void Info(std::string_view msg, std::initializer_list<Field> f = {}) { if (Enabled(Level::kInfo)) Write(Level::kInfo, msg, f); }
inline void Warn(std::string_view msg, std::initializer_list<Field> f = {}) { if (Enabled(Level::kWarn)) Write(Level::kWarn, msg, f); }
inline void Error(std::string_view msg, std::initializer_list<Field> f = {}) { Write(Level::kError, msg, f); }

}  // namespace comptoir::log
