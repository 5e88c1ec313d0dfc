#include "checks.hpp"

#include <libpq-fe.h>

#include <map>
#include <set>
#include <stdexcept>

#include <boost/json.hpp>

#include "comptoir/testing/platform.hpp"

namespace comptoir::chaos {
namespace {

namespace json = boost::json;
using Rows = std::vector<std::vector<std::string>>;

// One query, every row as text (a database that does not answer is itself a finding: it throws).
Rows Query(const std::string& conninfo, const std::string& sql) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string error = PQerrorMessage(conn);
    PQfinish(conn);
    throw std::runtime_error("cannot connect: " + error);
  }
  PGresult* r = PQexec(conn, sql.c_str());
  if (PQresultStatus(r) != PGRES_TUPLES_OK) {
    std::string error = PQresultErrorMessage(r);
    PQclear(r);
    PQfinish(conn);
    throw std::runtime_error(sql + ": " + error);
  }
  Rows rows;
  for (int i = 0; i < PQntuples(r); ++i) {
    std::vector<std::string> row;
    for (int j = 0; j < PQnfields(r); ++j) row.emplace_back(PQgetvalue(r, i, j));
    rows.push_back(std::move(row));
  }
  PQclear(r);
  PQfinish(conn);
  return rows;
}

long long Count(const std::string& conninfo, const std::string& sql) {
  return std::stoll(Query(conninfo, sql).at(0).at(0));
}

std::string IdOfBody(const std::string& body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object() || !v.as_object().contains("id")) return {};
  const auto& id = v.at("id");
  return id.is_string() ? std::string(id.as_string()) : json::serialize(id);
}

void Add(std::vector<Violation>& out, std::string invariant, std::string detail) {
  out.push_back({std::move(invariant), std::move(detail)});
}

// Sales and returns: what each key's stored answer says was made, against what the tables hold.
void CheckStore(const testing::Platform& p, const Baseline& base, const std::vector<Operation>& ops,
                std::vector<Violation>& out) {
  const auto& db = p.Conninfo("sales");
  std::map<std::string, std::string> sale_by_key;
  for (const auto& row : Query(db, "SELECT idempotency_key, id FROM sales WHERE idempotency_key IS NOT NULL")) {
    sale_by_key[row[0]] = row[1];
  }
  std::map<std::string, std::string> answer_by_key;  // every key answered 201: the id it answered
  for (const auto& row : Query(db, "SELECT key, body FROM idempotency_keys WHERE status = 201")) {
    answer_by_key[row[0]] = IdOfBody(row[1]);
  }
  std::set<std::string> completed_returns;
  for (const auto& row : Query(db, "SELECT id FROM sale_returns WHERE status = 'completed' ORDER BY id OFFSET " +
                                       std::to_string(base.returns))) {
    completed_returns.insert(row[0]);
  }
  std::set<std::string> op_keys;
  std::set<std::string> returns_answered;
  for (const auto& op : ops) {
    op_keys.insert(op.key);
    if (op.kind == Kind::kSale && op.succeeded) {
      auto it = sale_by_key.find(op.key);
      if (it == sale_by_key.end()) {
        Add(out, "sale seen is recorded", "sale " + op.id + " (key " + op.key + ") is not in sales");
      } else if (it->second != op.id) {
        Add(out, "sale seen is recorded",
            "key " + op.key + ": the client saw sale " + op.id + ", sales holds " + it->second);
      }
    }
    if (op.kind == Kind::kReturn) {
      auto it = answer_by_key.find(op.key);
      if (it != answer_by_key.end()) returns_answered.insert(it->second);
      if (op.succeeded && !completed_returns.contains(op.id)) {
        Add(out, "return seen is recorded", "return " + op.id + " (key " + op.key + ") is not a completed return");
      }
    }
  }
  for (const auto& [key, id] : sale_by_key) {
    if (!op_keys.contains(key)) Add(out, "no sale twice", "sale " + id + " has key " + key + " that no client sent");
  }
  for (const auto& id : completed_returns) {
    if (!returns_answered.contains(id)) {
      Add(out, "no return twice", "completed return " + id + " is the answer of no client's key");
    }
  }
}

