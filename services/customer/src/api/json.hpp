#pragma once
#include <string>
#include <utility>
#include <vector>

#include <boost/json/fwd.hpp>
#include <boost/json/object.hpp>

#include "domain/accounts.hpp"

namespace comptoir::customer {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

/// Email and password of a sign-in (the email normalised; nothing else is checked: a wrong one is a 401).
struct SignIn {
  std::string email;
  std::string password;
};

struct PasswordChange {
  std::string current_password;
  std::string new_password;
};

/// A staff member setting their password with an admin's one-time reset token.
struct ResetUse {
  std::string reset_token;
  std::string new_password;
};

/// The till's lookup of one shopper: exactly one of the two (the email normalised, the phone trimmed).
struct CustomerLookup {
  std::optional<std::string> email;
  std::optional<std::string> phone;
};

/// Each parser collects every field error and throws one 400 with all of them.
Registration ParseRegistration(const boost::json::value& body);    ///< 400 customer.invalid
SignIn ParseSignIn(const boost::json::value& body);                ///< 400 auth.invalid
std::string ParseRefreshBody(const boost::json::value& body);      ///< 400 auth.invalid
ProfileChange ParseProfileChange(const boost::json::value& body);  ///< 400 customer.invalid
/// 400 `code` (customer.invalid for shoppers, staff.invalid for staff).
PasswordChange ParsePasswordChange(const boost::json::value& body, const std::string& code = "customer.invalid");
ResetUse ParseResetUse(const boost::json::value& body);        ///< 400 auth.invalid
StaffChange ParseStaffChange(const boost::json::value& body);  ///< 400 staff.invalid
/// `email=` or `phone=` (exactly one); 400 customer.invalid_query.
CustomerLookup ParseCustomerLookup(const QueryParams& params);
AddressInput ParseAddress(const boost::json::value& body);   ///< 400 address.invalid
StaffInput ParseStaffInput(const boost::json::value& body);  ///< 400 staff.invalid
/// `page` (≥ 1) and `per_page` (1..100); 400 `code` naming the bad ones.
Page ParsePage(const QueryParams& params, const std::string& code);

boost::json::object ToJson(const Customer& customer);
boost::json::object ToJson(const Staff& staff);
boost::json::object ToJson(const CustomerSummary& customer);
boost::json::object ToJson(const Address& address);
/// {"access_token", "token_type": "Bearer", "expires_in", "refresh_token"}.
boost::json::object TokenJson(const std::string& access_token, std::int64_t expires_in,
                              const std::string& refresh_token);
/// {"data": [...], "meta": {"page", "per_page", "total"}}.
std::string ListJson(const boost::json::array& data, const Page& page, std::int64_t total);

}  // namespace comptoir::customer
