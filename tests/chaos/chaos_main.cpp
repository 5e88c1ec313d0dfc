// The chaos suite (ADR 0131): the whole platform on free loopback ports (testing::Platform, its own PostgreSQL
// cluster and Redis so that both can be restarted), a steady bounded load of POS sales, returns and online
// checkouts (load.hpp), and one fault at a time. After each fault and its recovery the load pauses and every
// invariant is checked (checks.hpp) until it holds or a bound passes; a table says, per fault, how long it
// lasted, when every kind of operation succeeded again, what errors the clients saw, and what was broken.
//   comptoir_chaos [--short] [--report FILE]     exit 0 when every invariant held after every fault
//   comptoir_chaos --self-test                   exit 0 when each kind of damage made on purpose is found
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

#include "checks.hpp"
#include "comptoir/testing/pg.hpp"
#include "comptoir/testing/platform.hpp"
#include "comptoir/testing/redis_server.hpp"
#include "load.hpp"

namespace comptoir::chaos {
namespace {

using namespace std::chrono_literals;
namespace ct = comptoir::testing;

struct Fault {
  std::string name;
  std::function<void()> inject;
  std::chrono::milliseconds hold;  ///< how long the fault lasts before recovery begins
  std::function<void()> recover;
};

struct Row {
  std::string fault;
  double down_s = 0;       ///< from the fault to the end of its recovery action (restart, SIGCONT)
  double recover_s = -1;   ///< from the fault to every kind of operation succeeding again (-1: not within the bound)
  double converge_s = -1;  ///< from the pause to every invariant holding
  std::map<std::string, int> errors;  ///< what the clients saw meanwhile: status (or "no answer") -> attempts
  int hung = 0;                       ///< attempts the platform did not answer within the client's timeout
  int ops_ok = 0;
  int ops_failed = 0;
  std::vector<Violation> violations;
};

double Seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

std::string Fixed(double v) {
  if (v < 0) return "—";
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", v);
  return b;
}

int CountOf(const Row& row, std::initializer_list<const char*> needles) {
  int n = 0;
  for (const auto& v : row.violations) {
    for (const char* needle : needles) {
      if (v.invariant.find(needle) != std::string::npos) {
        ++n;
        break;
      }
    }
  }
  return n;
}

std::string Table(const std::vector<Row>& rows) {
  std::ostringstream out;
  out << "| fault | down (s) | recovered after (s) | errors clients saw | hung | ops ok / failed | lost | doubled |"
         " oversold | charge ≠ order | reporting ≠ | invariants (s to hold) |\n"
         "|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& r : rows) {
    std::string errors;
    for (const auto& [status, n] : r.errors) errors += (errors.empty() ? "" : ", ") + status + " ×" + std::to_string(n);
    out << "| " << r.fault << " | " << Fixed(r.down_s) << " | " << Fixed(r.recover_s) << " | "
        << (errors.empty() ? "none" : errors) << " | " << r.hung << " | " << r.ops_ok << " / " << r.ops_failed << " | "
        << CountOf(r, {"seen is recorded"}) << " | " << CountOf(r, {"twice"}) << " | " << CountOf(r, {"ledger"})
        << " | " << CountOf(r, {"charge"}) << " | " << CountOf(r, {"reporting"}) << " | "
        << (r.violations.empty() ? "hold (" + Fixed(r.converge_s) + ")" : "**BROKEN**") << " |\n";
  }
  return out.str();
}

Row RunFault(const Fault& fault, ct::Platform& platform, Load& load, Journal& journal, const Baseline& baseline,
             std::chrono::seconds recovery_bound, std::chrono::seconds invariant_bound,
             std::chrono::milliseconds client_timeout) {
  Row row;
  row.fault = fault.name;
  std::cerr << "chaos: " << fault.name << "\n";
  const auto injected = Clock::now();
  fault.inject();
  std::this_thread::sleep_for(fault.hold);
  fault.recover();
  const auto restored = Clock::now();
  row.down_s = Seconds(restored - injected);
  // Every kind of operation succeeds again (operations begun after the recovery action).
  auto recovered = Clock::time_point::min();
  for (Kind kind : {Kind::kSale, Kind::kReturn, Kind::kCheckout}) {
    auto at = journal.FirstSuccessAfter(kind, restored);
    while (at == Clock::time_point::max() && Clock::now() < restored + recovery_bound) {
      std::this_thread::sleep_for(100ms);
      at = journal.FirstSuccessAfter(kind, restored);
    }
    recovered = std::max(recovered, at);
  }
  if (recovered != Clock::time_point::max()) row.recover_s = Seconds(recovered - injected);
  const auto window_end = std::min(Clock::now(), recovered);
  load.Pause();
  const auto paused = Clock::now();
  for (const auto& a : journal.AttemptsBetween(injected, window_end)) {
    if (a.timed_out) ++row.hung;
    if (a.status >= 200 && a.status < 300) continue;
    ++row.errors[a.status == 0 ? (a.timed_out ? "timeout" : "no answer") : std::to_string(a.status)];
  }
  for (const auto& op : journal.Operations()) {
    if (op.started < injected || op.started >= window_end) continue;
    (op.succeeded ? row.ops_ok : row.ops_failed)++;
  }
  // Recovery passes (order's, sales') and the event stream need a moment: the invariants must hold within the bound.
  for (;;) {
    row.violations = CheckInvariants(platform, baseline, journal.Operations());
    if (row.violations.empty()) {
      row.converge_s = Seconds(Clock::now() - paused);
      break;
    }
    if (Clock::now() > paused + invariant_bound) break;
    std::this_thread::sleep_for(500ms);
  }
  if (row.hung > 0) {
    row.violations.push_back({"no request hung past its timeout", std::to_string(row.hung) +
                                                                      " attempts got no answer within " +
                                                                      std::to_string(client_timeout.count()) + " ms"});
  }
  for (const auto& v : row.violations) std::cerr << "chaos:   BROKEN " << v.invariant << ": " << v.detail << "\n";
  load.Resume();
  return row;
}

// The checks can fail: with the load paused and every invariant holding, each kind of damage is made in the
// databases (or in what a client believes), the check must name it, and the damage is undone.
int SelfTest(ct::Platform& platform, Load& load, Journal& journal, const Baseline& baseline) {
  load.Pause();
  int failures = 0;
  const auto expect = [&](const std::string& what, const std::string& invariant, const std::function<void()>& damage,
                          const std::function<void()>& undo, std::vector<Operation> extra = {}) {
    auto ops = journal.Operations();
    if (!CheckInvariants(platform, baseline, ops).empty()) {
      std::cerr << "chaos self-test: invariants do not hold before " << what << "\n";
      ++failures;
      return;
    }
    damage();
    ops.insert(ops.end(), extra.begin(), extra.end());
    bool named = false;
    for (const auto& v : CheckInvariants(platform, baseline, ops))
      named = named || v.invariant.find(invariant) != std::string::npos;
    undo();
    std::cerr << "chaos self-test: " << what << (named ? " is found" : " is NOT found") << "\n";
    if (!named) ++failures;
  };
  const auto& sales = platform.Conninfo("sales");
  const auto& inventory = platform.Conninfo("inventory");
  const auto& payment = platform.Conninfo("payment");
  const auto& reporting = platform.Conninfo("reporting");
  expect(
      "a sale a client saw that is not recorded", "sale seen is recorded", [] {}, [] {},
      {Operation{Kind::kSale, "ghost-key", true, "999999999"}});
  expect(
      "a sale nobody asked for", "no sale twice",
      [&] {
        ct::RunSql(sales,
                   "INSERT INTO sales (receipt_number, location_id, cashier_id, subtotal_cents, gst_cents,"
                   " qst_cents, total_cents, taxable_cents, idempotency_key) VALUES ('CHAOS-GHOST', 1, 'x', 0, 0, 0, 0, 0,"
                   " 'ghost')");
      },
      [&] { ct::RunSql(sales, "DELETE FROM sales WHERE receipt_number = 'CHAOS-GHOST'"); });
  expect(
      "stock that is not its ledger", "ledger",
      [&] { ct::RunSql(inventory, "UPDATE stock SET on_hand = on_hand + 1 WHERE location_id = 1 AND product_id = 5"); },
      [&] {
        ct::RunSql(inventory, "UPDATE stock SET on_hand = on_hand - 1 WHERE location_id = 1 AND product_id = 5");
      });
  expect(
      "a charge without its order", "no charge without its order",
      [&] {
        ct::RunSql(payment,
                   "INSERT INTO charges (id, idempotency_key, fingerprint, amount_cents, currency, reference,"
                   " card_last4, status) VALUES (gen_random_uuid(), 'chaos-ghost', 'f', 100, 'CAD', 'r',"
                   " '4242', 'succeeded')");
      },
      [&] { ct::RunSql(payment, "DELETE FROM charges WHERE idempotency_key = 'chaos-ghost'"); });
  expect(
      "reporting that differs from the receipts", "reporting",
      [&] { ct::RunSql(reporting, "UPDATE receipts SET total_cents = total_cents + 1 WHERE channel = 'store'"); },
      [&] { ct::RunSql(reporting, "UPDATE receipts SET total_cents = total_cents - 1 WHERE channel = 'store'"); });
  load.Resume();
  std::cout << (failures == 0 ? "chaos self-test: every kind of damage was found\n"
                              : "chaos self-test: some damage went unnoticed\n");
  return failures == 0 ? 0 : 1;
}

int Main(int argc, char** argv) {
  bool short_run = false;
  bool self_test = false;
  std::string report;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--short") == 0) short_run = true;
    if (std::strcmp(argv[i], "--self-test") == 0) self_test = short_run = true;
    if (std::strcmp(argv[i], "--report") == 0 && i + 1 < argc) report = argv[++i];
  }
  ct::PgCluster pg("chaos");
  ct::RedisServer redis({.keep_data = true});
  const std::vector<std::string> services = {"product", "inventory", "customer", "sales",
                                             "cart",    "payment",   "order",    "reporting"};
  ct::Platform platform({.services = services,
                         .gateway = true,
                         .name = "chaos",
                         .env = {{"COMPTOIR_ORDER_RECOVERY_INTERVAL_MS", "1000"},
                                 {"COMPTOIR_ORDER_CHARGE_WATCH_INTERVAL_MS", "2000"},
                                 {"COMPTOIR_LOG_LEVEL", "warn"}},
                         .instances = {{"cart", 3}},
                         .pg_state_dir = pg.state_dir(),
                         .redis_port = redis.port()});
  const Baseline baseline = TakeBaseline(platform);
  Journal journal;
  LoadOptions load_options;
  load_options.gateway_port = platform.GatewayPort();
  load_options.client_timeout = 15s;  // above the gateway's read timeout (10 s): the gateway answers first
  Load load(load_options, journal);
  load.Start();
  std::this_thread::sleep_for(short_run ? 3s : 8s);  // steady state before the first fault
  if (self_test) return SelfTest(platform, load, journal, baseline);

