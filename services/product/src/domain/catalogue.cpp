#include "domain/catalogue.hpp"

#include <charconv>

#include "comptoir/json.hpp"

namespace comptoir::product {
namespace {

constexpr std::string_view kInvalidQuery = "product.invalid_query";

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// A decimal integer without sign noise: "-5" is accepted (so that the range message is precise),
// "+5", " 5", "5x", "" are not.
std::optional<std::int64_t> ParseInt(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Reads an integer parameter within [min, max]; records a field error otherwise.
std::optional<std::int64_t> IntParam(const std::string& name, const std::string& text, std::int64_t min,
                                     std::int64_t max, std::vector<FieldError>& errors) {
  auto value = ParseInt(text);
  if (!value) {
    errors.push_back({name, "must be an integer"});
    return std::nullopt;
  }
  if (*value < min || *value > max) {
    errors.push_back({name, "must be between " + std::to_string(min) + " and " + std::to_string(max)});
    return std::nullopt;
  }
  return value;
}

Page ParsePageInto(const QueryParams& params, std::vector<FieldError>& errors) {
  Page page;
  for (const auto& [key, value] : params) {
    if (key == "page") {
      if (auto n = IntParam(key, value, 1, kMaxPage, errors)) page.page = *n;
    } else if (key == "per_page") {
      if (auto n = IntParam(key, value, 1, kMaxPerPage, errors)) page.per_page = *n;
    }
  }
  return page;
}

}  // namespace

std::optional<Sort> ParseSort(std::string_view text) {
  if (text == "relevance") return Sort::kRelevance;
  if (text == "name") return Sort::kName;
  if (text == "-name") return Sort::kNameDesc;
  if (text == "price_cents") return Sort::kPrice;
  if (text == "-price_cents") return Sort::kPriceDesc;
  if (text == "created_at") return Sort::kCreated;
  if (text == "-created_at") return Sort::kCreatedDesc;
  if (text == "id") return Sort::kId;
  return std::nullopt;
}

std::string_view SortName(Sort sort) noexcept {
  switch (sort) {
    case Sort::kRelevance:
      return "relevance";
    case Sort::kName:
      return "name";
    case Sort::kNameDesc:
      return "-name";
    case Sort::kPrice:
      return "price_cents";
    case Sort::kPriceDesc:
      return "-price_cents";
    case Sort::kCreated:
      return "created_at";
    case Sort::kCreatedDesc:
      return "-created_at";
    case Sort::kId:
      return "id";
  }
  return "name";
}

std::string_view ActiveFilterName(ActiveFilter filter) noexcept {
  switch (filter) {
    case ActiveFilter::kActive:
      return "true";
    case ActiveFilter::kArchived:
      return "false";
    case ActiveFilter::kAll:
      return "all";
  }
  return "true";
}

Page ParsePage(const QueryParams& params, const std::string& code) {
  std::vector<FieldError> errors;
  Page page = ParsePageInto(params, errors);
  if (!errors.empty()) throw ApiError::Validation(code, "invalid query parameters", std::move(errors));
  return page;
}

ProductQuery ParseProductQuery(const QueryParams& params) {
  ProductQuery query;
  std::vector<FieldError> errors;
  query.page = ParsePageInto(params, errors);
  std::optional<Sort> sort;
  for (const auto& [key, value] : params) {
    if (key == "q") {
      std::string_view q = Trim(value);
      if (!json::IsCleanUtf8(q)) {
        errors.push_back({"q", "must be valid UTF-8 text"});
      } else if (json::Utf8Length(q) > kQueryMaxLength) {
        errors.push_back({"q", "must have at most " + std::to_string(kQueryMaxLength) + " characters"});
      } else if (!q.empty()) {
        query.q = std::string(q);
      }
    } else if (key == "category_id") {
      query.category_id = IntParam(key, value, 1, INT64_MAX, errors);
    } else if (key == "min_price_cents") {
      query.min_price_cents = IntParam(key, value, 0, kMaxPriceCents, errors);
    } else if (key == "max_price_cents") {
      query.max_price_cents = IntParam(key, value, 0, kMaxPriceCents, errors);
    } else if (key == "active") {
      if (value == "true") {
        query.active = ActiveFilter::kActive;
      } else if (value == "false") {
        query.active = ActiveFilter::kArchived;
      } else if (value == "all") {
        query.active = ActiveFilter::kAll;
      } else {
        errors.push_back({"active", "must be true, false or all"});
      }
    } else if (key == "sort") {
      sort = ParseSort(value);
      if (!sort) {
        errors.push_back({"sort",
                          "must be one of relevance, name, -name, price_cents, -price_cents, created_at, "
                          "-created_at, id"});
      }
    }
  }
  if (query.min_price_cents && query.max_price_cents && *query.min_price_cents > *query.max_price_cents) {
    errors.push_back({"min_price_cents", "must not be greater than max_price_cents"});
  }
  if (!errors.empty()) {
    throw ApiError::Validation(std::string(kInvalidQuery), "invalid query parameters", std::move(errors));
  }
  // Relevance only means something for a text search; without one it falls back to name order.
  if (sort && !(*sort == Sort::kRelevance && !query.q)) {
    query.sort = *sort;
  } else {
    query.sort = query.q ? Sort::kRelevance : Sort::kName;
  }
  return query;
}

std::optional<std::string> SkuProblem(std::string_view sku) {
  if (sku.empty()) return "must not be empty";
  if (sku.size() > kSkuMaxLength) return "must have at most " + std::to_string(kSkuMaxLength) + " characters";
  for (char c : sku) {
    bool ok =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return "may contain only letters A-Z a-z, digits, '.', '_' and '-'";
  }
  return std::nullopt;
}

std::optional<std::string> PriceProblem(std::int64_t price_cents) {
  if (price_cents < 0 || price_cents > kMaxPriceCents) {
    return "must be an integer number of cents between 0 and " + std::to_string(kMaxPriceCents);
  }
  return std::nullopt;
}

std::string EscapeLike(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

std::optional<std::int64_t> ParseId(std::string_view text) {
  if (text.empty() || text.front() == '-' || text.front() == '+') return std::nullopt;
  auto value = ParseInt(text);
  if (!value || *value <= 0) return std::nullopt;
  return value;
}

}  // namespace comptoir::product
