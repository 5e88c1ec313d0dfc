#include "storage/repository.hpp"

#include <boost/json.hpp>

#include "comptoir/auth/password.hpp"
#include "comptoir/config.hpp"
#include "comptoir/error.hpp"
#include "comptoir/log.hpp"
#include "comptoir/service/outbox.hpp"
#include "storage/sql.hpp"

namespace comptoir::customer {
namespace {

using sql::kFindStaff;
using sql::kStaffColumnCount;

#define COMPTOIR_ADDRESS_COLUMNS                                                                          \
  "id, customer_id, type, line1, line2, city, province, postal_code, is_default, f_rfc3339(created_at), " \
  "f_rfc3339(updated_at)"

// $1 email, $2 hash, $3 first name, $4 last name, $5 phone.
constexpr pg::Statement kInsertCustomer{
    "customer.insert",
    "INSERT INTO customers (email, password_hash, first_name, last_name, phone)"
    " VALUES ($1::text, $2::text, $3::text, $4::text, $5::text) RETURNING " COMPTOIR_CUSTOMER_COLUMNS};

constexpr pg::Statement kFindCustomer{"customer.find",
                                      "SELECT " COMPTOIR_CUSTOMER_COLUMNS " FROM customers WHERE id = $1::bigint"};

// Credentials: id, password hash, role, location, email, enabled.
constexpr pg::Statement kCustomerCredentials{
    "customer.credentials",
    "SELECT id, password_hash, 'customer', NULL::bigint, email, true FROM customers WHERE email = $1::text"};
constexpr pg::Statement kCustomerCredentialsById{
    "customer.credentials_by_id",
    "SELECT id, password_hash, 'customer', NULL::bigint, email, true FROM customers WHERE id = $1::bigint"};
constexpr pg::Statement kStaffCredentials{
    "staff.credentials",
    "SELECT id, password_hash, role, location_id, email, disabled_at IS NULL FROM staff WHERE email = $1::text"};
constexpr pg::Statement kStaffCredentialsById{
    "staff.credentials_by_id",
    "SELECT id, password_hash, role, location_id, email, disabled_at IS NULL FROM staff WHERE id = $1::bigint"};

// $1 id, then NULL meaning "keep": $2 email, $3 first name, $4 last name, $5 whether phone is given, $6 phone.
constexpr pg::Statement kUpdateCustomer{
    "customer.update",
    "UPDATE customers SET email = COALESCE($2::text, email), first_name = COALESCE($3::text, first_name),"
    " last_name = COALESCE($4::text, last_name), phone = CASE WHEN $5::boolean THEN $6::text ELSE phone END,"
    " updated_at = now() WHERE id = $1::bigint RETURNING " COMPTOIR_CUSTOMER_COLUMNS};

constexpr pg::Statement kSetCustomerPassword{
    "customer.set_password", "UPDATE customers SET password_hash = $2::text, updated_at = now() WHERE id = $1::bigint"};
// A password the staff chose ends a pending reset.
constexpr pg::Statement kSetStaffPassword{
    "staff.set_password",
    "UPDATE staff SET password_hash = $2::text, reset_token_hash = NULL, reset_expires_at = NULL, updated_at = now()"
    " WHERE id = $1::bigint"};

// The till's lookups: exact (normalised) email, or the same phone number (f_phone_key, indexed).
constexpr pg::Statement kLookupByEmail{"customer.lookup_email",
                                       "SELECT id, first_name, last_name FROM customers WHERE email = $1::text"};
constexpr pg::Statement kLookupByPhone{
    "customer.lookup_phone",
    "SELECT id, first_name, last_name FROM customers"
    " WHERE phone IS NOT NULL AND f_phone_key(phone) = f_phone_key($1::text) ORDER BY id LIMIT 2"};

// $1 LIKE-escaped fragment or NULL, $2 limit, $3 offset.
#define COMPTOIR_CUSTOMER_FILTER                                                                                    \
  " WHERE ($1::text IS NULL OR email LIKE '%' || lower($1::text) || '%'"                                            \
  " OR lower(first_name) LIKE '%' || lower($1::text) || '%' OR lower(last_name) LIKE '%' || lower($1::text) || '%'" \
  " OR lower(first_name || ' ' || last_name) LIKE '%' || lower($1::text) || '%')"
constexpr pg::Statement kListCustomers{"customer.list", "SELECT " COMPTOIR_CUSTOMER_COLUMNS
                                                        ", count(*) OVER () FROM customers" COMPTOIR_CUSTOMER_FILTER
                                                        " ORDER BY id LIMIT $2::bigint OFFSET $3::bigint"};
constexpr pg::Statement kCountCustomers{"customer.count", "SELECT count(*) FROM customers" COMPTOIR_CUSTOMER_FILTER};

constexpr pg::Statement kListStaff{"staff.list", "SELECT " COMPTOIR_STAFF_COLUMNS
                                                 ", count(*) OVER () FROM staff ORDER BY id"
                                                 " LIMIT $1::bigint OFFSET $2::bigint"};
constexpr pg::Statement kCountStaff{"staff.count", "SELECT count(*) FROM staff"};

// Serialises the address changes of one customer (defaults are decided on a stable view).
constexpr pg::Statement kLockCustomer{"address.lock_customer",
                                      "SELECT id FROM customers WHERE id = $1::bigint FOR UPDATE"};
constexpr pg::Statement kListAddresses{
    "address.list", "SELECT " COMPTOIR_ADDRESS_COLUMNS " FROM addresses WHERE customer_id = $1::bigint ORDER BY id"};
constexpr pg::Statement kFindAddress{"address.find",
                                     "SELECT " COMPTOIR_ADDRESS_COLUMNS
                                     " FROM addresses WHERE customer_id = $1::bigint AND id = $2::bigint"};
// $1 customer, $2 type, $3 the address that keeps (or takes) the default.
constexpr pg::Statement kUnsetDefault{
    "address.unset_default",
    "UPDATE addresses SET is_default = false, updated_at = now()"
    " WHERE customer_id = $1::bigint AND type = $2::text AND is_default AND id <> $3::bigint"};
// $1 customer, $2 type, $3 line1, $4 line2, $5 city, $6 province, $7 postal code, $8 default.
constexpr pg::Statement kInsertAddress{
    "address.insert",
    "INSERT INTO addresses (customer_id, type, line1, line2, city, province, postal_code, is_default)"
    " VALUES ($1::bigint, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, $8::boolean) RETURNING id"};
// $1 customer, $2 id, then as kInsertAddress from $3.
constexpr pg::Statement kUpdateAddress{
    "address.update",
    "UPDATE addresses SET type = $3::text, line1 = $4::text, line2 = $5::text, city = $6::text,"
    " province = $7::text, postal_code = $8::text, is_default = $9::boolean, updated_at = now()"
    " WHERE customer_id = $1::bigint AND id = $2::bigint"};
constexpr pg::Statement kDeleteAddress{"address.delete",
                                       "DELETE FROM addresses WHERE customer_id = $1::bigint AND id = $2::bigint"};
// Every type that has addresses but no default gets one: the oldest, preferring any address other
// than $2 (the one just un-defaulted), so that "exactly one default per type" always holds.
constexpr pg::Statement kFixDefaults{
    "address.fix_defaults",
    "UPDATE addresses SET is_default = true, updated_at = now() WHERE id IN ("
    " SELECT DISTINCT ON (a.type) a.id FROM addresses a WHERE a.customer_id = $1::bigint"
    " AND NOT EXISTS (SELECT 1 FROM addresses d WHERE d.customer_id = a.customer_id AND d.type = a.type AND "
    "d.is_default)"
    " ORDER BY a.type, (a.id = $2::bigint), a.id)"};

constexpr std::string_view kCustomerEmailConstraint = "customers_email_key";

std::string EscapeLike(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

void AddAddressFields(pg::Params& params, const AddressInput& input) {
  params.Add(std::string(AddressTypeName(input.type))).Add(input.line1).Add(input.line2).Add(input.city);
  params.Add(input.province).Add(input.postal_code).Add(input.is_default);
}

Credentials CredentialsFromRow(const pg::Row& row) {
  Credentials c;
  c.id = row.Int(0);
  c.password_hash = std::string(row.Text(1));
  c.role = auth::ParseRole(row.Text(2)).value_or(auth::Role::kCustomer);
  c.location_id = row.OptInt(3);
  c.email = std::string(row.Text(4));
  c.active = row.Bool(5);
  return c;
}

}  // namespace

std::string_view AccountKindName(AccountKind kind) noexcept {
  return kind == AccountKind::kStaff ? "staff" : "customer";
}

Customer CustomerFromRow(const pg::Row& row) {
  Customer c;
  c.id = row.Int(0);
  c.email = std::string(row.Text(1));
  c.first_name = std::string(row.Text(2));
  c.last_name = std::string(row.Text(3));
  if (auto phone = row.OptText(4)) c.phone = std::string(*phone);
  c.created_at = std::string(row.Text(5));
  c.updated_at = std::string(row.Text(6));
  return c;
}

Staff StaffFromRow(const pg::Row& row) {
  Staff s;
  s.id = row.Int(0);
  s.email = std::string(row.Text(1));
  s.first_name = std::string(row.Text(2));
  s.last_name = std::string(row.Text(3));
  s.role = auth::ParseRole(row.Text(4)).value_or(auth::Role::kCashier);
  s.location_id = row.OptInt(5);
  s.created_at = std::string(row.Text(6));
  s.updated_at = std::string(row.Text(7));
  s.active = row.Bool(8);
  if (auto at = row.OptText(9)) s.disabled_at = std::string(*at);
  return s;
}

Address AddressFromRow(const pg::Row& row) {
  Address a;
  a.id = row.Int(0);
  a.customer_id = row.Int(1);
  a.type = ParseAddressType(row.Text(2)).value_or(AddressType::kDelivery);
  a.line1 = std::string(row.Text(3));
  if (auto line2 = row.OptText(4)) a.line2 = std::string(*line2);
  a.city = std::string(row.Text(5));
  a.province = std::string(row.Text(6));
  a.postal_code = std::string(row.Text(7));
  a.is_default = row.Bool(8);
  a.created_at = std::string(row.Text(9));
  a.updated_at = std::string(row.Text(10));
  return a;
}

boost::asio::awaitable<Customer> Repository::Register(const Registration& registration,
                                                      const std::string& password_hash, const std::string& refresh_hash,
                                                      const RefreshLifetimes& lifetimes,
                                                      const std::string& correlation_id) {
  pg::Transaction tx = co_await db_.Begin();
  pg::Result result;
  try {
    pg::Params params;
    params.Add(registration.email).Add(password_hash).Add(registration.first_name).Add(registration.last_name);
    params.Add(registration.phone);
    result = co_await tx.Execute(kInsertCustomer, std::move(params));
  } catch (const pg::PgError& error) {
    if (error.IsUniqueViolation() && error.constraint() == kCustomerEmailConstraint) {
      throw ApiError::Conflict("customer.email_taken", "an account already uses this email");
    }
    throw;
  }
  Customer customer = CustomerFromRow(result[0]);
  boost::json::object data;
  data["id"] = customer.id;
  data["email"] = customer.email;
  data["created_at"] = customer.created_at;
  service::Event event;
  event.type = "CustomerRegistered";
  event.aggregate_type = "customer";
  event.aggregate_id = std::to_string(customer.id);
  event.data_json = boost::json::serialize(data);
  event.correlation_id = correlation_id;
  co_await service::AppendEvent(tx, "customer", std::move(event));
  pg::Params refresh;
  refresh.Add(refresh_hash).Add("customer").Add(customer.id).Add(lifetimes.ttl_s);
  refresh.Add(lifetimes.SessionMax(AccountKind::kCustomer));
  co_await tx.Execute(sql::kInsertRefresh, std::move(refresh));
  co_await tx.Commit();
  co_return customer;
}

boost::asio::awaitable<std::optional<Credentials>> Repository::FindCredentials(AccountKind kind,
                                                                               const std::string& email) {
  const pg::Statement& statement = kind == AccountKind::kStaff ? kStaffCredentials : kCustomerCredentials;
  pg::Result result = co_await db_.Execute(statement, pg::Params().Add(email));
  if (result.empty()) co_return std::nullopt;
  co_return CredentialsFromRow(result[0]);
}

boost::asio::awaitable<std::optional<Credentials>> Repository::FindCredentialsById(AccountKind kind, std::int64_t id) {
  const pg::Statement& statement = kind == AccountKind::kStaff ? kStaffCredentialsById : kCustomerCredentialsById;
  pg::Result result = co_await db_.Execute(statement, pg::Params().Add(id));
  if (result.empty()) co_return std::nullopt;
  co_return CredentialsFromRow(result[0]);
}

boost::asio::awaitable<std::optional<Customer>> Repository::FindCustomer(std::int64_t id) {
  pg::Result result = co_await db_.Execute(kFindCustomer, pg::Params().Add(id));
  if (result.empty()) co_return std::nullopt;
  co_return CustomerFromRow(result[0]);
}

boost::asio::awaitable<std::optional<Customer>> Repository::UpdateCustomer(std::int64_t id,
                                                                           const ProfileChange& change) {
  pg::Params params;
  params.Add(id).Add(change.email).Add(change.first_name).Add(change.last_name).Add(change.phone_given);
  params.Add(change.phone);
  pg::Result result;
  try {
    result = co_await db_.Execute(kUpdateCustomer, std::move(params));
  } catch (const pg::PgError& error) {
    if (error.IsUniqueViolation() && error.constraint() == kCustomerEmailConstraint) {
      throw ApiError::Conflict("customer.email_taken", "an account already uses this email");
    }
    throw;
  }
  if (result.empty()) co_return std::nullopt;
  co_return CustomerFromRow(result[0]);
}

boost::asio::awaitable<void> Repository::SetPassword(AccountKind kind, std::int64_t id,
                                                     const std::string& password_hash) {
  pg::Transaction tx = co_await db_.Begin();
  co_await tx.Execute(kind == AccountKind::kStaff ? kSetStaffPassword : kSetCustomerPassword,
                      pg::Params().Add(id).Add(password_hash));
  co_await tx.Execute(sql::kRevokeAccount, pg::Params().Add(std::string(AccountKindName(kind))).Add(id));
  co_await tx.Commit();
}

boost::asio::awaitable<std::vector<CustomerSummary>> Repository::LookupCustomers(
    const std::optional<std::string>& email, const std::optional<std::string>& phone) {
  pg::Result result;
  if (email) {
    result = co_await db_.Execute(kLookupByEmail, pg::Params().Add(*email));
  } else {
    result = co_await db_.Execute(kLookupByPhone, pg::Params().Add(phone.value_or("")));
  }
  std::vector<CustomerSummary> found;
  for (int i = 0; i < result.size(); ++i) {
    found.push_back({result[i].Int(0), std::string(result[i].Text(1)), std::string(result[i].Text(2))});
  }
  co_return found;
}

boost::asio::awaitable<ListPage<Customer>> Repository::ListCustomers(const std::optional<std::string>& q,
                                                                     const Page& page) {
  std::optional<std::string> pattern;
  if (q) pattern = EscapeLike(*q);
  pg::Result result =
      co_await db_.Execute(kListCustomers, pg::Params().Add(pattern).Add(page.per_page).Add(page.Offset()));
  ListPage<Customer> list;
  for (int i = 0; i < result.size(); ++i) list.items.push_back(CustomerFromRow(result[i]));
  if (!result.empty()) {
    list.total = result[0].Int(7);
  } else if (page.page > 1) {
    pg::Result count = co_await db_.Execute(kCountCustomers, pg::Params().Add(pattern));
    list.total = count[0].Int(0);
  }
  co_return list;
}

boost::asio::awaitable<std::optional<Staff>> Repository::FindStaff(std::int64_t id) {
  pg::Result result = co_await db_.Execute(kFindStaff, pg::Params().Add(id));
  if (result.empty()) co_return std::nullopt;
  co_return StaffFromRow(result[0]);
}

boost::asio::awaitable<ListPage<Staff>> Repository::ListStaff(const Page& page) {
  pg::Result result = co_await db_.Execute(kListStaff, pg::Params().Add(page.per_page).Add(page.Offset()));
  ListPage<Staff> list;
  for (int i = 0; i < result.size(); ++i) list.items.push_back(StaffFromRow(result[i]));
  if (!result.empty()) {
    list.total = result[0].Int(kStaffColumnCount);
  } else if (page.page > 1) {
    pg::Result count = co_await db_.Execute(kCountStaff);
    list.total = count[0].Int(0);
  }
  co_return list;
}

boost::asio::awaitable<std::vector<Address>> Repository::ListAddresses(std::int64_t customer_id) {
  pg::Result result = co_await db_.Execute(kListAddresses, pg::Params().Add(customer_id));
  std::vector<Address> addresses;
  addresses.reserve(static_cast<std::size_t>(result.size()));
  for (int i = 0; i < result.size(); ++i) addresses.push_back(AddressFromRow(result[i]));
  co_return addresses;
}

boost::asio::awaitable<std::optional<Address>> Repository::FindAddress(std::int64_t customer_id, std::int64_t id) {
  pg::Result result = co_await db_.Execute(kFindAddress, pg::Params().Add(customer_id).Add(id));
  if (result.empty()) co_return std::nullopt;
  co_return AddressFromRow(result[0]);
}

boost::asio::awaitable<Address> Repository::CreateAddress(std::int64_t customer_id, const AddressInput& input) {
  pg::Transaction tx = co_await db_.Begin();
  pg::Result locked = co_await tx.Execute(kLockCustomer, pg::Params().Add(customer_id));
  if (locked.empty()) throw ApiError::NotFound("customer.not_found", "the account no longer exists");
  if (input.is_default) {
    co_await tx.Execute(kUnsetDefault,
                        pg::Params().Add(customer_id).Add(std::string(AddressTypeName(input.type))).Add(0));
  }
  pg::Params params;
  params.Add(customer_id);
  AddAddressFields(params, input);
  pg::Result inserted = co_await tx.Execute(kInsertAddress, std::move(params));
  std::int64_t id = inserted[0].Int(0);
  co_await tx.Execute(kFixDefaults, pg::Params().Add(customer_id).Add(0));
  pg::Result row = co_await tx.Execute(kFindAddress, pg::Params().Add(customer_id).Add(id));
  co_await tx.Commit();
  co_return AddressFromRow(row[0]);
}

boost::asio::awaitable<std::optional<Address>> Repository::UpdateAddress(std::int64_t customer_id, std::int64_t id,
                                                                         const AddressInput& input) {
  pg::Transaction tx = co_await db_.Begin();
  pg::Result locked = co_await tx.Execute(kLockCustomer, pg::Params().Add(customer_id));
  if (locked.empty()) co_return std::nullopt;
  if (input.is_default) {
    co_await tx.Execute(kUnsetDefault,
                        pg::Params().Add(customer_id).Add(std::string(AddressTypeName(input.type))).Add(id));
  }
  pg::Params params;
  params.Add(customer_id).Add(id);
  AddAddressFields(params, input);
  pg::Result updated = co_await tx.Execute(kUpdateAddress, std::move(params));
  if (updated.AffectedRows() == 0) co_return std::nullopt;
  co_await tx.Execute(kFixDefaults, pg::Params().Add(customer_id).Add(id));
  pg::Result row = co_await tx.Execute(kFindAddress, pg::Params().Add(customer_id).Add(id));
  co_await tx.Commit();
  co_return AddressFromRow(row[0]);
}

boost::asio::awaitable<bool> Repository::DeleteAddress(std::int64_t customer_id, std::int64_t id) {
  pg::Transaction tx = co_await db_.Begin();
  pg::Result locked = co_await tx.Execute(kLockCustomer, pg::Params().Add(customer_id));
  if (locked.empty()) co_return false;
  pg::Result deleted = co_await tx.Execute(kDeleteAddress, pg::Params().Add(customer_id).Add(id));
  if (deleted.AffectedRows() == 0) co_return false;
  co_await tx.Execute(kFixDefaults, pg::Params().Add(customer_id).Add(id));
  co_await tx.Commit();
  co_return true;
}

}  // namespace comptoir::customer
