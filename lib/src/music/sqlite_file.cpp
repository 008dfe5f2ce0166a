#include "sqlite_file.hpp"

#include <sqlite3.h>

#include <system_error>

#include "emomusic/core/error.hpp"
#include "emomusic/core/file_error.hpp"
#include "emomusic/core/output_files.hpp"

namespace emomusic::music::detail {
namespace fs = std::filesystem;

SqliteFile::SqliteFile(const fs::path& path, Mode mode, int busy_timeout_ms, SqliteKind kind)
    : path_(path), kind_(std::move(kind)) {
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) throw_file_error(path, "open", ec.value());
  if (mode == Mode::kReadOnly && !fs::exists(status)) {
    throw InputError(kind_.name + " " + quote_path(path) + " does not exist");
  }
  // SQLite would read /dev/null as an empty database and fail at the first write; a database
  // is a regular file, and a new one is made in a folder that exists.
  if (fs::exists(status) && !fs::is_regular_file(status)) {
    throw InputError(kind_.name + " " + quote_path(path) + " is not a regular file");
  }
  if (mode == Mode::kReadWrite) prepare_output_folder(path);
  const int flags =
      mode == Mode::kReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  // SQLite reads the name ":memory:" as "no file": a file of that name is opened as a file.
  const std::string name = path == ":memory:" ? "./:memory:" : path.string();
  const int rc = sqlite3_open_v2(name.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    const std::string why = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw InputError("cannot open " + kind_.name + " " + quote_path(path) + ": " + why);
  }
  sqlite3_busy_timeout(db_, busy_timeout_ms);
}

SqliteFile::SqliteFile(SqliteKind kind) : kind_(std::move(kind)) {
  const int rc =
      sqlite3_open_v2(":memory:", &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw Error(ErrorKind::kInternal,
                "cannot open a " + kind_.name + " in memory: " + sqlite3_errstr(rc));
  }
}

SqliteFile::~SqliteFile() {
  sqlite3_close(db_);
}

long long SqliteFile::open_schema(Mode mode, const char* schema, int version,
                                  std::initializer_list<const char*> tables,
                                  const std::vector<const char*>& upgrades) {
  const auto read_version = [&] {
    SqliteStatement s(*this, "PRAGMA user_version");
    s.step("read");
    return s.integer(0);
  };
  const auto require_tables = [&] {
    for (const char* table : tables) {
      SqliteStatement has(*this, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1");
      has.bind(1, std::string(table));
      if (!has.step("read")) {
        throw InputError(path_.string() + " is a SQLite database but not an emomusic " +
                         kind_.name + " (it has no " + table + " table)");
      }
    }
  };
  long long found = read_version();
  if (found > version) {
    // Another kind of emomusic file (a catalog opened as a history) may be at a higher version:
    // it is not ours, rather than too new.
    require_tables();
    throw InputError(kind_.name + " " + path_.string() + " has schema version " +
                     std::to_string(found) + "; this emomusic reads up to " +
                     std::to_string(version) + " (upgrade emomusic)");
  }
  if (mode == Mode::kReadWrite && found < version) {
    SqliteTransaction transaction(*this);
    // Read again under the write lock: another process may have created or upgraded the schema
    // meanwhile.
    found = read_version();
    if (found == 0) {
      // Only an empty database becomes ours: another program's database gets no table.
      bool has_tables = false;
      {
        SqliteStatement any_table(*this, "SELECT 1 FROM sqlite_master");
        has_tables = any_table.step("read");
      }
      if (has_tables) {
        throw InputError(path_.string() + " is a SQLite database but not an emomusic " +
                         kind_.name + " (it holds other tables); " + kind_.if_not_ours);
      }
      exec(schema);
    } else {
      require_tables();  // an upgrade alters only tables that are there
      for (long long v = found; v < version; ++v)
        exec(upgrades.at(static_cast<std::size_t>(v - 1)));
    }
    if (found < version) {
      exec(("PRAGMA user_version = " + std::to_string(version)).c_str());
      found = version;
    }
    transaction.commit();
  }
  require_tables();
  return found;
}

void SqliteFile::exec(const char* sql) const {
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) fail(rc, "write");
}

void SqliteFile::fail(int rc, const std::string& doing) const {
  const std::string where = kind_.name + " " + quote_path(path_);
  const std::string detail = sqlite3_errmsg(db_);
  // The one place where SQLite's result codes become error kinds: a file or value that cannot be
  // used is bad input, a full or failing disk an unavailable resource.
  switch (rc & 0xff) {
    case SQLITE_NOTADB:
      throw InputError(quote_path(path_) + " is not a SQLite database (" + detail + "); name a " +
                       kind_.name + " file made by emomusic");
    case SQLITE_CORRUPT:
      throw InputError(where + " is corrupt (" + detail + "); " + kind_.if_corrupt);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      throw UnavailableError(where + " is locked by another process (" + kind_.if_busy +
                             "); try again when it has finished");
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      throw InputError(where + ": cannot " + doing + " it (" + detail + ")");
    case SQLITE_TOOBIG:
    case SQLITE_RANGE:
      throw InputError(where + ": cannot " + doing + " it: a value is too large (" + detail + ")");
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_NOMEM:
      throw UnavailableError(where + ": cannot " + doing + " it (" + detail +
                             "); is the disk full or failing?");
    default:
      throw Error(ErrorKind::kInternal, where + ": " + doing + " failed: " + detail);
  }
}

SqliteStatement::SqliteStatement(const SqliteFile& file, const char* sql) : file_(file) {
  const int rc = sqlite3_prepare_v2(file.handle(), sql, -1, &stmt_, nullptr);
  if (rc != SQLITE_OK) file.fail(rc, "read");
}

SqliteStatement::~SqliteStatement() {
  sqlite3_finalize(stmt_);
}

void SqliteStatement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

void SqliteStatement::bind(int i, const std::string& v) {
  sqlite3_bind_text(stmt_, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}
void SqliteStatement::bind(int i, long long v) {
  sqlite3_bind_int64(stmt_, i, v);
}
void SqliteStatement::bind(int i, double v) {
  sqlite3_bind_double(stmt_, i, v);
}
void SqliteStatement::bind_null(int i) {
  sqlite3_bind_null(stmt_, i);
}

bool SqliteStatement::step(const char* doing) {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  file_.fail(rc, doing);
}

bool SqliteStatement::is_null(int col) const {
  return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}
std::string SqliteStatement::text(int col) const {
  const auto* p = sqlite3_column_text(stmt_, col);
  return p ? reinterpret_cast<const char*>(p) : "";
}
long long SqliteStatement::integer(int col) const {
  return sqlite3_column_int64(stmt_, col);
}
double SqliteStatement::real(int col) const {
  return sqlite3_column_double(stmt_, col);
}

SqliteTransaction::SqliteTransaction(const SqliteFile& file) : file_(file) {
  file_.exec("BEGIN IMMEDIATE");
}
SqliteTransaction::~SqliteTransaction() {
  if (!done_) sqlite3_exec(file_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}
void SqliteTransaction::commit() {
  file_.exec("COMMIT");
  done_ = true;
}

}  // namespace emomusic::music::detail
