#include "comptoir/auth/password.hpp"

#include <sodium.h>

#include <stdexcept>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace comptoir::auth {
namespace asio = boost::asio;

struct PasswordHasher::Impl {
  asio::thread_pool pool;
  PasswordCost cost;
  std::string decoy_hash;  // verified when an account has no usable hash, to take the same time

  Impl(std::size_t threads, PasswordCost c) : pool(threads), cost(c) {}

  std::string HashNow(const std::string& password) const {
    std::string out(crypto_pwhash_STRBYTES, '\0');
    if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(), cost.ops_limit, cost.mem_limit,
                              crypto_pwhash_ALG_ARGON2ID13) != 0) {
      throw std::runtime_error("argon2id: out of memory");
    }
    out.resize(std::char_traits<char>::length(out.c_str()));
    return out;
  }

  bool VerifyNow(const std::string& encoded, const std::string& password) const {
    const bool usable = encoded.starts_with("$argon2id$");
    const std::string& hash = usable ? encoded : decoy_hash;
    bool match = crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
    return usable && match;
  }
};

namespace {

// Named coroutines (no capturing lambdas): they run on the pool and hand the result back.
asio::awaitable<std::string> HashOnPool(const PasswordHasher::Impl* impl, std::string password) {
  co_return impl->HashNow(password);
}

asio::awaitable<bool> VerifyOnPool(const PasswordHasher::Impl* impl, std::string encoded, std::string password) {
  co_return impl->VerifyNow(encoded, password);
}

}  // namespace

PasswordCost LoadPasswordCost(config::Source& source) {
  PasswordCost cost;
  cost.ops_limit = static_cast<unsigned long long>(source.Int("auth.password_opslimit", 2, 1, 20));
  cost.mem_limit = static_cast<std::size_t>(source.Int("auth.password_memlimit_kb", 65536, 8192, 4 * 1024 * 1024)) * 1024;
  return cost;
}

PasswordHasher::PasswordHasher(std::size_t threads, PasswordCost cost)
    : impl_(std::make_unique<Impl>(threads == 0 ? 1 : threads, cost)) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
  impl_->decoy_hash = impl_->HashNow("comptoir-decoy-password");
}

PasswordHasher::~PasswordHasher() {
  impl_->pool.join();
}

asio::awaitable<std::string> PasswordHasher::Hash(std::string password) {
  co_return co_await asio::co_spawn(impl_->pool, HashOnPool(impl_.get(), std::move(password)), asio::use_awaitable);
}

asio::awaitable<bool> PasswordHasher::Verify(std::string encoded, std::string password) {
  co_return co_await asio::co_spawn(impl_->pool, VerifyOnPool(impl_.get(), std::move(encoded), std::move(password)),
                                    asio::use_awaitable);
}

std::string PasswordHasher::HashNow(const std::string& password) const { return impl_->HashNow(password); }
bool PasswordHasher::VerifyNow(const std::string& encoded, const std::string& password) const {
  return impl_->VerifyNow(encoded, password);
}

}  // namespace comptoir::auth
