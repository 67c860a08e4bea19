// Decoding of PostgreSQL's text output format into typed RowBatch cells. A
// column's decoder is chosen once per result from its type OID.
#pragma once

#include <cstdint>
#include <string_view>

#include "cormorant/result/row_batch.hpp"

namespace cormorant::driver::postgres {

enum class Decoder : std::uint8_t {
    Integer,
    Real,
    Boolean,
    Decimal,
    Bytea,
    Date,
    Time,
    Timestamp,
    TimestampTz,
    Uuid,
    Json,
    Text,  // every other type, as PostgreSQL prints it
    Interval,
};

Decoder decoder_for(std::uint32_t type_oid) noexcept;

// Appends the value `text` (never NULL) of a column with `decoder` to `out`;
// throws Error(Data) naming the value when it cannot be represented. Text-like
// values are borrowed, not copied: `text` must outlive the batch's rows.
void decode_into(result::RowBatch& out, Decoder decoder, std::string_view text);

}  // namespace cormorant::driver::postgres
