#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "comptoir/pg/pg.hpp"
#include "domain/catalogue.hpp"
#include "domain/promotions.hpp"

namespace comptoir::product {

/// One page of a list and the number of rows across all pages.
template <class T>
struct ListPage {
  std::vector<T> items;
  std::int64_t total = 0;
};

/// Maps one row of the product column list (see repository.cpp) to a Product.
Product ProductFromRow(const pg::Row& row);
/// Maps one row of the category column list to a Category.
Category CategoryFromRow(const pg::Row& row);

/// The catalogue tables. Every product write is one statement that also inserts its ProductChanged
/// outbox row, so the change and its event commit together or not at all. Database errors that a
/// client caused become ApiErrors with stable codes (product.duplicate_sku, category.in_use, ...).
class Repository {
 public:
  explicit Repository(pg::Pool& db) : db_(db) {}

  boost::asio::awaitable<ListPage<Product>> ListProducts(const ProductQuery& query);
  boost::asio::awaitable<std::optional<Product>> FindProduct(std::int64_t id);
  boost::asio::awaitable<std::optional<Product>> FindProductBySku(const std::string& sku);
  /// By its 13-digit GTIN (ADR 0170).
  boost::asio::awaitable<std::optional<Product>> FindProductByBarcode(const std::string& gtin13);
  /// By the 5-digit item code that price-embedded codes carry.
  boost::asio::awaitable<std::optional<Product>> FindProductByScaleCode(const std::string& code);
  /// `change` must have sku, name and price_cents set.
  boost::asio::awaitable<Product> CreateProduct(const ProductChange& change, const std::string& correlation_id);
  /// nullopt when there is no such product.
  boost::asio::awaitable<std::optional<Product>> UpdateProduct(std::int64_t id, const ProductChange& change,
                                                               const std::string& correlation_id);
  /// Archives an active product (an event is written); an archived one is left as is.
  /// Returns false when there is no such product.
  boost::asio::awaitable<bool> ArchiveProduct(std::int64_t id, const std::string& correlation_id);

  boost::asio::awaitable<ListPage<Category>> ListCategories(const Page& page);
  boost::asio::awaitable<std::optional<Category>> FindCategory(std::int64_t id);
  boost::asio::awaitable<Category> CreateCategory(const CategoryInput& input);
  boost::asio::awaitable<std::optional<Category>> UpdateCategory(std::int64_t id, const CategoryInput& input);
  /// Returns false when there is no such category; throws 409 category.in_use when products use it.
  boost::asio::awaitable<bool> DeleteCategory(std::int64_t id);

  /// Promotions (storage/promotions.cpp, ADR 0141).
  boost::asio::awaitable<ListPage<PromotionRecord>> ListPromotions(const PromotionQuery& query);
  boost::asio::awaitable<std::optional<PromotionRecord>> FindPromotion(std::int64_t id);
  boost::asio::awaitable<PromotionRecord> CreatePromotion(const PromotionRecord& promotion,
                                                          const std::string& created_by);
  /// nullopt when there is no such promotion.
  boost::asio::awaitable<std::optional<PromotionRecord>> UpdatePromotion(std::int64_t id,
                                                                         const PromotionRecord& promotion);
  /// Withdraws (active = false); false when there is no such promotion.
  boost::asio::awaitable<bool> WithdrawPromotion(std::int64_t id);

 private:
  pg::Pool& db_;
};

/// Inserts the demo catalogue of DESIGN §7 in one transaction; existing rows are never touched.
boost::asio::awaitable<void> SeedCatalogue(pg::Pool& db);

}  // namespace comptoir::product
