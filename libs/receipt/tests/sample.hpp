#pragma once
#include <boost/json.hpp>

#include "comptoir/receipt/document.hpp"

// The sale of issue 15's "done when" at Mile End, as sales would answer it once line discounts and taxes per
// class exist: 2 T-shirts (10 % off one), 1 Café (zero-rated), 1 Chocolat Noir; paid 70 $ cash.
inline boost::json::object SampleSale() {
  return boost::json::parse(R"({
    "id": 34, "receipt_number": "S4-000034", "location_id": 4, "created_at": "2026-12-06T19:03:27.123456Z",
    "lines": [
      {"product_id": 5, "sku": "VET-TSH-001", "name": "T-shirt", "unit_price_cents": 1999, "quantity": 2,
       "line_total_cents": 3798, "discounts": [{"label": "Rabais 10 %", "amount_cents": 200}]},
      {"product_id": 9, "sku": "ALI-CAF-001", "name": "Café", "unit_price_cents": 1299, "quantity": 1,
       "line_total_cents": 1299},
      {"product_id": 10, "sku": "ALI-CHO-001", "name": "Chocolat Noir", "unit_price_cents": 499, "quantity": 1,
       "line_total_cents": 499}],
    "subtotal_cents": 5596, "gst_cents": 215, "qst_cents": 429,
    "taxes": [{"code": "gst", "amount_cents": 215}, {"code": "qst", "amount_cents": 429}],
    "total_cents": 6240, "cash_rounding_cents": 0,
    "payments": [{"method": "cash", "amount_cents": 7000}], "change_cents": 760
  })").as_object();
}

inline comptoir::receipt::Document SampleDocument(bool copy = false) {
  comptoir::receipt::Document doc =
      comptoir::receipt::FromJson(SampleSale(), {"Comptoir", "123456789 RT0001", "1234567890 TQ0001"},
                                  {"Mile End", "5225, boulevard Saint-Laurent", "Montréal"});
  doc.copy = copy;
  return doc;
}
