// Opens a pool on a SQLite file, builds a SELECT with a bound parameter,
// compiles it for SQLite and iterates the typed rows. No Python involved.
#include <cormorant/driver/sqlite/sqlite_connection.hpp>
#include <cormorant/pool/pool.hpp>
#include <cormorant/result/row_batch.hpp>
#include <cormorant/sql/builder.hpp>
#include <cormorant/sql/compiler.hpp>
#include <cormorant/sql/statement.hpp>
#include <iostream>
#include <string>
#include <vector>

namespace driver = cormorant::driver;
namespace sql = cormorant::sql;

int main(int argc, char** argv) {
    const std::string path = argc > 1 ? argv[1] : "example.db";
    cormorant::pool::Pool pool([path] { return driver::sqlite::connect({.path = path}); }, {});

    auto lease = pool.checkout();
    driver::Connection& conn = lease->connection();
    conn.execute("DROP TABLE IF EXISTS users", {});
    conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50), score REAL)", {});
    std::vector<driver::Param> rows;
    const char* names[] = {"ann", "bob", "cid", "dee"};
    for (int i = 0; i < 4; ++i) {
        rows.push_back(driver::Param::text(names[i]));
        rows.push_back(driver::Param::from_real(10.5 * (i + 1)));
    }
    conn.execute_many("INSERT INTO users (name, score) VALUES (?, ?)", rows, 2);

    auto stmt = sql::select({sql::column("users", "id"), sql::column("users", "name"),
                             sql::column("users", "score")})
                    .from(sql::table("users"))
                    .where(sql::gt(sql::column("users", "score"), sql::bind("min_score")))
                    .order_by({sql::column("users", "id")});
    sql::Compiled compiled = sql::compile(stmt, sql::Dialect::SQLite);
    std::cout << compiled.sql << "\n";

    driver::Param min_score = driver::Param::from_real(15.0);
    auto cursor = conn.execute(compiled.sql, {&min_score, 1});
    cormorant::result::RowBatch batch(cursor->column_names().size());
    int seen = 0;
    while (cursor->fetch(batch, 64) > 0) {
        for (std::size_t r = 0; r < batch.rows(); ++r, ++seen) {
            std::cout << batch.as_integer(r, 0) << " " << batch.as_text(r, 1) << " "
                      << batch.as_real(r, 2) << "\n";
        }
        batch.reset(cursor->column_names().size());
    }
    cursor.reset();
    pool.checkin(lease);
    if (seen != 3) {
        std::cerr << "expected 3 rows, got " << seen << "\n";
        return 1;
    }
    return 0;
}
