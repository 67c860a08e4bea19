// Rendering of bound values as PostgreSQL text-format parameters.
#include "pg_params.hpp"

#include <charconv>
#include <cmath>

#include "cormorant/error.hpp"

namespace cormorant::driver::postgres {

namespace {

void render_real(double v, std::string& out) {
    if (std::isnan(v)) {
        out = "NaN";
    } else if (std::isinf(v)) {
        out = v > 0 ? "Infinity" : "-Infinity";
    } else {
        char buf[32];
        auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
        out.assign(buf, ptr);
    }
}

void render_bytea(std::string_view bytes, std::string& out) {
    static constexpr char kHex[] = "0123456789abcdef";
    out.assign("\\x");
    out.reserve(2 + bytes.size() * 2);
    for (unsigned char c : bytes) {
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xf]);
    }
}

void render_text(std::string_view text, std::size_t index, std::string& out) {
    if (text.find('\0') != std::string_view::npos) {
        throw Error(ErrorKind::Data, "parameter " + std::to_string(index + 1) +
                                         " contains a NUL character, which PostgreSQL text "
                                         "cannot store; bind it as bytes instead");
    }
    out.assign(text);
}

}  // namespace

void TextParams::assign(std::span<const Param> params) {
    storage_.resize(params.size());
    pointers_.resize(params.size());
    for (std::size_t i = 0; i < params.size(); ++i) {
        const Param& p = params[i];
        std::string& out = storage_[i];
        switch (p.type) {
            case ValueType::Null:
                pointers_[i] = nullptr;
                continue;
            case ValueType::Integer:
                out = std::to_string(p.integer);
                break;
            case ValueType::Boolean:
                out = p.integer != 0 ? "true" : "false";
                break;
            case ValueType::Real:
                render_real(p.real, out);
                break;
            case ValueType::Blob:
                render_bytea(p.bytes, out);
                break;
            default:
                render_text(p.bytes, i, out);
                break;
        }
        pointers_[i] = out.c_str();
    }
}

}  // namespace cormorant::driver::postgres
