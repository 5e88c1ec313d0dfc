// Refresh-token families (rotation, reuse detection, absolute lifetime, logout) and sign-in attempts.
#include "comptoir/error.hpp"
#include "storage/repository.hpp"
#include "storage/sql.hpp"

namespace comptoir::customer {
namespace {

// The row is locked: two concurrent uses of one token are serialised, and the second is a reuse.
// The account's state is read with it: a disabled account's token is refused even if it was not
// revoked (a refresh that raced with the disable issued one the revocation could not see).
constexpr pg::Statement kFindRefresh{
    "refresh.find",
    "SELECT t.id, t.family::text, t.account_kind, t.account_id, t.used_at IS NOT NULL, t.revoked_at IS NOT NULL,"
    " floor(extract(epoch FROM t.expires_at))::bigint, floor(extract(epoch FROM t.session_started_at))::bigint,"
    " CASE WHEN t.account_kind = 'staff'"
    " THEN EXISTS (SELECT 1 FROM staff s WHERE s.id = t.account_id AND s.disabled_at IS NULL)"
    " ELSE EXISTS (SELECT 1 FROM customers c WHERE c.id = t.account_id) END"
    " FROM refresh_tokens t WHERE t.token_hash = $1::text FOR UPDATE OF t"};
constexpr pg::Statement kUseRefresh{"refresh.use", "UPDATE refresh_tokens SET used_at = now() WHERE id = $1::bigint"};
// The next token of the family: $1 hash, $2 the token it replaces, $3 token ttl (s), $4 the kind's
// absolute session lifetime (s). It never outlives the session, however often it is refreshed.
constexpr pg::Statement kInsertNextRefresh{
    "refresh.insert_next",
    "INSERT INTO refresh_tokens (token_hash, family, account_kind, account_id, session_started_at, expires_at)"
    " SELECT $1::text, family, account_kind, account_id, session_started_at,"
    " LEAST(now() + $3::bigint * interval '1 second', session_started_at + $4::bigint * interval '1 second')"
    " FROM refresh_tokens WHERE id = $2::bigint"};
constexpr pg::Statement kRevokeFamily{
    "refresh.revoke_family",
    "UPDATE refresh_tokens SET revoked_at = now() WHERE family = $1::uuid AND revoked_at IS NULL"};
constexpr pg::Statement kRevokeFamilyOfToken{
    "refresh.revoke_family_of_token",
    "UPDATE refresh_tokens SET revoked_at = now() WHERE revoked_at IS NULL"
    " AND family = (SELECT family FROM refresh_tokens WHERE token_hash = $1::text)"};

// One statement takes the attempt: a new email or a passed window starts a window of 1; otherwise
// the count goes up, capped at max + 1 (refused attempts do not grow it further nor extend the
// window). Concurrent attempts for one email queue on the row, so each sees the count of those
// before it: at most `max` of them are ever let through to the password check.
// $1 kind, $2 email, $3 window (s), $4 max failures.
constexpr pg::Statement kTakeAttempt{
    "failures.take_attempt",
    "INSERT INTO sign_in_failures AS f (account_kind, email, failures, first_failure_at)"
    " VALUES ($1::text, $2::text, 1, now()) ON CONFLICT (account_kind, email) DO UPDATE SET"
    " failures = CASE WHEN f.first_failure_at > now() - $3::bigint * interval '1 second'"
    " THEN LEAST(f.failures + 1, $4::int + 1) ELSE 1 END,"
    " first_failure_at = CASE WHEN f.first_failure_at > now() - $3::bigint * interval '1 second'"
    " THEN f.first_failure_at ELSE now() END"
    " RETURNING failures, floor(extract(epoch FROM first_failure_at))::bigint, floor(extract(epoch FROM "
    "now()))::bigint"};

}  // namespace

boost::asio::awaitable<void> Repository::StoreRefresh(AccountKind kind, std::int64_t account_id,
                                                      const std::string& hash, const RefreshLifetimes& lifetimes) {
  pg::Params params;
  params.Add(hash).Add(std::string(AccountKindName(kind))).Add(account_id).Add(lifetimes.ttl_s);
  params.Add(lifetimes.SessionMax(kind));
  co_await db_.Execute(sql::kInsertRefresh, std::move(params));
}

boost::asio::awaitable<RefreshOutcome> Repository::RotateRefresh(const std::string& hash, const std::string& next_hash,
                                                                 const RefreshLifetimes& lifetimes, std::int64_t now) {
  pg::Transaction tx = co_await db_.Begin();
  pg::Result found = co_await tx.Execute(kFindRefresh, pg::Params().Add(hash));
  RefreshOutcome outcome;
  if (found.empty()) {
    outcome.refusal = RefreshRefusal::kUnknown;
    co_return outcome;
  }
  const pg::Row row = found[0];
  std::int64_t id = row.Int(0);
  std::string family(row.Text(1));
  outcome.kind = row.Text(2) == "staff" ? AccountKind::kStaff : AccountKind::kCustomer;
  outcome.account_id = row.Int(3);
  RefreshState state;
  state.found = true;
  state.used = row.Bool(4);
  state.revoked = row.Bool(5);
  state.expires_at = row.Int(6);
  state.session_ends_at = row.Int(7) + lifetimes.SessionMax(outcome.kind);
  state.account_active = row.Bool(8);
  outcome.refusal = CheckRefresh(state, now);
  if (outcome.refusal == RefreshRefusal::kReused || outcome.refusal == RefreshRefusal::kRevoked ||
      outcome.refusal == RefreshRefusal::kDisabled) {
    // Someone holds a token that was already exchanged (or withdrawn), or the account may no longer
    // sign in: nothing of this family may be used again.
    co_await tx.Execute(kRevokeFamily, pg::Params().Add(family));
    co_await tx.Commit();
    co_return outcome;
  }
  if (outcome.refusal != RefreshRefusal::kNone) co_return outcome;
  co_await tx.Execute(kUseRefresh, pg::Params().Add(id));
  pg::Params next;
  next.Add(next_hash).Add(id).Add(lifetimes.ttl_s).Add(lifetimes.SessionMax(outcome.kind));
  co_await tx.Execute(kInsertNextRefresh, std::move(next));
  co_await tx.Commit();
  co_return outcome;
}

boost::asio::awaitable<void> Repository::RevokeFamily(const std::string& hash) {
  co_await db_.Execute(kRevokeFamilyOfToken, pg::Params().Add(hash));
}

boost::asio::awaitable<AttemptRecord> Repository::TakeAttempt(AccountKind kind, const std::string& email,
                                                              const LockoutSettings& lockout) {
  pg::Params params;
  params.Add(std::string(AccountKindName(kind))).Add(email).Add(lockout.window.count()).Add(lockout.max_failures);
  pg::Result result = co_await db_.Execute(kTakeAttempt, std::move(params));
  co_return AttemptRecord{result[0].Int(0), result[0].Int(1), result[0].Int(2)};
}

boost::asio::awaitable<void> Repository::ClearFailures(AccountKind kind, const std::string& email) {
  co_await db_.Execute(sql::kClearFailures, pg::Params().Add(std::string(AccountKindName(kind))).Add(email));
}

}  // namespace comptoir::customer
