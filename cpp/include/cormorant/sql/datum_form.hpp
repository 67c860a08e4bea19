// DatumForm: the declared shape of one tagged tuple of the statement form
// (see decode.hpp): its tag, the names of the slots after the tag, how many
// trailing slots may be left out, and whether the last slot repeats. The
// decoder checks every tuple against its form; datum_forms() lists them all
// so the Python side can be checked against the same declaration.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace cormorant::sql {

// Where a form is read: "node" (decode()), "type" (decode_type()) or
// "element" (a column or constraint inside create_table).
struct DatumForm {
    std::string_view role;
    std::string_view tag;
    std::vector<std::string_view> slots;
    std::size_t optional = 0;  // how many of the last slots may be left out
    bool repeats = false;      // the last slot is one or more values

    std::size_t min_size() const noexcept { return 1 + slots.size() - optional; }
    std::string describe() const;  // ('tag', slot, [optional slot], repeated...)
};

std::vector<DatumForm> datum_forms();

}  // namespace cormorant::sql
