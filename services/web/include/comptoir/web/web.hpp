#pragma once
#include "comptoir/service/service.hpp"

namespace comptoir::web {

/// The web front end's static server: the shop and the back office built by web/ (Vite), served from
/// memory with precompressed variants, cache rules and a strict Content-Security-Policy (ADR 0080).
/// Name "web", default port 8008; no database.
const comptoir::service::Definition& Definition();

}  // namespace comptoir::web
