#include "api/json.hpp"

#include <charconv>

#include <boost/json.hpp>

#include "comptoir/json.hpp"

namespace comptoir::customer {
namespace {

// A name: trimmed, 1..100 characters.
std::optional<std::string> Name(json::ObjectReader& reader, std::string_view key, bool required) {
  auto text = reader.String(key, required, 0, kNameMaxLength);
  if (!text) return std::nullopt;
  std::string trimmed = Trim(*text);
  if (trimmed.empty()) {
    reader.Fail(key, "must not be blank");
    return std::nullopt;
  }
  return trimmed;
}

std::optional<std::string> Email(json::ObjectReader& reader, std::string_view key, bool required) {
  auto text = reader.String(key, required, 0, kEmailMaxLength + 16);
  if (!text) return std::nullopt;
  std::string email = NormalizeEmail(*text);
  if (auto problem = EmailProblem(email)) {
    reader.Fail(key, *problem);
    return std::nullopt;
  }
  return email;
}

std::optional<std::string> NewPassword(json::ObjectReader& reader, std::string_view key) {
  auto text = reader.String(key, true, 0, 4 * kPasswordMaxLength);
  if (!text) return std::nullopt;
  if (auto problem = PasswordProblem(*text)) {
    reader.Fail(key, *problem);
    return std::nullopt;
  }
  return text;
}

std::optional<std::string> Phone(json::ObjectReader& reader) {
  auto text = reader.String("phone", false, 0, 40);
  if (!text) return std::nullopt;
  std::string phone = Trim(*text);
  if (phone.empty()) return std::nullopt;  // "" means no phone
  if (auto problem = PhoneProblem(phone)) {
    reader.Fail("phone", *problem);
    return std::nullopt;
  }
  return phone;
}

std::optional<std::int64_t> ParsePositive(std::string_view text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1) return std::nullopt;
  return value;
}

}  // namespace

Registration ParseRegistration(const boost::json::value& body) {
  json::ObjectReader reader(body);
  reader.RejectUnknown({"email", "password", "first_name", "last_name", "phone"});
  Registration r;
  auto email = Email(reader, "email", true);
  auto password = NewPassword(reader, "password");
  auto first_name = Name(reader, "first_name", true);
  auto last_name = Name(reader, "last_name", true);
  r.phone = Phone(reader);
  reader.ThrowIfErrors("customer.invalid");
  r.email = *email;
  r.password = *password;
  r.first_name = *first_name;
  r.last_name = *last_name;
  return r;
}

SignIn ParseSignIn(const boost::json::value& body) {
  json::ObjectReader reader(body);
  reader.RejectUnknown({"email", "password"});
  auto email = reader.String("email", true, 1, kEmailMaxLength + 16);
  auto password = reader.String("password", true, 1, 4 * kPasswordMaxLength);
  reader.ThrowIfErrors("auth.invalid");
  return SignIn{NormalizeEmail(*email), *password};
}

std::string ParseRefreshBody(const boost::json::value& body) {
  json::ObjectReader reader(body);
  reader.RejectUnknown({"refresh_token"});
  auto token = reader.String("refresh_token", true, 1, 256);
  reader.ThrowIfErrors("auth.invalid");
  return *token;
}

ProfileChange ParseProfileChange(const boost::json::value& body) {
  json::ObjectReader reader(body);
  // Read-only fields a client may send back unchanged after a GET are accepted and ignored.
  reader.RejectUnknown({"email", "first_name", "last_name", "phone", "id", "created_at", "updated_at"});
  ProfileChange change;
  if (reader.IsNull("email")) reader.Fail("email", "must not be null");
  if (reader.IsNull("first_name")) reader.Fail("first_name", "must not be null");
  if (reader.IsNull("last_name")) reader.Fail("last_name", "must not be null");
  change.email = Email(reader, "email", false);
  change.first_name = Name(reader, "first_name", false);
  change.last_name = Name(reader, "last_name", false);
  change.phone_given = reader.Has("phone");
  change.phone = Phone(reader);
  reader.ThrowIfErrors("customer.invalid");
  return change;
}

PasswordChange ParsePasswordChange(const boost::json::value& body, const std::string& code) {
  json::ObjectReader reader(body);
  reader.RejectUnknown({"current_password", "new_password"});
  auto current = reader.String("current_password", true, 1, 4 * kPasswordMaxLength);
  auto next = NewPassword(reader, "new_password");
  reader.ThrowIfErrors(code);
  return PasswordChange{*current, *next};
}

