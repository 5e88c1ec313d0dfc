#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "comptoir/error.hpp"
#include "comptoir/money.hpp"

/// Catalogue rules: what a product, a category and a product search are, and which values are
/// acceptable. No I/O here; the storage and api layers call these functions.
namespace comptoir::product {

/// Limits of the catalogue (also stated in openapi.json and README.md).
inline constexpr std::size_t kSkuMaxLength = 64;
inline constexpr std::size_t kNameMaxLength = 200;
inline constexpr std::size_t kDescriptionMaxLength = 2000;
inline constexpr std::size_t kCategoryNameMaxLength = 100;
inline constexpr std::size_t kQueryMaxLength = 200;
inline constexpr std::int64_t kMaxPriceCents = 100'000'000;  // 1 000 000,00 $
inline constexpr std::int64_t kDefaultPerPage = 20;
inline constexpr std::int64_t kMaxPerPage = 100;
inline constexpr std::int64_t kMaxPage = 1'000'000;

/// A catalogue entry. Times are RFC 3339 UTC strings as produced by the database.
struct Product {
  std::int64_t id = 0;
  std::string sku;
  std::string name;
  std::string description;
  std::optional<std::int64_t> category_id;
  std::int64_t price_cents = 0;
  bool active = true;
  std::string created_at;
  std::string updated_at;
  /// GST/QST class (ADR 0140): taxable unless a manager says otherwise.
  money::TaxClass tax_class = money::TaxClass::kTaxable;
  std::optional<std::string> barcode;     ///< GTIN-13 (a UPC-A with its leading 0), ADR 0170
  std::optional<std::string> scale_code;  ///< 5-digit item code of a good weighed in store (price-embedded codes)
};

/// A product category.
struct Category {
  std::int64_t id = 0;
  std::string name;
  std::string description;
  std::string created_at;
  std::string updated_at;
};

/// A change to a product: every field that is set is written, the others are kept. POST and PUT
/// produce a change with every field set (absent optional fields take their defaults), PATCH only
/// the fields the client sent. `category_id` set to nullopt-inside-optional clears the category.
struct ProductChange {
  std::optional<std::string> sku;
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::optional<std::int64_t>> category_id;
  std::optional<std::int64_t> price_cents;
  std::optional<bool> active;
  std::optional<money::TaxClass> tax_class;
  std::optional<std::optional<std::string>> barcode;     ///< set to nullopt-inside-optional: removed
  std::optional<std::optional<std::string>> scale_code;  ///< idem
};

/// A category as a client writes it (POST and PUT).
struct CategoryInput {
  std::string name;
  std::string description;
};

/// Which products a list shows with respect to archiving.
enum class ActiveFilter { kActive, kArchived, kAll };

/// Order of a product list.
enum class Sort { kRelevance, kName, kNameDesc, kPrice, kPriceDesc, kCreated, kCreatedDesc, kId };

/// Page of a list: `page` >= 1, 1 <= `per_page` <= 100.
struct Page {
  std::int64_t page = 1;
  std::int64_t per_page = kDefaultPerPage;
  [[nodiscard]] std::int64_t Offset() const noexcept { return (page - 1) * per_page; }
};

/// A validated product search.
struct ProductQuery {
  std::optional<std::string> q;  ///< trimmed, never empty when set
  std::optional<std::int64_t> category_id;
  std::optional<std::int64_t> min_price_cents;
  std::optional<std::int64_t> max_price_cents;
  ActiveFilter active = ActiveFilter::kActive;
  Sort sort = Sort::kName;
  Page page;
};

using QueryParams = std::vector<std::pair<std::string, std::string>>;

/// Parses the query string of GET /products; throws a 400 ApiError `product.invalid_query` naming
/// every offending parameter. Unknown parameters are ignored.
ProductQuery ParseProductQuery(const QueryParams& params);
/// Parses `page` and `per_page` (for any list); throws 400 `code` naming the parameter.
Page ParsePage(const QueryParams& params, const std::string& code);

/// Parses a `sort` value; nullopt when unknown.
std::optional<Sort> ParseSort(std::string_view text);
/// The wire name of a sort ("-price_cents", "relevance", ...).
std::string_view SortName(Sort sort) noexcept;
/// The wire name of an active filter ("true", "false", "all").
std::string_view ActiveFilterName(ActiveFilter filter) noexcept;

/// Returns why `sku` is not acceptable (1..64 characters of [A-Za-z0-9._-]), or nullopt.
std::optional<std::string> SkuProblem(std::string_view sku);
/// Returns why a price is not acceptable (integer cents, 0..100 000 000), or nullopt.
std::optional<std::string> PriceProblem(std::int64_t price_cents);

/// Escapes the LIKE wildcards `%`, `_` and the escape character `\` so that user text matches literally.
std::string EscapeLike(std::string_view text);

/// Parses a positive decimal id ("12"); nullopt for anything else (signs, spaces, overflow, zero).
std::optional<std::int64_t> ParseId(std::string_view text);

}  // namespace comptoir::product
