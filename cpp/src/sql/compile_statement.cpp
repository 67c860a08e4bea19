// Compiling statements (SELECT, compound, INSERT, UPDATE, DELETE, DDL, savepoints)
// and FROM items.
#include <string>

#include "compiler_impl.hpp"
#include "cormorant/error.hpp"
#include "cormorant/schema/ddl.hpp"

namespace cormorant::sql::detail {
namespace {

bool has_items(const Node* list) { return list && !list->children.empty(); }

bool has_order_or_limit(const Node& select) {
    return has_items(select.child(kOrderBy)) || select.child(kLimit) || select.child(kOffset);
}

}  // namespace

// --- SELECT and compounds ------------------------------------------------------------------
void Compiler::selectable(const Node& n) {
    if (n.kind == Kind::Select) return select(n);
    if (n.kind == Kind::Compound) return compound(n);
    if (n.kind == Kind::Text) return text(n);
    if (n.kind == Kind::With) return with_(n);
    if (n.kind == Kind::Affixed) return affixed(n);
    throw Error(ErrorKind::Programming,
                "expected a select, got '" + std::string(kind_name(n.kind)) + "'");
}

void Compiler::parenthesised_selectable(const Node& n) {
    out("(");
    selectable(n);
    out(")");
}

void Compiler::select(const Node& n) {
    if (n.children.size() != kSelectSlots)
        throw Error(ErrorKind::Programming, "malformed select node");
    const Node& cols = need(n.child(kColumns), "select columns");
    if (cols.children.empty()) throw Error(ErrorKind::Programming, "select has no columns");
    out("SELECT ");
    write_prefixes();
    if (n.has(flag::distinct)) out("DISTINCT ");
    labelled_columns(cols);
    if (has_items(n.child(kFroms))) {
        clause("FROM");
        bool first = true;
        for (const auto& f : n.child(kFroms)->children) {
            if (!first) out(", ");
            first = false;
            from_item(need(f.get(), "FROM item"));
        }
    }
    if (const Node* cond = n.child(kWhere)) {
        clause("WHERE");
        expr(*cond);
    }
    if (has_items(n.child(kGroupBy))) {
        out(" GROUP BY ");
        list(*n.child(kGroupBy));
    }
    if (const Node* having = n.child(kHaving)) {
        clause("HAVING");
        expr(*having);
    }
    order_limit_offset(n.child(kOrderBy), n.child(kLimit), n.child(kOffset));
    if (const Node* fu = n.child(kForUpdate)) for_update(*fu);
}

// Columns of a SELECT or RETURNING: labels render as "expr AS name".
void Compiler::labelled_columns(const Node& list_node) {
    bool first = true;
    for (const auto& item : list_node.children) {
        if (!first) out(", ");
        first = false;
        const Node& col = need(item.get(), "column");
        expr(col);
        if (col.kind == Kind::Label) {
            out(" AS ");
            ident(col.name);
        }
    }
}

void Compiler::where(const Node* cond) {
    if (!cond) return;
    out(" WHERE ");
    expr(*cond);
}

void Compiler::order_limit_offset(const Node* order_by, const Node* limit, const Node* offset) {
    if (has_items(order_by)) {
        out(" ORDER BY ");
        list(*order_by);
    }
    // SQLAlchemy breaks the line before LIMIT (or a lone OFFSET) when it shows a statement.
    std::string_view lead = display_ ? "\n " : " ";
    if (limit) {
        out(lead);
        out("LIMIT ");
        expr(*limit);
    }
    if (offset) {
        if (!limit && dialect_ == Dialect::SQLite) {
            out(lead);
            out("LIMIT -1 ");
        } else {
            out(limit ? " " : lead);
        }
        out("OFFSET ");
        expr(*offset);
    }
}

void Compiler::for_update(const Node& n) {
    if (dialect_ == Dialect::SQLite) return;  // SQLite locks the whole database
    out(n.has(flag::read) ? " FOR SHARE" : " FOR UPDATE");
    if (!n.names.empty()) {
        out(" OF ");
        identifiers(n.names);
    }
    if (n.has(flag::nowait))
        out(" NOWAIT");
    else if (n.has(flag::skip_locked))
        out(" SKIP LOCKED");
}

void Compiler::compound(const Node& n) {
    const Node& members = need(n.child(0), "compound members");
    if (members.children.empty()) throw Error(ErrorKind::Programming, "compound has no selects");
    bool first = true;
    for (const auto& m : members.children) {
        if (!first) out(" " + n.name + " ");
        first = false;
        compound_member(need(m.get(), "compound member"));
    }
    order_limit_offset(n.child(1), n.child(2), n.child(3));
}

// A member with its own ORDER BY / LIMIT, or a nested compound, is grouped:
// in parentheses on PostgreSQL, as a subquery on SQLite (which rejects them).
void Compiler::compound_member(const Node& n) {
    bool group = n.kind == Kind::Compound || (n.kind == Kind::Select && has_order_or_limit(n));
    if (!group) return selectable(n);
    out(dialect_ == Dialect::SQLite ? "SELECT * FROM (" : "(");
    selectable(n);
    out(")");
}

// --- FROM items -----------------------------------------------------------------------------
void Compiler::from_item(const Node& n) {
    switch (n.kind) {
        case Kind::Table:
            ident(n.name);
            if (!n.qualifier.empty()) {
                out(" AS ");
                ident(n.qualifier);
            }
            return;
        case Kind::Join: {
            from_item(need(n.child(0), "join left side"));
            if (n.has(flag::full))
                out(" FULL OUTER JOIN ");
            else
                out(n.has(flag::outer) ? " LEFT OUTER JOIN " : " JOIN ");
            const Node& right = need(n.child(1), "join right side");
            if (right.kind == Kind::Join) out("(");
            from_item(right);
            if (right.kind == Kind::Join) out(")");
            out(" ON ");
            return expr(need(n.child(2), "join ON clause"));
        }
        case Kind::Subquery:
            if (n.has(flag::lateral)) out("LATERAL ");
            parenthesised_selectable(need(n.child(0), "subquery select"));
            out(" AS ");
            return ident(n.name);
        case Kind::Text:
            return text(n);
        case Kind::Select:
        case Kind::Compound:
            return parenthesised_selectable(n);
        case Kind::Values:
            return values(n);
        case Kind::TableSample:
            return tablesample(n);
        case Kind::TableValued:
            return table_valued(n);
        default:
            throw Error(ErrorKind::Programming,
                        "'" + std::string(kind_name(n.kind)) + "' is not a FROM item");
    }
}

// (VALUES (..), (..)) AS name (columns). SQLite takes no column list after a
// derived table's name, so there the VALUES' own columns (column1, ...) are
// renamed in a SELECT around it.
void Compiler::values(const Node& n) {
    if (n.name.empty() || dialect_ == Dialect::PostgreSQL) {
        out("(");
        values_rows(n);
        out(")");
    } else {
        out("(SELECT ");
        for (std::size_t i = 0; i < n.names.size(); ++i) {
            if (i) out(", ");
            out("column" + std::to_string(i + 1) + " AS ");
            ident(n.names[i]);
        }
        out(" FROM (");
        values_rows(n);
        out("))");
    }
    if (n.name.empty()) return;
    out(" AS ");
    ident(n.name);
    if (dialect_ == Dialect::SQLite) return;
    out(" ");
    identifier_list(n.names);
}

// f(...) AS alias, or f(...) AS alias(c TYPE, ...) with its derived columns.
void Compiler::table_valued(const Node& n) {
    expr(need(n.child(0), "table-valued function"));
    out(" AS ");
    ident(n.name);
    if (!n.has(flag::derived)) return;
    out("(");
    for (std::size_t i = 1; i < n.children.size(); ++i) {
        const Node& col = need(n.child(i), "derived column");
        if (i > 1) out(", ");
        ident(col.name);
        if (col.type) {
            out(" ");
            out(schema::render_type(*col.type, dialect_));
        }
    }
    out(")");
}

void Compiler::values_rows(const Node& n) {
    out("VALUES ");
    bool first = true;
    for (const auto& row : n.children) {
        if (!first) out(", ");
        first = false;
        out("(");
        list(need(row.get(), "VALUES row"));
        out(")");
    }
}

// table AS name TABLESAMPLE method(...) [REPEATABLE (seed)]
void Compiler::tablesample(const Node& n) {
    ident(need(n.child(0), "sampled table").name);
    out(" AS ");
    ident(n.name);
    out(" TABLESAMPLE ");
    expr(need(n.child(1), "sampling method"));
    if (const Node* seed = n.child(2)) {
        out(" REPEATABLE (");
        expr(*seed);
        out(")");
    }
}

// --- WITH -----------------------------------------------------------------------------------
// WITH [RECURSIVE] name[(columns)] AS (select), ... statement
void Compiler::with_(const Node& n) {
    out(n.has(flag::recursive) ? "WITH RECURSIVE " : "WITH ");
    bool first = true;
    for (const auto& item : need(n.child(0), "CTE list").children) {
        const Node& cte = need(item.get(), "CTE");
        if (!first) out(display_ ? ", \n" : ", ");
        first = false;
        ident(cte.name);
        if (!cte.names.empty()) {
            identifier_list(cte.names);
        }
        out(display_ ? " AS \n" : " AS ");  // shown: SQLAlchemy's line breaks around the bodies
        parenthesised_selectable(need(cte.child(0), "CTE body"));
    }
    out(display_ ? "\n " : " ");
    root(need(n.child(1), "statement after WITH"));
}

// --- prefix_with() / suffix_with() -----------------------------------------------------------
void Compiler::affixed(const Node& n) {
    prefixes_ = n.names.at(0);
    root(need(n.child(0), "prefixed statement"));
    prefixes_.clear();
    if (!n.names.at(1).empty()) {
        out(" ");
        out(n.names[1]);
    }
}

void Compiler::write_prefixes() {
    if (prefixes_.empty()) return;
    out(prefixes_);
    out(" ");
    prefixes_.clear();
}

// --- INSERT / UPDATE / DELETE ----------------------------------------------------------------
// Insert children: {rows, returning, on_conflict}
void Compiler::insert(const Node& n) {
    out("INSERT ");
    write_prefixes();
    out("INTO ");
    ident(n.name);
    insert_values(n);
    if (const Node* oc = n.child(2)) on_conflict(*oc);
    returning(n.child(1));
}

void Compiler::insert_values(const Node& n) {
    if (const Node* select = n.child(3)) return insert_select(n, *select);
    const Node& rows = need(n.child(0), "insert rows");
    if (n.names.empty() && rows.children.empty()) return out(" DEFAULT VALUES");
    if (rows.children.empty())
        throw Error(ErrorKind::Programming, "insert into '" + n.name + "' has columns but no rows");
    out(" ");
    identifier_list(n.names);
    out(" VALUES ");
    bool first = true;
    for (const auto& row : rows.children) {
        const Node& r = need(row.get(), "insert row");
        if (r.children.size() != n.names.size())
            throw Error(ErrorKind::Programming, "insert into '" + n.name + "': row has " +
                                                    std::to_string(r.children.size()) +
                                                    " values for " +
                                                    std::to_string(n.names.size()) + " columns");
        if (!first) out(", ");
        first = false;
        bool one_row = rows.children.size() == 1;
        if (one_row) open_values_group();
        out("(");
        list(r);
        out(")");
        if (one_row) close_values_group();
    }
}

// INSERT INTO t (a, b) SELECT ...: the select's columns fill the named columns in order.
void Compiler::insert_select(const Node& n, const Node& select) {
    if (!n.names.empty()) {
        out(" ");
        identifier_list(n.names);
    }
    out(" ");
    selectable(select);
}

// UPDATE ... FROM / DELETE ... USING: the other tables the WHERE names.
void Compiler::extra_froms(const Node* froms, const char* keyword) {
    if (!has_items(froms)) return;
    out(keyword);
    bool first = true;
    for (const auto& f : froms->children) {
        if (!first) out(", ");
        first = false;
        from_item(need(f.get(), "FROM item"));
    }
}

// OnConflict: names = index columns, children = {assignments, where}. PostgreSQL
// needs the conflict target for DO UPDATE (SQLite may infer it).
void Compiler::on_conflict(const Node& n) {
    if (n.has(flag::do_update) && n.names.empty() && dialect_ == Dialect::PostgreSQL)
        throw Error(ErrorKind::Programming,
                    "ON CONFLICT DO UPDATE needs conflict (index) columns on PostgreSQL");
    out(" ON CONFLICT");
    if (!n.names.empty()) {
        out(" ");
        identifier_list(n.names);
    }
    if (!n.has(flag::do_update)) return out(" DO NOTHING");
    out(" DO UPDATE SET ");
    assignments(need(n.child(0), "ON CONFLICT assignments"));
    where(n.child(1));
}

void Compiler::assignments(const Node& list_node) {
    if (list_node.children.empty()) throw Error(ErrorKind::Programming, "SET without assignments");
    bool first = true;
    for (const auto& a : list_node.children) {
        const Node& assign = need(a.get(), "assignment");
        if (!first) out(", ");
        first = false;
        ident(assign.name);
        out(display_ ? "=" : " = ");
        expr(need(assign.child(0), "assigned value"));
    }
}

void Compiler::returning(const Node* list_node) {
    if (!has_items(list_node)) return;
    out(" RETURNING ");
    labelled_columns(*list_node);
}

// Update children: {assignments, where, returning}
void Compiler::update(const Node& n) {
    out("UPDATE ");
    write_prefixes();
    ident(n.name);
    out(" SET ");
    assignments(need(n.child(0), "update assignments"));
    extra_froms(n.child(3), " FROM ");
    where(n.child(1));
    returning(n.child(2));
}

// Delete children: {where, returning}
void Compiler::delete_(const Node& n) {
    out("DELETE ");
    write_prefixes();
    out("FROM ");
    ident(n.name);
    if (has_items(n.child(2)) && dialect_ == Dialect::SQLite)
        throw Error(ErrorKind::NotSupported,
                    "This backend does not support multiple-table criteria within DELETE");
    extra_froms(n.child(2), " USING ");
    where(n.child(0));
    returning(n.child(1));
}

// --- DDL ------------------------------------------------------------------------------------
void Compiler::ddl(const Node& n) {
    bool if_exists = n.has(flag::if_exists);
    // Shown as SQLAlchemy shows them: CREATE/DROP TABLE and DROP INDEX on a line of their own.
    bool display = display_ != nullptr;
    if (display &&
        (n.kind == Kind::CreateTable || n.kind == Kind::DropTable || n.kind == Kind::DropIndex))
        out("\n");
    switch (n.kind) {
        case Kind::CreateTable:
            if (!n.table_def) throw Error(ErrorKind::Programming, "create_table without a table");
            return out(schema::create_table_sql(
                *n.table_def, dialect_, if_exists,
                display ? schema::Layout::Display : schema::Layout::OneLine));
        case Kind::DropTable:
            return out(schema::drop_table_sql(n.name, if_exists));
        case Kind::CreateColumn:
            if (!n.table_def || n.table_def->columns.size() != 1)
                throw Error(ErrorKind::Programming, "create_column needs one column");
            return out(schema::column_sql(n.table_def->columns.front(), dialect_));
        case Kind::CreateIndex: {
            schema::Index index{n.name, n.qualifier, n.names, n.has(flag::unique)};
            return out(schema::create_index_sql(index, if_exists));
        }
        case Kind::CreateEnum:
        case Kind::DropEnum:
            if (dialect_ != Dialect::PostgreSQL)
                throw Error(ErrorKind::NotSupported, "native enum types exist only on PostgreSQL");
            return out(n.kind == Kind::CreateEnum
                           ? schema::create_enum_sql(n.name, n.names, if_exists)
                           : schema::drop_enum_sql(n.name, if_exists));
        case Kind::AddConstraint:
            if (dialect_ != Dialect::PostgreSQL)
                throw Error(ErrorKind::NotSupported,
                            "SQLite has no ALTER TABLE ... ADD CONSTRAINT; its foreign keys stay "
                            "inline in CREATE TABLE");
            if (!n.table_def || n.table_def->constraints.size() != 1)
                throw Error(ErrorKind::Programming, "add_constraint needs one constraint");
            return out(schema::add_constraint_sql(
                n.table_def->name, n.table_def->constraints.front(), dialect_, if_exists));
        case Kind::DropConstraint:
            return out(schema::drop_constraint_sql(n.qualifier, n.name, if_exists));
        default:
            return out(schema::drop_index_sql(n.name, if_exists));
    }
}

// --- savepoints -----------------------------------------------------------------------------
void Compiler::savepoint(const Node& n) {
    if (n.name.empty()) throw Error(ErrorKind::Programming, "savepoint without a name");
    if (n.kind == Kind::ReleaseSavepoint)
        out("RELEASE SAVEPOINT ");
    else
        out(n.kind == Kind::RollbackToSavepoint ? "ROLLBACK TO SAVEPOINT " : "SAVEPOINT ");
    ident(n.name);
}

}  // namespace cormorant::sql::detail