ResetUse ParseResetUse(const boost::json::value& body) {
  json::ObjectReader reader(body);
  reader.RejectUnknown({"reset_token", "new_password"});
  auto token = reader.String("reset_token", true, 1, 256);
  auto next = NewPassword(reader, "new_password");
  reader.ThrowIfErrors("auth.invalid");
  return ResetUse{*token, *next};
}

StaffChange ParseStaffChange(const boost::json::value& body) {
  json::ObjectReader reader(body);
  reader.RejectUnknown({"role", "location_id", "active"});
  StaffChange change;
  if (reader.IsNull("role")) reader.Fail("role", "must not be null");
  if (auto text = reader.String("role", false, 1, 20)) {
    change.role = auth::ParseRole(*text);
    if (!change.role || *change.role == auth::Role::kCustomer) {
      reader.Fail("role", "must be cashier, logistics, manager or admin");
      change.role.reset();
    }
  }
  change.location_given = reader.Has("location_id");
  change.location_id = reader.Int("location_id", false, 1, 7);
  if (reader.IsNull("active")) reader.Fail("active", "must not be null");
  change.active = reader.Bool("active", false);
  if (reader.ok() && !change.role && !change.location_given && !change.active.has_value()) {
    reader.Fail("body", "give at least one of role, location_id, active");
  }
  reader.ThrowIfErrors("staff.invalid");
  return change;
}

CustomerLookup ParseCustomerLookup(const QueryParams& params) {
  CustomerLookup lookup;
  std::vector<FieldError> errors;
  for (const auto& [key, value] : params) {
    if (key == "email") {
      std::string email = NormalizeEmail(value);
      if (auto problem = EmailProblem(email)) {
        errors.push_back({"email", *problem});
      } else {
        lookup.email = email;
      }
    } else if (key == "phone") {
      std::string phone = Trim(value);
      if (auto problem = PhoneProblem(phone)) {
        errors.push_back({"phone", *problem});
      } else {
        lookup.phone = phone;
      }
    }
  }
  if (errors.empty() && lookup.email.has_value() == lookup.phone.has_value()) {
    errors.push_back({"email", "give exactly one of email and phone (an exact value, not a fragment)"});
  }
  if (!errors.empty()) throw ApiError::Validation("customer.invalid_query", "invalid lookup", std::move(errors));
  return lookup;
}

AddressInput ParseAddress(const boost::json::value& body) {
  json::ObjectReader reader(body);
  reader.RejectUnknown({"type", "line1", "line2", "city", "province", "postal_code", "is_default",
                        // read-only fields a client may send back unchanged after a GET
                        "id", "customer_id", "created_at", "updated_at"});
  AddressInput input;
  if (auto type = reader.String("type", true, 1, 20)) {
    if (auto parsed = ParseAddressType(*type)) {
      input.type = *parsed;
    } else {
      reader.Fail("type", "must be delivery or billing");
    }
  }
  auto text = [&reader](std::string_view key, bool required) -> std::optional<std::string> {
    auto value = reader.String(key, required, 0, 200);
    if (!value) return std::nullopt;
    std::string trimmed = Trim(*value);
    if (trimmed.empty() && required) {
      reader.Fail(key, "must not be blank");
      return std::nullopt;
    }
    if (trimmed.empty()) return std::nullopt;
    return trimmed;
  };
  input.line1 = text("line1", true).value_or("");
  input.line2 = text("line2", false);
  input.city = text("city", true).value_or("");
  if (auto province = reader.String("province", true, 1, 10)) {
    if (auto code = NormalizeProvince(*province)) {
      input.province = *code;
    } else {
      reader.Fail("province", "must be a Canadian province or territory code (QC, ON, ...)");
    }
  }
  if (auto postal = reader.String("postal_code", true, 1, 10)) {
    if (auto code = NormalizePostalCode(*postal)) {
      input.postal_code = *code;
    } else {
      reader.Fail("postal_code", "must be a Canadian postal code (A1A 1A1)");
    }
  }
  input.is_default = reader.Bool("is_default", false).value_or(false);
  reader.ThrowIfErrors("address.invalid");
  return input;
}

