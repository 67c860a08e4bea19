// Parameters in PostgreSQL's text input format: one row of driver::Params
// rendered into NUL-terminated strings that libpq can send.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "cormorant/driver/value.hpp"

namespace cormorant::driver::postgres {

class TextParams {
  public:
    // Renders `params`, replacing the previous row; Error(Data) names a text
    // parameter containing NUL, which PostgreSQL cannot store.
    void assign(std::span<const Param> params);
    // One pointer per parameter; nullptr is SQL NULL.
    const std::vector<const char*>& values() const { return pointers_; }

  private:
    std::vector<std::string> storage_;
    std::vector<const char*> pointers_;
};

}  // namespace cormorant::driver::postgres
