// DatumReader: element access with error messages naming the head and the problem.
#include "decode_reader.hpp"

#include "cormorant/error.hpp"
#include "cormorant/sql/decode.hpp"

namespace cormorant::sql::detail {
namespace {

[[noreturn]] void bad_datum(const std::string& message) {
    throw Error(ErrorKind::Interface, "cannot decode statement: " + message);
}

}  // namespace

DatumReader::DatumReader(const Datum& datum) {
    if (!datum.is_list() || datum.as_list().empty() || !datum.as_list().front().is_string())
        bad_datum("expected a tuple starting with a head string, got " + datum.describe());
    items_ = &datum.as_list();
    head_ = items_->front().as_string();
}

void DatumReader::fail(const std::string& problem) const {
    bad_datum("'" + head_ + "': " + problem);
}

void DatumReader::conform(const DatumForm& form) const {
    bool fits = size() >= form.min_size() && (form.repeats || size() <= 1 + form.slots.size());
    if (!fits)
        fail("expected " + form.describe() + ", got " + std::to_string(size() - 1) + " slot(s)");
}

const DatumForm& form_of(const DatumReader& r, const std::vector<DatumForm>& forms) {
    for (const auto& form : forms)
        if (form.tag == r.head()) return form;
    r.fail("unknown " + std::string(forms.empty() ? "form" : forms.front().role));
}

std::string DatumReader::str(std::size_t i, const char* what) const {
    if (!at(i).is_string()) fail(std::string(what) + " must be a string, got " + at(i).describe());
    return at(i).as_string();
}

std::string DatumReader::opt_str(std::size_t i, const char* what) const {
    return at(i).is_null() ? std::string() : str(i, what);
}

bool DatumReader::flag(std::size_t i, const char* what) const {
    if (at(i).is_bool()) return at(i).as_bool();
    if (at(i).is_int()) return at(i).as_int() != 0;
    if (at(i).is_null()) return false;
    fail(std::string(what) + " must be a bool, got " + at(i).describe());
}

std::optional<std::int64_t> DatumReader::opt_int(std::size_t i, const char* what) const {
    if (at(i).is_null()) return std::nullopt;
    if (!at(i).is_int())
        fail(std::string(what) + " must be an int or None, got " + at(i).describe());
    return at(i).as_int();
}

const Datum::List& DatumReader::tuple(std::size_t i, const char* what) const {
    if (!at(i).is_list()) fail(std::string(what) + " must be a tuple, got " + at(i).describe());
    return at(i).as_list();
}

std::vector<std::string> DatumReader::strings(std::size_t i, const char* what) const {
    std::vector<std::string> out;
    for (const auto& d : tuple(i, what)) {
        if (!d.is_string()) fail(std::string(what) + " must hold strings, got " + d.describe());
        out.push_back(d.as_string());
    }
    return out;
}

NodePtr DatumReader::node(std::size_t i) const {
    if (at(i).is_null()) fail("element " + std::to_string(i) + " must not be None");
    return decode(at(i));
}

NodePtr DatumReader::opt_node(std::size_t i) const {
    return at(i).is_null() ? nullptr : decode(at(i));
}

std::vector<NodePtr> DatumReader::nodes(std::size_t i, const char* what) const {
    std::vector<NodePtr> out;
    for (const auto& d : tuple(i, what)) {
        if (!d.is_list()) fail(std::string(what) + " must hold node tuples, got " + d.describe());
        out.push_back(decode(d));
    }
    return out;
}

}  // namespace cormorant::sql::detail