StaffInput ParseStaffInput(const boost::json::value& body) {
  json::ObjectReader reader(body);
  reader.RejectUnknown({"email", "password", "first_name", "last_name", "role", "location_id"});
  StaffInput input;
  auto email = Email(reader, "email", true);
  auto password = NewPassword(reader, "password");
  auto first_name = Name(reader, "first_name", true);
  auto last_name = Name(reader, "last_name", true);
  std::optional<auth::Role> role;
  if (auto text = reader.String("role", true, 1, 20)) {
    role = auth::ParseRole(*text);
    if (!role || *role == auth::Role::kCustomer) {
      reader.Fail("role", "must be cashier, logistics, manager or admin");
      role.reset();
    }
  }
  input.location_id = reader.Int("location_id", false, 1, 7);
  if (role) {
    if (auto problem = StaffLocationProblem(*role, input.location_id)) reader.Fail("location_id", *problem);
    if (*role == auth::Role::kLogistics) input.location_id = kLogisticsLocation;
  }
  reader.ThrowIfErrors("staff.invalid");
  input.email = *email;
  input.password = *password;
  input.first_name = *first_name;
  input.last_name = *last_name;
  input.role = *role;
  return input;
}

Page ParsePage(const QueryParams& params, const std::string& code) {
  Page page;
  std::vector<FieldError> errors;
  for (const auto& [key, value] : params) {
    if (key == "page") {
      auto n = ParsePositive(value);
      if (!n || *n > 1000000) {
        errors.push_back({"page", "must be an integer from 1 to 1000000"});
      } else {
        page.page = *n;
      }
    } else if (key == "per_page") {
      auto n = ParsePositive(value);
      if (!n || *n > kMaxPerPage) {
        errors.push_back({"per_page", "must be an integer from 1 to 100"});
      } else {
        page.per_page = *n;
      }
    }
  }
  if (!errors.empty()) throw ApiError::Validation(code, "invalid query parameters", std::move(errors));
  return page;
}

boost::json::object ToJson(const Customer& customer) {
  boost::json::object o;
  o["id"] = customer.id;
  o["email"] = customer.email;
  o["first_name"] = customer.first_name;
  o["last_name"] = customer.last_name;
  if (customer.phone) {
    o["phone"] = *customer.phone;
  } else {
    o["phone"] = nullptr;
  }
  o["created_at"] = customer.created_at;
  o["updated_at"] = customer.updated_at;
  return o;
}

boost::json::object ToJson(const Staff& staff) {
  boost::json::object o;
  o["id"] = staff.id;
  o["email"] = staff.email;
  o["first_name"] = staff.first_name;
  o["last_name"] = staff.last_name;
  o["role"] = auth::RoleName(staff.role);
  if (staff.location_id) {
    o["location_id"] = *staff.location_id;
  } else {
    o["location_id"] = nullptr;
  }
  o["active"] = staff.active;
  if (staff.disabled_at) {
    o["disabled_at"] = *staff.disabled_at;
  } else {
    o["disabled_at"] = nullptr;
  }
  o["created_at"] = staff.created_at;
  o["updated_at"] = staff.updated_at;
  return o;
}

boost::json::object ToJson(const CustomerSummary& customer) {
  boost::json::object o;
  o["id"] = customer.id;
  o["first_name"] = customer.first_name;
  o["last_name"] = customer.last_name;
  return o;
}

boost::json::object ToJson(const Address& address) {
  boost::json::object o;
  o["id"] = address.id;
  o["type"] = AddressTypeName(address.type);
  o["line1"] = address.line1;
  if (address.line2) {
    o["line2"] = *address.line2;
  } else {
    o["line2"] = nullptr;
  }
  o["city"] = address.city;
  o["province"] = address.province;
  o["postal_code"] = address.postal_code;
  o["is_default"] = address.is_default;
  o["created_at"] = address.created_at;
  o["updated_at"] = address.updated_at;
  return o;
}

boost::json::object TokenJson(const std::string& access_token, std::int64_t expires_in,
                              const std::string& refresh_token) {
  boost::json::object o;
  o["access_token"] = access_token;
  o["token_type"] = "Bearer";
  o["expires_in"] = expires_in;
  o["refresh_token"] = refresh_token;
  return o;
}

std::string ListJson(const boost::json::array& data, const Page& page, std::int64_t total) {
  boost::json::object body;
  body["data"] = data;
  body["meta"] = {{"page", page.page}, {"per_page", page.per_page}, {"total", total}};
  return boost::json::serialize(body);
}

}  // namespace comptoir::customer
