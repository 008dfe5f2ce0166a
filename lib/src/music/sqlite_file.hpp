#pragma once
// One connection to one of emomusic's own SQLite files (the catalog, the mood history): opening
// and creating it, the schema version, refusing other programs' databases, and SQLite's error
// codes turned into emomusic errors that name the file. Internal to the music area.

#include <filesystem>
#include <initializer_list>
#include <string>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace emomusic::music::detail {

/// How a kind of file is named in messages, and what its errors advise.
struct SqliteKind {
  std::string name;         ///< "catalog", "mood history"
  std::string if_corrupt;   ///< e.g. "re-import it into a new file"
  std::string if_busy;      ///< e.g. "an import still running?"
  std::string if_not_ours;  ///< e.g. "give a new file name for the catalog"
};

class SqliteFile {
 public:
  enum class Mode { kReadOnly, kReadWrite };

  /// Opens `path` (kReadWrite: creating it and its folder). Throws InputError for a missing file
  /// (kReadOnly) or one SQLite cannot open. Not thread-safe: callers serialise.
  SqliteFile(const std::filesystem::path& path, Mode mode, int busy_timeout_ms, SqliteKind kind);
  /// A new, empty database in memory only, gone with this object; path() is empty.
  explicit SqliteFile(SqliteKind kind);
  ~SqliteFile();
  SqliteFile(const SqliteFile&) = delete;
  SqliteFile& operator=(const SqliteFile&) = delete;

  sqlite3* handle() const { return db_; }
  const std::filesystem::path& path() const { return path_; }

  /// Opens the schema: reads its version (the first read is where SQLite notices a file that is
  /// not a database, or a lock), refuses one newer than `version`, creates `schema` in an empty
  /// file (kReadWrite; a database holding other tables gets none of ours), and requires `tables`.
  /// In kReadWrite an older file is brought up to `version` by `upgrades`, where upgrades[i]
  /// takes version i + 1 to i + 2; a kReadOnly open leaves it as it is. Returns the version the
  /// file now has, so that a reader of an older one knows which columns it lacks.
  long long open_schema(Mode mode, const char* schema, int version,
                        std::initializer_list<const char*> tables,
                        const std::vector<const char*>& upgrades = {});

  void exec(const char* sql) const;
  /// Throws the emomusic error for SQLite result `rc` while `doing` ("read", "write").
  [[noreturn]] void fail(int rc, const std::string& doing) const;

 private:
  std::filesystem::path path_;
  SqliteKind kind_;
  sqlite3* db_ = nullptr;
};

/// A prepared statement, finalised however the scope is left.
class SqliteStatement {
 public:
  SqliteStatement(const SqliteFile& file, const char* sql);
  ~SqliteStatement();
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  /// Ready to run again with new bindings.
  void reset();
  void bind(int i, const std::string& v);
  void bind(int i, long long v);
  void bind(int i, long v) { bind(i, static_cast<long long>(v)); }
  void bind(int i, int v) { bind(i, static_cast<long long>(v)); }
  void bind(int i, double v);
  void bind_null(int i);
  /// true while there is a row; throws on error.
  bool step(const char* doing);

  bool is_null(int col) const;
  std::string text(int col) const;
  long long integer(int col) const;
  double real(int col) const;

 private:
  const SqliteFile& file_;
  sqlite3_stmt* stmt_ = nullptr;
};

/// All-or-nothing. BEGIN IMMEDIATE takes the write lock at once, so a second writer waits for it
/// (busy timeout) instead of failing when it tries to upgrade a read lock half-way through.
class SqliteTransaction {
 public:
  explicit SqliteTransaction(const SqliteFile& file);
  ~SqliteTransaction();
  SqliteTransaction(const SqliteTransaction&) = delete;
  SqliteTransaction& operator=(const SqliteTransaction&) = delete;
  void commit();

 private:
  const SqliteFile& file_;
  bool done_ = false;
};

}  // namespace emomusic::music::detail
