// sql::Datum: the recursive value the Python layer's nested tuples map to
// (None, bool, int, float, str, tuple/list).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace cormorant::sql {

struct Datum {
    using List = std::vector<Datum>;
    std::variant<std::monostate, bool, std::int64_t, double, std::string, List> value;

    Datum() = default;
    Datum(std::nullptr_t) {}
    Datum(bool b) : value(b) {}
    Datum(int i) : value(std::int64_t{i}) {}
    Datum(std::int64_t i) : value(i) {}
    Datum(double d) : value(d) {}
    Datum(const char* s) : value(std::string(s)) {}
    Datum(std::string s) : value(std::move(s)) {}
    Datum(List items) : value(std::move(items)) {}
    Datum(std::initializer_list<Datum> items) : value(List(items)) {}

    bool is_null() const noexcept { return value.index() == 0; }
    bool is_bool() const noexcept { return value.index() == 1; }
    bool is_int() const noexcept { return value.index() == 2; }
    bool is_double() const noexcept { return value.index() == 3; }
    bool is_string() const noexcept { return value.index() == 4; }
    bool is_list() const noexcept { return value.index() == 5; }

    bool as_bool() const { return std::get<bool>(value); }
    std::int64_t as_int() const { return std::get<std::int64_t>(value); }
    double as_double() const { return std::get<double>(value); }
    const std::string& as_string() const { return std::get<std::string>(value); }
    const List& as_list() const { return std::get<List>(value); }

    // A short description for error messages ("None", "int", "'abc'", "('col', ...)").
    std::string describe() const;
};

// Shorthand for building tuples in C++: sql::tuple("col", "users", "id").
template <class... T>
Datum tuple(T&&... items) {
    return Datum(Datum::List{Datum(std::forward<T>(items))...});
}

}  // namespace cormorant::sql
