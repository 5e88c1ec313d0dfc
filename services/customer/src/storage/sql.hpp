#pragma once
// SQL shared by the translation units of Repository (repository.cpp, sessions.cpp, staff_access.cpp).
#include "comptoir/pg/pg.hpp"

namespace comptoir::customer::sql {

// Column lists shared by the statements that return rows; the *FromRow functions read them by index.
#define COMPTOIR_CUSTOMER_COLUMNS \
  "id, email, first_name, last_name, phone, f_rfc3339(created_at), f_rfc3339(updated_at)"
#define COMPTOIR_STAFF_COLUMNS                                                                         \
  "id, email, first_name, last_name, role, location_id, f_rfc3339(created_at), f_rfc3339(updated_at)," \
  " disabled_at IS NULL, f_rfc3339(disabled_at)"
/// Index of `count(*) OVER ()` after COMPTOIR_STAFF_COLUMNS.
inline constexpr int kStaffColumnCount = 10;

inline constexpr pg::Statement kFindStaff{"staff.find",
                                          "SELECT " COMPTOIR_STAFF_COLUMNS " FROM staff WHERE id = $1::bigint"};

/// A token of a new family (one sign-in): $1 hash, $2 kind, $3 account id, $4 token ttl (s), $5 the
/// kind's absolute session lifetime (s).
inline constexpr pg::Statement kInsertRefresh{
    "refresh.insert",
    "INSERT INTO refresh_tokens (token_hash, family, account_kind, account_id, session_started_at, expires_at)"
    " VALUES ($1::text, gen_random_uuid(), $2::text, $3::bigint, now(),"
    " now() + LEAST($4::bigint, $5::bigint) * interval '1 second')"};

/// Revokes every refresh token of an account: $1 kind, $2 id.
inline constexpr pg::Statement kRevokeAccount{
    "refresh.revoke_account",
    "UPDATE refresh_tokens SET revoked_at = now()"
    " WHERE account_kind = $1::text AND account_id = $2::bigint AND revoked_at IS NULL"};

/// Forgets the sign-in attempts of an email: $1 kind, $2 email.
inline constexpr pg::Statement kClearFailures{
    "failures.clear", "DELETE FROM sign_in_failures WHERE account_kind = $1::text AND email = $2::text"};

}  // namespace comptoir::customer::sql
