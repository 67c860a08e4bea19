// ValuesTemplate: a one-row INSERT split around its VALUES group, so the same
// statement can be written for any number of rows ("insertmanyvalues") with
// the placeholders of each row numbered on from the previous row's.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "cormorant/sql/dialect.hpp"

namespace cormorant::sql {

class ValuesTemplate {
  public:
    // `pieces` are the group's text between its placeholders (one more than
    // `numbers`); `numbers` are the PostgreSQL $n of each placeholder in order.
    ValuesTemplate(Dialect dialect, std::string head, std::vector<std::string> pieces,
                   std::vector<std::size_t> numbers, std::string tail, std::size_t binds);

    // The INSERT with `rows` VALUES groups; row r binds keys r*binds .. r*binds+binds-1.
    std::string render(std::size_t rows) const;
    std::size_t binds() const noexcept { return binds_; }

  private:
    Dialect dialect_;
    std::string head_;
    std::vector<std::string> pieces_;
    std::vector<std::size_t> numbers_;
    std::string tail_;
    std::size_t binds_;
};

}  // namespace cormorant::sql
