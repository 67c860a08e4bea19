// Splitting a text() SQL string into verbatim pieces and :name bind keys.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cormorant::sql {

// One piece of a text() string: verbatim SQL, or a bind key when is_bind.
struct TextPiece {
    std::string text;
    bool is_bind = false;
};

// ":name" is a bind (name = [A-Za-z_][A-Za-z0-9_]*); "\:" is a literal colon;
// "::" stays as is; nothing inside '...' is a bind.
std::vector<TextPiece> split_text_params(std::string_view sql);

}  // namespace cormorant::sql
