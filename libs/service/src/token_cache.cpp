#include "comptoir/service/token_cache.hpp"

#include <exception>
#include <map>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "comptoir/auth/auth.hpp"
#include "comptoir/error.hpp"
#include "comptoir/log.hpp"

namespace comptoir::service {
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kMinSecretLength = 32;

ApiError Unavailable(const std::string& client, const std::string& audience, const std::string& why) {
  return ApiError::Unavailable("auth.service_token_unavailable",
                               client + " cannot obtain its service token for " + audience + ": " + why);
}

}  // namespace

struct TokenCache::Shard {
  // One audience's token on this worker.
  struct Entry {
    std::string token;
    Clock::time_point refresh_at{};
    Clock::time_point expires_at{};
    bool fetching = false;
    std::uint64_t round = 0;                   ///< fetches ended so far (waiters wait for it to change)
    std::exception_ptr error;                  ///< why the last fetch failed (null after a success)
    std::unique_ptr<asio::steady_timer> wake;  ///< cancelled when a fetch ends: wakes the waiters
  };
  std::map<std::string, Entry, std::less<>> entries;  // nodes are stable across co_await
};

ServiceCredentials LoadServiceCredentials(config::Source& source, const std::string& name) {
  ServiceCredentials c;
  c.client_id = name;
  c.client_secret = source.String(name + ".client_secret", "");
  source.Check(c.client_secret.size() >= kMinSecretLength, name + ".client_secret",
               "is required (at least 32 characters): " + name +
                   "'s own secret for service tokens from the customer service (" +
                   config::Source::EnvName(name + ".client_secret") + "; ADR 0008)");
  c.issuer = LoadPeer(source, "customer", name + ".customer_url", "http://127.0.0.1:8005");
  return c;
}

TokenCache::TokenCache(http::Runtime& runtime, http::Client& client, ServiceCredentials credentials)
    : client_(client), credentials_(std::move(credentials)) {
  for (std::size_t i = 0; i < runtime.size(); ++i) shards_.push_back(std::make_unique<Shard>());
}

TokenCache::~TokenCache() = default;

asio::awaitable<std::string> TokenCache::Token(std::string audience) {
  Shard& shard = *shards_[http::Runtime::CurrentWorker() % shards_.size()];
  Shard::Entry& e = shard.entries[audience];
  if (!e.wake)
    e.wake = std::make_unique<asio::steady_timer>(co_await asio::this_coro::executor, Clock::time_point::max());
  for (;;) {
    bool valid = !e.token.empty() && Clock::now() < e.expires_at;
    if (valid && (Clock::now() < e.refresh_at || e.fetching)) co_return e.token;
    if (e.fetching) {  // no usable token yet: wait for the fetch in flight
      std::uint64_t round = e.round;
      boost::system::error_code ec;
      while (e.round == round) co_await e.wake->async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (!e.token.empty() && Clock::now() < e.expires_at) co_return e.token;
      if (e.error) std::rethrow_exception(e.error);
      continue;
    }
    e.fetching = true;
    std::exception_ptr failure;
    Obtained got;
    try {
      got = co_await Fetch(audience);
    } catch (...) {
      failure = std::current_exception();
    }
    e.fetching = false;
    ++e.round;
    if (!failure) {
      auto now = Clock::now();
      auto life = std::chrono::duration_cast<Clock::duration>(got.lifetime);
      e.token = std::move(got.token);
      e.expires_at = now + life - life / 10;  // never sent in its last moments
      e.refresh_at = now + life * 3 / 4;
      e.error = nullptr;
    } else {
      e.error = failure;
    }
    e.wake->cancel();
    if (!failure) co_return e.token;
    if (valid && Clock::now() < e.expires_at) {
      log::Warn("service token renewal failed; the current one is used until it nears expiry",
                {{"client", credentials_.client_id}, {"audience", audience}});
      co_return e.token;
    }
    std::rethrow_exception(failure);
  }
}

asio::awaitable<TokenCache::Obtained> TokenCache::Fetch(std::string audience) const {
  http::Request request;
  request.method = http::Method::kPost;
  request.target = std::string(kServiceTokenPath);
  // RFC 6749 §2.3.1: the client authenticates with HTTP Basic, its id and secret form-encoded first.
  request.headers.Set("Authorization", "Basic " + auth::Base64Encode(http::PercentEncode(credentials_.client_id) + ":" +
                                                                     http::PercentEncode(credentials_.client_secret)));
  request.headers.Set("Content-Type", "application/x-www-form-urlencoded");
  request.headers.Set("Accept", "application/json");
  request.body = "grant_type=client_credentials&audience=" + http::PercentEncode(audience);
  const PeerOptions& issuer = credentials_.issuer;
  auto result = co_await client_.Send(issuer.host, issuer.port, std::move(request), issuer.timeout);
  if (result.error) {
    throw Unavailable(credentials_.client_id, audience, "customer cannot be reached (" + result.error.message() + ")");
  }
  boost::system::error_code ec;
  auto body = boost::json::parse(result.response.body, ec);
  const auto* o = ec ? nullptr : body.if_object();
  if (result.response.status != 200) {
    std::string code = "HTTP " + std::to_string(result.response.status);
    if (o != nullptr) {
      if (const auto* c = o->if_contains("code"); c != nullptr && c->is_string()) code = std::string(c->as_string());
    }
    log::Error("the customer service refused a service token",
               {{"client", credentials_.client_id}, {"audience", audience}, {"code", code}});
    throw Unavailable(credentials_.client_id, audience, "refused (" + code + ")");
  }
  const auto* token = o != nullptr ? o->if_contains("access_token") : nullptr;
  const auto* expires = o != nullptr ? o->if_contains("expires_in") : nullptr;
  if (token == nullptr || !token->is_string() || expires == nullptr || !expires->is_int64() ||
      expires->as_int64() <= 0) {
    throw Unavailable(credentials_.client_id, audience, "the answer is not a token");
  }
  co_return Obtained{std::string(token->as_string()), std::chrono::seconds(expires->as_int64())};
}

}  // namespace comptoir::service
