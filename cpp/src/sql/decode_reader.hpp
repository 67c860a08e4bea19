// Private to the decoder: DatumReader, a checked view of one (head, ...) tuple.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cormorant/sql/datum.hpp"
#include "cormorant/sql/datum_form.hpp"
#include "cormorant/sql/node.hpp"

namespace cormorant::sql::detail {

class DatumReader {
  public:
    explicit DatumReader(const Datum& datum);  // requires a tuple starting with a head string

    const std::string& head() const noexcept { return head_; }
    std::size_t size() const noexcept { return items_->size(); }
    void conform(const DatumForm& form) const;  // the element count `form` allows

    const Datum& at(std::size_t i) const { return (*items_)[i]; }
    std::string str(std::size_t i, const char* what) const;
    std::string opt_str(std::size_t i, const char* what) const;  // None -> ""
    bool flag(std::size_t i, const char* what) const;            // bool (or int)
    std::optional<std::int64_t> opt_int(std::size_t i, const char* what) const;
    const Datum::List& tuple(std::size_t i, const char* what) const;
    std::vector<std::string> strings(std::size_t i, const char* what) const;
    NodePtr node(std::size_t i) const;
    NodePtr opt_node(std::size_t i) const;  // None -> nullptr
    std::vector<NodePtr> nodes(std::size_t i, const char* what) const;

    [[noreturn]] void fail(const std::string& problem) const;

  private:
    const Datum::List* items_;
    std::string head_;
};

// A node form and the function that decodes it, checked against the form first.
using HeadDecoder = NodePtr (*)(const DatumReader&);
struct HeadEntry {
    DatumForm form;
    HeadDecoder decode;
};

const std::vector<HeadEntry>& node_entries();  // decode.cpp: expressions, FROM, DML, DDL
// decode_ddl.cpp: the DDL heads, and the type and element (column, constraint) forms.
const std::vector<HeadEntry>& ddl_entries();
const std::vector<DatumForm>& type_forms();
const std::vector<DatumForm>& element_forms();

// The form of r's tag among `forms`; fails naming the role when there is none.
const DatumForm& form_of(const DatumReader& r, const std::vector<DatumForm>& forms);

}  // namespace cormorant::sql::detail
