#include "storage/retention.hpp"

namespace comptoir::customer {
namespace {

// A family goes as a whole, once its last token has been dead (expired, or revoked before it expired) for longer
// than the age: a used token of a live family stays, so that presenting it again still revokes the family (reuse
// detection), and nothing computed over a family ever sees part of it. $1 age (s), $2 families per batch.
constexpr pg::Statement kPurgeRefreshFamilies{
    "customer.retention.refresh_tokens",
    "DELETE FROM refresh_tokens WHERE family IN (SELECT family FROM refresh_tokens GROUP BY family"
    " HAVING max(least(expires_at, coalesce(revoked_at, expires_at))) < now() - make_interval(secs => $1::bigint)"
    " LIMIT $2::bigint)"};

// A failure window is at most customer.lockout_window_s (≤ 1 day) long: a row whose window started more than the age
// (≥ 1 day) ago counts for nothing any more.
constexpr pg::Statement kPurgeSignInFailures{
    "customer.retention.sign_in_failures",
    "DELETE FROM sign_in_failures WHERE (account_kind, email) IN (SELECT account_kind, email FROM sign_in_failures"
    " WHERE first_failure_at < now() - make_interval(secs => $1::bigint) LIMIT $2::bigint)"};

}  // namespace

std::vector<service::RetentionJob> AccountRetention() {
  return {service::IdempotencyKeysRetention(), service::PublishedOutboxRetention(),
          service::PurgeByStatement("refresh_tokens", 7, kPurgeRefreshFamilies),
          service::PurgeByStatement("sign_in_failures", 7, kPurgeSignInFailures)};
}

}  // namespace comptoir::customer
