// ValuesTemplate::render: the VALUES group written once per row.
#include "cormorant/sql/values_template.hpp"

#include <utility>

#include "cormorant/error.hpp"

namespace cormorant::sql {

ValuesTemplate::ValuesTemplate(Dialect dialect, std::string head, std::vector<std::string> pieces,
                               std::vector<std::size_t> numbers, std::string tail,
                               std::size_t binds)
    : dialect_(dialect),
      head_(std::move(head)),
      pieces_(std::move(pieces)),
      numbers_(std::move(numbers)),
      tail_(std::move(tail)),
      binds_(binds) {}

std::string ValuesTemplate::render(std::size_t rows) const {
    if (rows == 0) throw Error(ErrorKind::Interface, "a multi-row INSERT needs at least one row");
    std::size_t group = 0;
    for (const auto& piece : pieces_) group += piece.size() + 4;
    std::string sql;
    sql.reserve(head_.size() + tail_.size() + rows * (group + 2));
    sql += head_;
    for (std::size_t row = 0; row < rows; ++row) {
        if (row) sql += ", ";
        for (std::size_t i = 0; i < pieces_.size(); ++i) {
            sql += pieces_[i];
            if (i == numbers_.size()) break;
            if (dialect_ == Dialect::SQLite) {
                sql += '?';
            } else {
                sql += '$';
                sql += std::to_string(numbers_[i] + row * binds_);
            }
        }
    }
    sql += tail_;
    return sql;
}

}  // namespace cormorant::sql
