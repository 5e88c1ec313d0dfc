// Staff access changed by admins: enable/disable, role and store, password resets (ADR 0011).
#include <boost/json.hpp>

#include "comptoir/error.hpp"
#include "comptoir/service/outbox.hpp"
#include "storage/repository.hpp"
#include "storage/sql.hpp"

namespace comptoir::customer {
namespace {

// Every admin action locks the active admins first, in id order: concurrent actions of admins are
// serialised, each sees the others' committed changes (two admins demoting each other: the second
// finds it is no longer an admin), and the count of active admins cannot drop to zero unseen.
constexpr pg::Statement kLockActiveAdmins{
    "staff.lock_active_admins",
    "SELECT id FROM staff WHERE role = 'admin' AND disabled_at IS NULL ORDER BY id FOR UPDATE"};
constexpr pg::Statement kCountActiveAdmins{"staff.count_active_admins",
                                           "SELECT count(*) FROM staff WHERE role = 'admin' AND disabled_at IS NULL"};
constexpr pg::Statement kLockStaff{
    "staff.lock", "SELECT role, location_id, disabled_at IS NULL FROM staff WHERE id = $1::bigint FOR UPDATE"};
// $1 id, $2 role, $3 location, $4 active. A second disable keeps the first disabled_at.
constexpr pg::Statement kUpdateStaffAccess{
    "staff.update_access",
    "UPDATE staff SET role = $2::text, location_id = $3::bigint,"
    " disabled_at = CASE WHEN $4::boolean THEN NULL ELSE COALESCE(disabled_at, now()) END, updated_at = now()"
    " WHERE id = $1::bigint RETURNING " COMPTOIR_STAFF_COLUMNS};
// The old password stops working at once ('!' is never an Argon2id hash, so nothing verifies
// against it); $2 the reset token's SHA-256, $3 its lifetime (s).
constexpr pg::Statement kIssueReset{"staff.issue_reset",
                                    "UPDATE staff SET password_hash = '!reset', reset_token_hash = $2::text,"
                                    " reset_expires_at = now() + $3::bigint * interval '1 second', updated_at = now()"
                                    " WHERE id = $1::bigint RETURNING f_rfc3339(reset_expires_at)"};
constexpr pg::Statement kFindReset{
    "staff.find_reset",
    "SELECT id, disabled_at IS NULL, reset_expires_at <= now() FROM staff WHERE reset_token_hash = $1::text"};
// Using it up is one conditional UPDATE: of two concurrent uses, one sets the password.
constexpr pg::Statement kUseReset{
    "staff.use_reset",
    "UPDATE staff SET password_hash = $2::text, reset_token_hash = NULL, reset_expires_at = NULL, updated_at = now()"
    " WHERE reset_token_hash = $1::text AND reset_expires_at > now() AND disabled_at IS NULL RETURNING id, email"};

constexpr pg::Statement kInsertStaff{
    "staff.insert",
    "INSERT INTO staff (email, password_hash, first_name, last_name, role, location_id)"
    " VALUES ($1::text, $2::text, $3::text, $4::text, $5::text, $6::bigint) RETURNING " COMPTOIR_STAFF_COLUMNS};
constexpr std::string_view kStaffEmailConstraint = "staff_email_key";

ApiError StaffNotFound(std::int64_t id) {
  return ApiError::NotFound("staff.not_found", "no staff account has id " + std::to_string(id));
}

// Locks the active admins and checks that the actor is one of them now (a token outlives a demotion).
boost::asio::awaitable<void> RequireActiveAdmin(pg::Transaction& tx, std::int64_t actor_id) {
  pg::Result admins = co_await tx.Execute(kLockActiveAdmins);
  for (int i = 0; i < admins.size(); ++i) {
    if (admins[i].Int(0) == actor_id) co_return;
  }
  throw ApiError(ErrorKind::kForbidden, "auth.forbidden", "your account is no longer an active admin");
}

boost::asio::awaitable<void> AppendStaffEvent(pg::Transaction& tx, std::string type, std::int64_t id,
                                              boost::json::object data, const std::string& correlation_id) {
  service::Event event;
  event.type = std::move(type);
  event.aggregate_type = "staff";
  event.aggregate_id = std::to_string(id);
  event.data_json = boost::json::serialize(data);
  event.correlation_id = correlation_id;
  co_await service::AppendEvent(tx, "customer", std::move(event));
}

}  // namespace

boost::asio::awaitable<Staff> Repository::CreateStaff(std::int64_t actor_id, const StaffInput& input,
                                                      const std::string& password_hash) {
  pg::Params params;
  params.Add(input.email).Add(password_hash).Add(input.first_name).Add(input.last_name);
  params.Add(std::string(auth::RoleName(input.role))).Add(input.location_id);
  pg::Transaction tx = co_await db_.Begin();
  co_await RequireActiveAdmin(tx, actor_id);
  pg::Result result;
  try {
    result = co_await tx.Execute(kInsertStaff, std::move(params));
  } catch (const pg::PgError& error) {
    if (error.IsUniqueViolation() && error.constraint() == kStaffEmailConstraint) {
      throw ApiError::Conflict("staff.email_taken", "a staff account already uses this email");
    }
    throw;
  }
  co_await tx.Commit();
  co_return StaffFromRow(result[0]);
}

boost::asio::awaitable<Staff> Repository::UpdateStaff(std::int64_t actor_id, std::int64_t id, const StaffChange& change,
                                                      const std::string& correlation_id) {
  pg::Transaction tx = co_await db_.Begin();
  co_await RequireActiveAdmin(tx, actor_id);
  pg::Result locked = co_await tx.Execute(kLockStaff, pg::Params().Add(id));
  if (locked.empty()) throw StaffNotFound(id);
  StaffState current;
  current.role = auth::ParseRole(locked[0].Text(0)).value_or(auth::Role::kCashier);
  current.location_id = locked[0].OptInt(1);
  current.active = locked[0].Bool(2);
  StaffState next = ApplyStaffChange(current, change, actor_id == id);
  if (next == current) {
    pg::Result same = co_await tx.Execute(sql::kFindStaff, pg::Params().Add(id));
    co_await tx.Commit();
    co_return StaffFromRow(same[0]);
  }
  pg::Params params;
  params.Add(id).Add(std::string(auth::RoleName(next.role))).Add(next.location_id).Add(next.active);
  pg::Result updated = co_await tx.Execute(kUpdateStaffAccess, std::move(params));
  if (!next.active) co_await tx.Execute(sql::kRevokeAccount, pg::Params().Add("staff").Add(id));
  pg::Result admins = co_await tx.Execute(kCountActiveAdmins);
  if (admins[0].Int(0) == 0) {
    throw ApiError::Conflict("staff.last_admin", "this change would leave no active admin");
  }
  Staff staff = StaffFromRow(updated[0]);
  boost::json::object data;
  data["id"] = id;
  data["changed_by"] = actor_id;
  data["role"] = auth::RoleName(staff.role);
  if (staff.location_id) {
    data["location_id"] = *staff.location_id;
  } else {
    data["location_id"] = nullptr;
  }
  data["active"] = staff.active;
  data["updated_at"] = staff.updated_at;
  co_await AppendStaffEvent(tx, "StaffChanged", id, std::move(data), correlation_id);
  co_await tx.Commit();
  co_return staff;
}

boost::asio::awaitable<IssuedReset> Repository::IssueStaffReset(std::int64_t actor_id, std::int64_t id,
                                                                const std::string& token_hash, std::int64_t ttl_s,
                                                                const std::string& correlation_id) {
  pg::Transaction tx = co_await db_.Begin();
  co_await RequireActiveAdmin(tx, actor_id);
  pg::Result updated = co_await tx.Execute(kIssueReset, pg::Params().Add(id).Add(token_hash).Add(ttl_s));
  if (updated.empty()) throw StaffNotFound(id);
  co_await tx.Execute(sql::kRevokeAccount, pg::Params().Add("staff").Add(id));
  IssuedReset issued{std::string(updated[0].Text(0))};
  boost::json::object data;
  data["id"] = id;
  data["reset_by"] = actor_id;
  data["expires_at"] = issued.expires_at;
  co_await AppendStaffEvent(tx, "StaffPasswordReset", id, std::move(data), correlation_id);
  co_await tx.Commit();
  co_return issued;
}

boost::asio::awaitable<std::optional<ResetState>> Repository::FindStaffReset(const std::string& token_hash) {
  pg::Result result = co_await db_.Execute(kFindReset, pg::Params().Add(token_hash));
  if (result.empty()) co_return std::nullopt;
  co_return ResetState{result[0].Int(0), result[0].Bool(1), result[0].Bool(2)};
}

boost::asio::awaitable<bool> Repository::UseStaffReset(const std::string& token_hash,
                                                       const std::string& password_hash) {
  pg::Transaction tx = co_await db_.Begin();
  pg::Result used = co_await tx.Execute(kUseReset, pg::Params().Add(token_hash).Add(password_hash));
  if (used.empty()) co_return false;
  co_await tx.Execute(sql::kRevokeAccount, pg::Params().Add("staff").Add(used[0].Int(0)));
  // The admin vouched for this person: a lockout earned before the reset does not keep them out.
  co_await tx.Execute(sql::kClearFailures, pg::Params().Add("staff").Add(std::string(used[0].Text(1))));
  co_await tx.Commit();
  co_return true;
}

}  // namespace comptoir::customer