  const auto kill_and_restart = [&](const std::string& service, int instance, std::chrono::milliseconds down) {
    const std::string name =
        instance == 0 && service != "cart" ? service : service + "-" + std::to_string(instance + 1);
    return Fault{"kill -9 " + name, [&platform, service, instance] { platform.StopService(service, true, instance); },
                 down, [&platform, service, instance] { platform.StartService(service, instance); }};
  };
  std::vector<Fault> faults;
  if (!short_run) {
    for (const auto& s : services) faults.push_back(kill_and_restart(s, 0, 1s));
    faults.push_back(kill_and_restart("cart", 1, 10s));  // one cart instance of three, down 10 s
    faults.back().name = "one cart instance (cart-2) killed, 10 s";
    faults.push_back({"PostgreSQL restart", [&pg] { pg.Stop(); }, 2s, [&pg] { pg.Start(); }});
    faults.push_back({"Redis stopped 10 s", [&redis] { redis.Stop(); }, 10s, [&redis] { redis.Start(); }});
  } else {
    faults.push_back(kill_and_restart("sales", 0, 1s));
  }
  faults.push_back(
      {"kill -9 gateway", [&platform] { platform.StopGateway(true); }, 1s, [&platform] { platform.StartGateway(); }});
  faults.push_back({"SIGSTOP inventory 5 s", [&platform] { platform.SignalService("inventory", SIGSTOP); }, 5s,
                    [&platform] { platform.SignalService("inventory", SIGCONT); }});

