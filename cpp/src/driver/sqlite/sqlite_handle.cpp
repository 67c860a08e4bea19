// SqliteHandle lifetime, statement leases, parameter binding and stepping.
#include "sqlite_handle.hpp"

#include <sqlite3.h>

#include <string>

#include "sqlite_error.hpp"

namespace cormorant::driver::sqlite {

namespace {

constexpr char kEmpty[] = "";

void check_count(const StatementLease& lease, std::size_t given) {
    const auto expected = static_cast<std::size_t>(sqlite3_bind_parameter_count(lease.stmt()));
    if (expected == given) return;
    Error err(ErrorKind::Programming,
              "Incorrect number of bindings supplied. The current statement uses " +
                  std::to_string(expected) + ", and there are " + std::to_string(given) +
                  " supplied.");
    err.set_statement(std::string(lease.sql()));
    throw err;
}

int bind_one(sqlite3_stmt* stmt, int index, const Param& p, sqlite3_destructor_type lifetime) {
    const char* data = p.bytes.data() != nullptr ? p.bytes.data() : kEmpty;
    const auto size = static_cast<sqlite3_uint64>(p.bytes.size());
    switch (p.type) {
        case ValueType::Null:
            return sqlite3_bind_null(stmt, index);
        case ValueType::Integer:
        case ValueType::Boolean:
            return sqlite3_bind_int64(stmt, index, p.integer);
        case ValueType::Real:
            return sqlite3_bind_double(stmt, index, p.real);
        case ValueType::Text:
            return sqlite3_bind_text64(stmt, index, data, size, lifetime, SQLITE_UTF8);
        case ValueType::Blob:
            return sqlite3_bind_blob64(stmt, index, data, size, lifetime);
        default:
            break;  // parameters never carry the decoded-only types
    }
    return SQLITE_MISUSE;
}

}  // namespace

sqlite3* StatementLease::db() const noexcept { return owner_->db; }

void StatementLease::release() noexcept {
    if (!owner_) return;
    if (owner_->closed()) {
        owner_->cache.discard(slot_);
    } else {
        owner_->cache.release(slot_);
    }
    owner_.reset();
}

StatementLease SqliteHandle::acquire(std::string_view sql) {
    if (closed()) throw_closed(sql);
    return StatementLease(shared_from_this(), cache.acquire(db, sql));
}

void SqliteHandle::close() noexcept {
    if (db == nullptr) return;
    cache.clear();
    sqlite3_close_v2(db);  // becomes a zombie until held statements are finalized
    db = nullptr;
}

void bind_params(const StatementLease& lease, std::span<const Param> params, bool copy) {
    check_count(lease, params.size());
    sqlite3_stmt* stmt = lease.stmt();
    const sqlite3_destructor_type lifetime = copy ? SQLITE_TRANSIENT : SQLITE_STATIC;
    for (std::size_t i = 0; i < params.size(); ++i) {
        const int rc = bind_one(stmt, static_cast<int>(i + 1), params[i], lifetime);
        if (rc != SQLITE_OK) throw_error(lease.db(), rc, lease.sql());
    }
}

bool step(const StatementLease& lease) {
    const int rc = sqlite3_step(lease.stmt());
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    if (Cooperation* c = lease.owner().cooperation.get()) c->rethrow_abandoned();
    throw_error(lease.db(), rc, lease.sql());
}

}  // namespace cormorant::driver::sqlite
