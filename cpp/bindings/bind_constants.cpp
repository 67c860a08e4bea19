// The constants Python imports instead of repeating (see bind_constants.hpp).
#include "bind_constants.hpp"

#include "errors.hpp"
#include "state.hpp"
#include "values.hpp"

namespace py = pybind11;

namespace cormorant::bindings {

void register_constants(py::module_& m) {
    m.attr("STATE_ATTRIBUTE") = kStateAttribute;
    m.attr("TRANSIENT") = static_cast<int>(Status::Transient);
    m.attr("PENDING") = static_cast<int>(Status::Pending);
    m.attr("PERSISTENT") = static_cast<int>(Status::Persistent);
    m.attr("DELETED") = static_cast<int>(Status::Deleted);
    m.attr("DETACHED") = static_cast<int>(Status::Detached);
    m.attr("CONVERT_RAW") = static_cast<int>(Converter::Raw);
    m.attr("CONVERT_BOOLEAN") = static_cast<int>(Converter::Boolean);
    m.attr("CONVERT_DATETIME") = static_cast<int>(Converter::DateTime);
    m.attr("CONVERT_DATE") = static_cast<int>(Converter::Date);
    m.attr("CONVERT_TIME") = static_cast<int>(Converter::Time);
    m.attr("CONVERT_FLOAT") = static_cast<int>(Converter::Float);
    m.attr("CONVERT_INTEGER_ARRAY") = static_cast<int>(Converter::IntegerArray);
    m.attr("CONVERT_FLOAT_ARRAY") = static_cast<int>(Converter::FloatArray);
    m.attr("CONVERT_BOOLEAN_ARRAY") = static_cast<int>(Converter::BooleanArray);
    m.attr("CONVERT_TEXT_ARRAY") = static_cast<int>(Converter::TextArray);
    m.attr("ERROR_KINDS") =
        py::make_tuple(kind_name(ErrorKind::Interface), kind_name(ErrorKind::Operational),
                       kind_name(ErrorKind::Integrity), kind_name(ErrorKind::Programming),
                       kind_name(ErrorKind::Data), kind_name(ErrorKind::NotSupported),
                       kind_name(ErrorKind::Internal), kind_name(ErrorKind::PoolTimeout),
                       kind_name(ErrorKind::InvalidRequest), kind_name(ErrorKind::Database));
}

}  // namespace cormorant::bindings