// Checkouts: one order per key, no charge without its order, no order without its charge.
void CheckOnline(const testing::Platform& p, const std::vector<Operation>& ops, std::vector<Violation>& out) {
  const auto& orders_db = p.Conninfo("order");
  for (const auto& row : Query(orders_db,
                               "SELECT c.idempotency_key, count(o.id) FROM checkouts c JOIN orders o ON "
                               "o.checkout_id = c.id GROUP BY 1 HAVING count(o.id) > 1")) {
    Add(out, "no order twice", "key " + row[0] + " has " + row[1] + " orders");
  }
  std::map<std::string, std::string> order_charge;  // order id -> charge id (orders not cancelled)
  std::set<std::string> ordered_charges;
  for (const auto& row : Query(orders_db, "SELECT id, charge_id, status FROM orders")) {
    ordered_charges.insert(row[1]);
    if (row[2] != "cancelled") order_charge[row[0]] = row[1];
  }
  for (const auto& op : ops) {
    if (op.kind == Kind::kCheckout && op.succeeded && !order_charge.contains(op.id)) {
      Add(out, "order seen is recorded", "order " + op.id + " (key " + op.key + ") is not in orders");
    }
  }
  std::map<std::string, std::string> charge_status;
  for (const auto& row : Query(p.Conninfo("payment"), "SELECT id, status FROM charges")) charge_status[row[0]] = row[1];
  for (const auto& [charge, status] : charge_status) {
    if ((status == "succeeded" || status == "pending") && !ordered_charges.contains(charge)) {
      Add(out, "no charge without its order", "charge " + charge + " is " + status + " with no order");
    }
  }
  for (const auto& [order, charge] : order_charge) {
    auto it = charge_status.find(charge);
    if (it == charge_status.end() || it->second != "succeeded") {
      Add(out, "no order without its charge",
          "order " + order + ": charge " + charge + " is " + (it == charge_status.end() ? "missing" : it->second));
    }
  }
}

void CheckStock(const testing::Platform& p, std::vector<Violation>& out) {
  // One statement, one snapshot: the ledger and the rows agree, and nothing is negative.
  for (const auto& row :
       Query(p.Conninfo("inventory"),
             "SELECT s.location_id, s.product_id, s.on_hand, s.reserved, COALESCE(m.total, 0) FROM stock s"
             " LEFT JOIN (SELECT location_id, product_id, sum(quantity) AS total FROM movements"
             " GROUP BY 1, 2) m USING (location_id, product_id)"
             " WHERE s.on_hand <> COALESCE(m.total, 0) OR s.on_hand < 0 OR s.reserved < 0"
             " OR s.reserved > s.on_hand")) {
    Add(out, "ledger sums to on_hand, nothing negative",
        "location " + row[0] + " product " + row[1] + ": on_hand " + row[2] + ", reserved " + row[3] + ", ledger " +
            row[4]);
  }
}

void CheckReporting(const testing::Platform& p, std::vector<Violation>& out) {
  const auto& reporting = p.Conninfo("reporting");
  const auto compare = [&](const std::string& what, const Rows& source, const Rows& read_model) {
    if (source.at(0) != read_model.at(0)) {
      Add(out, "reporting equals receipts and orders",
          what + ": " + source[0][0] + " for " + source[0][1] + " cents, reporting " + read_model[0][0] + " for " +
              read_model[0][1]);
    }
  };
  compare("store sales", Query(p.Conninfo("sales"), "SELECT count(*), COALESCE(sum(total_cents), 0) FROM sales"),
          Query(reporting, "SELECT count(*), COALESCE(sum(total_cents), 0) FROM receipts WHERE channel = 'store'"));
  compare("store returns",
          Query(p.Conninfo("sales"),
                "SELECT count(*), COALESCE(sum(total_cents), 0) FROM sale_returns WHERE status = 'completed'"),
          Query(reporting, "SELECT count(*), COALESCE(sum(total_cents), 0) FROM refunds WHERE channel = 'store'"));
  compare("online orders", Query(p.Conninfo("order"), "SELECT count(*), COALESCE(sum(total_cents), 0) FROM orders"),
          Query(reporting, "SELECT count(*), COALESCE(sum(total_cents), 0) FROM receipts WHERE channel = 'online'"));
}

}  // namespace

Baseline TakeBaseline(const testing::Platform& p) {
  Baseline b;
  b.sales = Count(p.Conninfo("sales"), "SELECT count(*) FROM sales");
  b.returns = Count(p.Conninfo("sales"), "SELECT count(*) FROM sale_returns WHERE status = 'completed'");
  b.orders = Count(p.Conninfo("order"), "SELECT count(*) FROM orders");
  return b;
}

std::vector<Violation> CheckInvariants(const testing::Platform& p, const Baseline& baseline,
                                       const std::vector<Operation>& ops) {
  std::vector<Violation> out;
  try {
    CheckStore(p, baseline, ops, out);
    CheckOnline(p, ops, out);
    CheckStock(p, out);
    CheckReporting(p, out);
  } catch (const std::exception& e) {
    Add(out, "databases answer", e.what());
  }
  return out;
}

}  // namespace comptoir::chaos
