// Demo accounts of DESIGN §7. Passwords are hashed here, at seed time, with Argon2id (the cost from
// auth.password_* settings, as the service uses); only the accounts that are missing are hashed and
// inserted, so a re-seed never duplicates, never overwrites (a changed password survives it).
#include <array>

#include <boost/json.hpp>

#include "comptoir/auth/password.hpp"
#include "comptoir/config.hpp"
#include "comptoir/service/outbox.hpp"
#include "storage/repository.hpp"

namespace comptoir::customer {
namespace {

constexpr std::string_view kDemoPassword = "comptoir-demo";

struct DemoStaff {
  std::int64_t id;
  std::string_view email;
  std::string_view first_name;
  std::string_view last_name;
  std::string_view role;
  std::int64_t location_id;  // 0: none
};

// Fixed ids: other services (sales, inventory) and their tests rely on them.
constexpr std::array<DemoStaff, 8> kStaff{{
    {1, "cashier.vieux-montreal@comptoir.local", "Caissier", "Vieux-Montréal", "cashier", 1},
    {2, "cashier.plateau@comptoir.local", "Caissière", "Plateau Mont-Royal", "cashier", 2},
    {3, "cashier.spectacles@comptoir.local", "Caissier", "Quartier des Spectacles", "cashier", 3},
    {4, "cashier.mile-end@comptoir.local", "Caissier", "Mile End", "cashier", 4},
    {5, "cashier.westmount@comptoir.local", "Caissière", "Westmount", "cashier", 5},
    {6, "logistics@comptoir.local", "Responsable", "Logistique Anjou", "logistics", 6},
    {7, "manager@comptoir.local", "Gérante", "Siège social", "manager", 0},
    {8, "admin@comptoir.local", "Administrateur", "Comptoir", "admin", 0},
}};

struct DemoShopper {
  std::string_view email;
  std::string_view first_name;
  std::string_view last_name;
  std::string_view phone;
  std::string_view line1;
  std::string_view postal_code;
};

constexpr std::array<DemoShopper, 3> kShoppers{{
    {"jean.dupont@example.com", "Jean", "Dupont", "514-555-0101", "1234 rue Saint-Denis", "H2X 3K8"},
    {"marie.martin@example.com", "Marie", "Martin", "514-555-0102", "4500 boulevard Saint-Laurent", "H2T 1R2"},
    {"pierre.tremblay@example.com", "Pierre", "Tremblay", "514-555-0103", "350 rue Sainte-Catherine Ouest", "H3B 1A2"},
}};

constexpr pg::Statement kStaffExists{"seed.staff_exists",
                                     "SELECT 1 FROM staff WHERE id = $1::bigint OR email = $2::text"};
constexpr pg::Statement kInsertStaff{
    "seed.staff",
    "INSERT INTO staff (id, email, password_hash, first_name, last_name, role, location_id)"
    " VALUES ($1::bigint, $2::text, $3::text, $4::text, $5::text, $6::text, $7::bigint) ON CONFLICT DO NOTHING"};
// New staff get ids after the fixed ones, whatever was inserted with explicit ids.
constexpr pg::Statement kStaffSequence{
    "seed.staff_sequence",
    "SELECT setval(pg_get_serial_sequence('staff', 'id'), GREATEST((SELECT max(id) FROM staff), 8))"};
constexpr pg::Statement kCustomerExists{"seed.customer_exists", "SELECT 1 FROM customers WHERE email = $1::text"};
constexpr pg::Statement kInsertCustomer{
    "seed.customer",
    "INSERT INTO customers (email, password_hash, first_name, last_name, phone)"
    " VALUES ($1::text, $2::text, $3::text, $4::text, $5::text) ON CONFLICT DO NOTHING"
    " RETURNING id, f_rfc3339(created_at)"};
constexpr pg::Statement kInsertAddress{
    "seed.address",
    "INSERT INTO addresses (customer_id, type, line1, city, province, postal_code, is_default)"
    " VALUES ($1::bigint, 'delivery', $2::text, 'Montréal', 'QC', $3::text, true)"};

}  // namespace

boost::asio::awaitable<void> SeedAccounts(pg::Pool& db) {
  config::Source settings = config::Source::FromFileAndEnv("");
  auth::PasswordHasher hasher(1, auth::LoadPasswordCost(settings));
  pg::Transaction tx = co_await db.Begin();
  for (const DemoStaff& s : kStaff) {
    pg::Result exists = co_await tx.Execute(kStaffExists, pg::Params().Add(s.id).Add(s.email));
    if (!exists.empty()) continue;
    std::string hash = co_await hasher.Hash(std::string(kDemoPassword));
    pg::Params params;
    params.Add(s.id).Add(s.email).Add(hash).Add(s.first_name).Add(s.last_name).Add(s.role);
    if (s.location_id > 0) {
      params.Add(s.location_id);
    } else {
      params.AddNull();
    }
    co_await tx.Execute(kInsertStaff, std::move(params));
  }
  co_await tx.Execute(kStaffSequence);
  for (const DemoShopper& c : kShoppers) {
    pg::Result exists = co_await tx.Execute(kCustomerExists, pg::Params().Add(c.email));
    if (!exists.empty()) continue;
    std::string hash = co_await hasher.Hash(std::string(kDemoPassword));
    pg::Params params;
    params.Add(c.email).Add(hash).Add(c.first_name).Add(c.last_name).Add(c.phone);
    pg::Result inserted = co_await tx.Execute(kInsertCustomer, std::move(params));
    if (inserted.empty()) continue;
    std::int64_t id = inserted[0].Int(0);
    co_await tx.Execute(kInsertAddress, pg::Params().Add(id).Add(c.line1).Add(c.postal_code));
    boost::json::object data;
    data["id"] = id;
    data["email"] = std::string(c.email);
    data["created_at"] = std::string(inserted[0].Text(1));
    service::Event event;
    event.type = "CustomerRegistered";
    event.aggregate_type = "customer";
    event.aggregate_id = std::to_string(id);
    event.data_json = boost::json::serialize(data);
    event.correlation_id = "seed";
    co_await service::AppendEvent(tx, "customer", std::move(event));
  }
  co_await tx.Commit();
}

}  // namespace comptoir::customer
