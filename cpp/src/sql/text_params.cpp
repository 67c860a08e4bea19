// Splitting text() SQL into verbatim pieces and :name bind keys.
#include "cormorant/sql/text_params.hpp"

namespace cormorant::sql {
namespace {

bool is_name_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

class TextSplitter {
  public:
    explicit TextSplitter(std::string_view sql) : sql_(sql) {}

    std::vector<TextPiece> run() {
        while (i_ < sql_.size()) step();
        flush();
        return std::move(pieces_);
    }

  private:
    void step() {
        char c = sql_[i_];
        if (c == '\'') return quoted();
        if (c == '\\' && peek(1) == ':') {
            current_ += ':';
            i_ += 2;
            return;
        }
        if (c == ':' && peek(1) == ':') {
            current_ += "::";
            i_ += 2;
            return;
        }
        if (c == ':' && is_name_start(peek(1)) && !after_name_char()) return bind();
        current_ += c;
        ++i_;
    }

    // Copies a '...' string literal ('' is an escaped quote) verbatim.
    void quoted() {
        current_ += sql_[i_++];
        while (i_ < sql_.size()) {
            char c = sql_[i_++];
            current_ += c;
            if (c == '\'') {
                if (peek(0) != '\'') return;
                current_ += sql_[i_++];
            }
        }
    }

    void bind() {
        std::size_t start = ++i_;
        while (i_ < sql_.size() && is_name_char(sql_[i_])) ++i_;
        flush();
        pieces_.push_back({std::string(sql_.substr(start, i_ - start)), true});
    }

    // "a:b" (a colon right after a word character) is not a bind, as in SQLAlchemy.
    bool after_name_char() const { return i_ > 0 && is_name_char(sql_[i_ - 1]); }
    char peek(std::size_t ahead) const {
        return i_ + ahead < sql_.size() ? sql_[i_ + ahead] : '\0';
    }
    void flush() {
        if (!current_.empty()) pieces_.push_back({std::move(current_), false});
        current_.clear();
    }

    std::string_view sql_;
    std::size_t i_ = 0;
    std::string current_;
    std::vector<TextPiece> pieces_;
};

}  // namespace

std::vector<TextPiece> split_text_params(std::string_view sql) { return TextSplitter(sql).run(); }

}  // namespace cormorant::sql
