#include "comptoir/receipt/settings.hpp"

#include "comptoir/json.hpp"

namespace comptoir::receipt {

Issuer LoadIssuer(config::Source& source, const std::string& prefix) {
  Issuer issuer{"Comptoir", "123456789 RT0001", "1234567890 TQ0001"};
  issuer.chain_name = source.String(prefix + ".chain_name", issuer.chain_name);
  issuer.gst_number = source.String(prefix + ".gst_number", issuer.gst_number);
  issuer.qst_number = source.String(prefix + ".qst_number", issuer.qst_number);
  source.Check(!issuer.chain_name.empty() && json::Utf8Length(issuer.chain_name) <= 32, prefix + ".chain_name",
               "must be 1 to 32 characters");
  source.Check(IsGstNumber(issuer.gst_number), prefix + ".gst_number",
               "must be a GST registration as printed: 9 digits, a space, RT and 4 digits (123456789 RT0001)");
  source.Check(IsQstNumber(issuer.qst_number), prefix + ".qst_number",
               "must be a QST registration as printed: 10 digits, a space, TQ and 4 digits (1234567890 TQ0001)");
  return issuer;
}

}  // namespace comptoir::receipt
