// DatumForm's description, and the list of every form the decoder reads.
#include "cormorant/sql/datum_form.hpp"

#include "decode_reader.hpp"

namespace cormorant::sql {

std::string DatumForm::describe() const {
    std::string out = "('" + std::string(tag) + "'";
    for (std::size_t i = 0; i < slots.size(); ++i) {
        bool optional_slot = i >= slots.size() - optional;
        out.append(", ").append(optional_slot ? "[" : "").append(slots[i]);
        if (repeats && i + 1 == slots.size()) out.append("...");
        if (optional_slot) out.append("]");
    }
    return out + ")";
}

std::vector<DatumForm> datum_forms() {
    std::vector<DatumForm> out;
    for (const auto& entry : detail::node_entries()) out.push_back(entry.form);
    for (const auto& form : detail::type_forms()) out.push_back(form);
    for (const auto& form : detail::element_forms()) out.push_back(form);
    return out;
}

}  // namespace cormorant::sql