  std::vector<Row> rows;
  const auto recovery_bound = short_run ? 60s : 90s;
  const auto invariant_bound = short_run ? 45s : 60s;
  for (const auto& fault : faults) {
    rows.push_back(RunFault(fault, platform, load, journal, baseline, recovery_bound, invariant_bound,
                            load_options.client_timeout));
    std::this_thread::sleep_for(short_run ? 1s : 3s);  // the load runs steadily again before the next fault
  }
  load.Stop();
  int ok = 0;
  int failed = 0;
  for (const auto& op : journal.Operations()) (op.succeeded ? ok : failed)++;
  const std::string table = Table(rows);
  std::cout << table << "\n"
            << journal.Operations().size() << " operations (" << ok << " succeeded, " << failed
            << " failed or refused) by 3 clients\n";
  if (!report.empty()) std::ofstream(report) << table;
  bool broken = false;
  for (const auto& r : rows) broken = broken || !r.violations.empty() || r.recover_s < 0;
  std::cout << (broken ? "chaos: an invariant was broken (see above)\n"
                       : "chaos: every invariant held after every fault\n");
  return broken ? 1 : 0;
}

}  // namespace
}  // namespace comptoir::chaos

int main(int argc, char** argv) {
  try {
    return comptoir::chaos::Main(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "chaos: " << e.what() << "\n";
    return 2;
  }
}
