#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ui/screens.hpp"

/// What the form screens share (ui/screens.cpp) with the screens built elsewhere (ui/stock_screens.cpp).
namespace comptoir::console::ui {

/// One F-key of a form: its prompts, asked one by one, then the operation with the answers.
struct Action {
  Key key;
  std::string label;
  std::vector<std::string> prompts;
  std::function<Outcome(const std::vector<std::string>&)> run;
};

/// A screen with a view (refreshed after every action; none: nullptr) and actions on F-keys.
std::unique_ptr<Screen> MakeForm(Navigator& nav, std::string title, std::function<Outcome()> view,
                                 std::vector<Action> actions);

/// "5:2 9:1" → lines (quantities > 0); false when a word is not PRODUCT:QTY.
bool Pairs(const std::string& text, QuantityLines& lines);
std::optional<std::int64_t> Number(const std::string& text);
/// An Outcome refused before any call, with `message`.
Outcome Invalid(const std::string& message);
/// Runs `run` with the number `text` (> 0), or refuses.
Outcome WithId(const std::string& text, const std::function<Outcome(std::int64_t)>& run);

/// Transfers between stores (ADR 0171): a store's (its requests, receiving, shipping) or logistics' (approve,
/// reject), and cycle counts (ADR 0172) for logistics and managers.
std::unique_ptr<Screen> MakeTransfers(Navigator& nav, bool logistics);
std::unique_ptr<Screen> MakeCounts(Navigator& nav);

}  // namespace comptoir::console::ui
