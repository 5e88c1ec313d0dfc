#pragma once
#include <string>

#include "comptoir/config.hpp"
#include "comptoir/receipt/document.hpp"

namespace comptoir::receipt {

/// The issuer of a service's receipts from `<prefix>.chain_name`, `.gst_number`, `.qst_number` (defaults: the demo
/// registrations); a registration not in its printed format is a configuration problem recorded in `source`.
Issuer LoadIssuer(config::Source& source, const std::string& prefix);

}  // namespace comptoir::receipt
