#pragma once
// The invariants the chaos suite checks after each fault (ADR 0131), read from the services' databases the
// way an auditor would: nothing lost, nothing doubled, no charge without its order nor order without its
// charge, each stock row equal to its ledger and never negative, reporting equal to receipts and orders.
#include <string>
#include <vector>

#include "load.hpp"

namespace comptoir::testing {
class Platform;
}

namespace comptoir::chaos {

/// What the databases held before the load began (seeded history).
struct Baseline {
  long long sales = 0;
  long long returns = 0;
  long long orders = 0;
};
Baseline TakeBaseline(const testing::Platform& platform);

/// One broken invariant: its name and what was found.
struct Violation {
  std::string invariant;
  std::string detail;
};

/// Every invariant, once; empty when all hold. `ops` is what the clients saw so far.
std::vector<Violation> CheckInvariants(const testing::Platform& platform, const Baseline& baseline,
                                       const std::vector<Operation>& ops);

}  // namespace comptoir::chaos
