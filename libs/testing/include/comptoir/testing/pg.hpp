#pragma once
#include <filesystem>
#include <string>
#include <string_view>

namespace comptoir::testing {

/// Directory where the CTest fixtures keep their servers (`<build>/testdata`).
std::filesystem::path StateDir();

/// Port of the shared test PostgreSQL started by the "pg" fixture (tests/fixtures/pg.sh); throws if it is not running.
int PgPort(const std::filesystem::path& state_dir = StateDir());
/// Superuser conninfo for the maintenance database of the test cluster.
std::string PgAdminConninfo(const std::filesystem::path& state_dir = StateDir());
/// Creates a fresh, uniquely named database (name starts with `prefix`) and returns its conninfo, so that
/// tests share no state.
std::string CreateDatabase(std::string_view prefix, const std::filesystem::path& state_dir = StateDir());
/// Runs SQL with blocking libpq (test set-up and checks only); throws std::runtime_error on failure.
void RunSql(const std::string& conninfo, const std::string& sql);
/// First column of the first row of `sql`, or "" when it returns no row or NULL.
std::string QueryValue(const std::string& conninfo, const std::string& sql);
/// Stops ("stop") or starts again ("start") the test cluster, keeping its data and port (restart tests).
/// The shared cluster is used by tests running in parallel: prefer a private PgCluster to restart one.
void PgCtl(std::string_view action, const std::filesystem::path& state_dir = StateDir());

/// A private PostgreSQL cluster, for tests that stop and start the server: created in the constructor
/// (a fresh initdb on a free port, about a second), removed in the destructor.
class PgCluster {
 public:
  explicit PgCluster(std::string_view name);
  ~PgCluster();
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;

  [[nodiscard]] const std::filesystem::path& state_dir() const noexcept { return state_dir_; }
  [[nodiscard]] std::string AdminConninfo() const { return PgAdminConninfo(state_dir_); }
  [[nodiscard]] std::string CreateDatabase(std::string_view prefix) const {
    return testing::CreateDatabase(prefix, state_dir_);
  }
  void Stop() { PgCtl("stop", state_dir_); }
  void Start() { PgCtl("start", state_dir_); }

 private:
  std::filesystem::path state_dir_;
};

/// Port of the shared test Redis started by the "redis" fixture (tests/fixtures/redis.sh).
int RedisPort(const std::filesystem::path& state_dir = StateDir());

}  // namespace comptoir::testing
