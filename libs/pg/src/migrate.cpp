// Schema migrations: numbered SQL files applied once, in order, in one transaction under an advisory lock.
#include "comptoir/pg/migrate.hpp"

#include <algorithm>
#include <charconv>
#include <map>

#include <openssl/evp.h>

namespace comptoir::pg {
namespace {

constexpr Statement kLock{"comptoir.migrate.lock", "SELECT pg_advisory_xact_lock($1::bigint)"};
constexpr Statement kApplied{"comptoir.migrate.applied", "SELECT version, name, checksum FROM schema_migrations"};
constexpr Statement kRecord{"comptoir.migrate.record",
                            "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)"};
constexpr std::string_view kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version integer PRIMARY KEY,"
    " name text NOT NULL,"
    " checksum text NOT NULL,"
    " applied_at timestamptz NOT NULL DEFAULT now())";

[[noreturn]] void Fail(std::string code, std::string detail) {
  throw ApiError(ErrorKind::kInternal, std::move(code), std::move(detail));
}

std::string Sha256Hex(std::string_view content) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(content.data(), content.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    Fail("migrations.checksum_failed", "cannot compute a migration checksum");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xf];
  }
  return hex;
}

// FNV-1a: stable across builds and processes, unlike std::hash.
std::int64_t LockKey(std::string_view scope) {
  std::uint64_t hash = 14695981039346656037ull;
  for (const char c : std::string("comptoir.migrations/") + std::string(scope)) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return static_cast<std::int64_t>(hash);
}

struct Migration {
  int version;
  std::string_view name;
  std::string_view content;
};

std::vector<Migration> Sorted(const std::vector<EmbeddedFile>& files) {
  std::vector<Migration> migrations;
  for (const EmbeddedFile& file : files) {
    const std::string_view name = file.name.substr(file.name.find_last_of('/') + 1);
    int version = 0;
    auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), version);
    const bool named = ec == std::errc() && end != name.data() && end < name.data() + name.size() && *end == '_' &&
                       name.ends_with(".sql") && version > 0;
    if (!named) Fail("migrations.bad_name", "migration file " + std::string(name) + " is not named NNNN_name.sql");
    migrations.push_back({version, name, file.content});
  }
  std::sort(migrations.begin(), migrations.end(),
            [](const Migration& a, const Migration& b) { return a.version < b.version; });
  for (std::size_t i = 1; i < migrations.size(); ++i) {
    if (migrations[i].version == migrations[i - 1].version) {
      Fail("migrations.duplicate_version", "two migration files have number " + std::to_string(migrations[i].version));
    }
  }
  return migrations;
}

}  // namespace

boost::asio::awaitable<int> Migrate(Pool& pool, std::string_view scope, const std::vector<EmbeddedFile>& files) {
  const std::vector<Migration> migrations = Sorted(files);
  Transaction tx = co_await pool.Begin();
  // The lock comes first: two sessions running CREATE TABLE IF NOT EXISTS at once can still collide.
  co_await tx.Execute(kLock, Params().Add(LockKey(scope)));
  co_await tx.ExecuteScript(kCreateTable);
  std::map<int, std::string> applied;
  const Result rows = co_await tx.Execute(kApplied);
  for (int i = 0; i < rows.size(); ++i) {
    applied.emplace(static_cast<int>(rows[i].Int(0)), std::string(rows[i].Text(2)));
  }
  int count = 0;
  for (const Migration& migration : migrations) {
    const std::string checksum = Sha256Hex(migration.content);
    if (auto it = applied.find(migration.version); it != applied.end()) {
      if (it->second != checksum) {
        Fail("migrations.checksum_mismatch",
             "migration " + std::string(migration.name) + " was changed after it had been applied");
      }
      continue;
    }
    co_await tx.ExecuteScript(migration.content);
    co_await tx.Execute(kRecord, Params().Add(migration.version).Add(migration.name).Add(checksum));
    ++count;
  }
  co_await tx.Commit();
  co_return count;
}

}  // namespace comptoir::pg
