// Decoding the Python layer's nested-tuple form (a Datum) into a statement
// tree. Malformed input throws cormorant::Error (Interface) naming the head
// and the problem.
#pragma once

#include "cormorant/schema/type.hpp"
#include "cormorant/sql/datum.hpp"
#include "cormorant/sql/node.hpp"

namespace cormorant::sql {

NodePtr decode(const Datum& datum);
schema::Type decode_type(const Datum& datum);

}  // namespace cormorant::sql
