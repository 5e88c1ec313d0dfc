#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "comptoir/config.hpp"

namespace comptoir::auth {

/// Cost of Argon2id (libsodium crypto_pwhash). The defaults are libsodium's "interactive" limits.
struct PasswordCost {
  unsigned long long ops_limit = 2;            ///< crypto_pwhash_OPSLIMIT_INTERACTIVE
  std::size_t mem_limit = 64ULL * 1024 * 1024;  ///< crypto_pwhash_MEMLIMIT_INTERACTIVE (bytes)
};

/// Reads `auth.password_opslimit` (default 2, at least 1) and `auth.password_memlimit_kb` (default 65536,
/// at least 8192); tests lower them, production keeps libsodium's interactive limits or raises them.
PasswordCost LoadPasswordCost(config::Source& source);

/// Argon2id password hashing and verification on a small dedicated thread pool: a hash costs tens
/// of milliseconds of CPU and 64 MiB of memory, which must never run on an event-loop thread. The
/// result is delivered back on the awaiting coroutine's executor.
class PasswordHasher {
 public:
  explicit PasswordHasher(std::size_t threads = 1, PasswordCost cost = {});
  ~PasswordHasher();
  PasswordHasher(const PasswordHasher&) = delete;
  PasswordHasher& operator=(const PasswordHasher&) = delete;

  /// The encoded hash ("$argon2id$v=19$m=...") of `password`, with a fresh random salt.
  boost::asio::awaitable<std::string> Hash(std::string password);
  /// True when `password` matches `encoded` (constant-time comparison inside libsodium). A hash that
  /// is not Argon2id, or empty, never matches; a decoy hash made at start is verified then so that the time taken
  /// does not tell whether an account exists.
  boost::asio::awaitable<bool> Verify(std::string encoded, std::string password);

  /// Synchronous versions for tools and tests (never on an event loop).
  [[nodiscard]] std::string HashNow(const std::string& password) const;
  [[nodiscard]] bool VerifyNow(const std::string& encoded, const std::string& password) const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace comptoir::auth
