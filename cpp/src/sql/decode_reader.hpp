// Private to the decoder: DatumReader, a checked view of one (head, ...) tuple.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cormorant/sql/datum.hpp"
#include "cormorant/sql/node.hpp"

namespace cormorant::sql::detail {

class DatumReader {
  public:
    explicit DatumReader(const Datum& datum);  // requires a tuple starting with a head string

    const std::string& head() const noexcept { return head_; }
    std::size_t size() const noexcept { return items_->size(); }
    void arity(std::size_t n) const;  // exactly n elements, head included
    void arity(std::size_t lo, std::size_t hi) const;
    void min_arity(std::size_t n) const;

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

// Decoders for the DDL heads (decode_ddl.cpp); nullptr when `head` is not DDL.
using HeadDecoder = NodePtr (*)(const DatumReader&);
HeadDecoder ddl_decoder(const std::string& head);

}  // namespace cormorant::sql::detail
