#include "comptoir/testing/pg.hpp"

#include <atomic>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <random>
#include <stdexcept>

#include <libpq-fe.h>
#include <unistd.h>

#ifndef COMPTOIR_TEST_STATE_DIR
#error "COMPTOIR_TEST_STATE_DIR must name the fixtures' state directory"
#endif
#ifndef COMPTOIR_FIXTURES_DIR
#error "COMPTOIR_FIXTURES_DIR must name tests/fixtures"
#endif

namespace comptoir::testing {
namespace {

int ReadPort(const std::filesystem::path& file, std::string_view what) {
  std::ifstream in(file);
  int port = 0;
  if (!(in >> port) || port <= 0) {
    throw std::runtime_error(std::string(what) + " is not running: no port in " + file.string() +
                             " (run the tests with ctest, which starts the fixtures)");
  }
  return port;
}

std::string Quote(const std::string& arg) {
  std::string out = "'";
  for (char c : arg) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

void RunScript(const std::string& script, std::string_view action, const std::filesystem::path& state_dir) {
  const std::string command = Quote(std::string(COMPTOIR_FIXTURES_DIR) + "/" + script) + " " +
                              Quote(std::string(action)) + " " + Quote(state_dir.string());
  const int status = std::system(command.c_str());
  if (status != 0) throw std::runtime_error("fixture command failed: " + command);
}

using ConnPtr = std::unique_ptr<PGconn, decltype(&PQfinish)>;
using ResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;

ConnPtr Connect(const std::string& conninfo) {
  ConnPtr conn(PQconnectdb(conninfo.c_str()), &PQfinish);
  if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
    throw std::runtime_error("cannot connect to " + conninfo + ": " +
                             (conn ? PQerrorMessage(conn.get()) : "out of memory"));
  }
  PQsetNoticeProcessor(
      conn.get(), [](void*, const char*) {}, nullptr);
  return conn;
}

}  // namespace

std::filesystem::path StateDir() {
  return COMPTOIR_TEST_STATE_DIR;
}

int PgPort(const std::filesystem::path& state_dir) {
  return ReadPort(state_dir / "pg" / "port", "test PostgreSQL");
}

std::string PgAdminConninfo(const std::filesystem::path& state_dir) {
  return "host=127.0.0.1 port=" + std::to_string(PgPort(state_dir)) + " user=postgres dbname=postgres";
}

std::string CreateDatabase(std::string_view prefix, const std::filesystem::path& state_dir) {
  static std::atomic<int> counter{0};
  std::string name;
  for (char c : prefix) {
    const auto u = static_cast<unsigned char>(c);
    name += std::isalnum(u) != 0 ? static_cast<char>(std::tolower(u)) : '_';
  }
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front())) != 0) name.insert(0, "t_");
  name = name.substr(0, 40);
  std::random_device random;
  name += "_" + std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" + std::to_string(random() % 100000);
  RunSql(PgAdminConninfo(state_dir), "CREATE DATABASE " + name);
  return "host=127.0.0.1 port=" + std::to_string(PgPort(state_dir)) + " user=postgres dbname=" + name;
}

void RunSql(const std::string& conninfo, const std::string& sql) {
  ConnPtr conn = Connect(conninfo);
  ResultPtr result(PQexec(conn.get(), sql.c_str()), &PQclear);
  const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    throw std::runtime_error("SQL failed: " + sql + ": " + PQerrorMessage(conn.get()));
  }
}

std::string QueryValue(const std::string& conninfo, const std::string& sql) {
  ConnPtr conn = Connect(conninfo);
  ResultPtr result(PQexec(conn.get(), sql.c_str()), &PQclear);
  if (!result || PQresultStatus(result.get()) != PGRES_TUPLES_OK) {
    throw std::runtime_error("SQL failed: " + sql + ": " + PQerrorMessage(conn.get()));
  }
  if (PQntuples(result.get()) == 0 || PQgetisnull(result.get(), 0, 0) != 0) return {};
  return PQgetvalue(result.get(), 0, 0);
}

void PgCtl(std::string_view action, const std::filesystem::path& state_dir) {
  if (action == "stop") {
    RunScript("pg.sh", "restart-stop", state_dir);
  } else if (action == "start") {
    RunScript("pg.sh", "restart-start", state_dir);
  } else {
    throw std::invalid_argument("PgCtl: action is stop or start, not " + std::string(action));
  }
}

PgCluster::PgCluster(std::string_view name)
    : state_dir_(StateDir() / ("cluster-" + std::string(name) + "-" + std::to_string(getpid()))) {
  RunScript("pg.sh", "start", state_dir_);
}

PgCluster::~PgCluster() {
  try {
    RunScript("pg.sh", "stop", state_dir_);
    std::filesystem::remove_all(state_dir_);
  } catch (...) {
    // a test's cleanup must not terminate the run
  }
}

int RedisPort(const std::filesystem::path& state_dir) {
  return ReadPort(state_dir / "redis" / "port", "test Redis");
}

}  // namespace comptoir::testing
