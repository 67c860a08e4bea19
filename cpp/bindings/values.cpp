// Python ↔ engine value conversion for parameters and result cells.
#include "values.hpp"

#include <datetime.h>

#include <charconv>
#include <cormorant/result/temporal.hpp>
#include <cstdio>
#include <cstring>
#include <string>

namespace cormorant::bindings {
namespace {

PyObject* decimal_type = nullptr;
PyObject* uuid_type = nullptr;
PyObject* json_loads = nullptr;

// A new reference to module.name, or nullptr with an ImportError set.
PyObject* import_attr(const char* module_name, const char* name) {
    PyObject* module = PyImport_ImportModule(module_name);
    if (!module) return nullptr;
    PyObject* attr = PyObject_GetAttrString(module, name);
    Py_DECREF(module);
    return attr;
}

// Calls a cached callable on the cell's bytes as str.
PyObject* call_on_text(PyObject*& cached, const char* module_name, const char* name,
                       std::string_view text) {
    if (!cached && !(cached = import_attr(module_name, name))) return nullptr;
    PyObject* str =
        PyUnicode_DecodeUTF8(text.data(), static_cast<Py_ssize_t>(text.size()), "strict");
    if (!str) return nullptr;
    PyObject* value = PyObject_CallOneArg(cached, str);
    Py_DECREF(str);
    return value;
}

std::string_view utf8_of(PyObject* str) {
    Py_ssize_t size = 0;
    const char* data = PyUnicode_AsUTF8AndSize(str, &size);
    return data ? std::string_view(data, static_cast<std::size_t>(size)) : std::string_view();
}

// "+HH:MM[:SS]" for an aware datetime, "" for a naive one; false on error.
bool format_offset(PyObject* value, char* out, std::size_t size) {
    out[0] = '\0';
    if (PyDateTime_DATE_GET_TZINFO(value) == Py_None) return true;
    PyObject* delta = PyObject_CallMethod(value, "utcoffset", nullptr);
    if (!delta) return false;
    if (delta != Py_None) {
        long seconds =
            PyDateTime_DELTA_GET_DAYS(delta) * 86400L + PyDateTime_DELTA_GET_SECONDS(delta);
        const char sign = seconds < 0 ? '-' : '+';
        seconds = seconds < 0 ? -seconds : seconds;
        std::snprintf(out, size, "%c%02ld:%02ld:%02ld", sign, seconds / 3600, seconds / 60 % 60,
                      seconds % 60);
    }
    Py_DECREF(delta);
    return true;
}

// ISO text as SQLAlchemy's SQLite dialect stores it; with `offsets`, an aware
// datetime keeps its UTC offset (for PostgreSQL's timestamptz).
PyObject* format_temporal(PyObject* value, bool offsets) {
    char buf[160];
    int n = 0;
    if (PyDateTime_Check(value)) {
        char offset[64] = "";
        if (offsets && !format_offset(value, offset, sizeof offset)) return nullptr;
        n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d.%06d%s",
                          PyDateTime_GET_YEAR(value), PyDateTime_GET_MONTH(value),
                          PyDateTime_GET_DAY(value), PyDateTime_DATE_GET_HOUR(value),
                          PyDateTime_DATE_GET_MINUTE(value), PyDateTime_DATE_GET_SECOND(value),
                          PyDateTime_DATE_GET_MICROSECOND(value), offset);
    } else if (PyDate_Check(value)) {
        n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", PyDateTime_GET_YEAR(value),
                          PyDateTime_GET_MONTH(value), PyDateTime_GET_DAY(value));
    } else {
        n = std::snprintf(buf, sizeof buf, "%02d:%02d:%02d.%06d", PyDateTime_TIME_GET_HOUR(value),
                          PyDateTime_TIME_GET_MINUTE(value), PyDateTime_TIME_GET_SECOND(value),
                          PyDateTime_TIME_GET_MICROSECOND(value));
    }
    return PyUnicode_FromStringAndSize(buf, n);
}

bool is_temporal(PyObject* value) {
    return PyDate_Check(value) || PyTime_Check(value);  // datetime is a date subclass
}

bool is_decimal(PyObject* value) {
    if (!decimal_type && !(decimal_type = import_attr("decimal", "Decimal"))) return false;
    return PyObject_TypeCheck(value, reinterpret_cast<PyTypeObject*>(decimal_type));
}

// (Not PyErr_Format: its "%.*s" is Python 3.12+, before that it is printed as is.)
PyObject* parse_failure(const char* what, std::string_view text) {
    const std::string message =
        "cannot parse " + std::string(what) + " from stored value '" + std::string(text) + "'";
    PyErr_SetString(PyExc_ValueError, message.c_str());
    return nullptr;
}

// SQLite's stored text (result::parse_iso_*); malformed text or a day or
// time that does not exist is a ValueError naming the stored value.
PyObject* parse_date(std::string_view text, bool with_time) {
    if (!with_time) {
        result::CivilDate d;
        if (!result::parse_iso_date(text, d)) return parse_failure("date", text);
        return PyDate_FromDate(d.year, d.month, d.day);
    }
    result::CivilDateTime dt;
    if (!result::parse_iso_datetime(text, dt)) return parse_failure("datetime", text);
    return PyDateTime_FromDateAndTime(dt.date.year, dt.date.month, dt.date.day, dt.time.hour,
                                      dt.time.minute, dt.time.second, dt.time.microsecond);
}

PyObject* parse_time(std::string_view text) {
    result::CivilTime t;
    if (!result::parse_iso_time(text, t)) return parse_failure("time", text);
    return PyTime_FromTime(t.hour, t.minute, t.second, t.microsecond);
}

PyObject* decode_datetime(std::int64_t micros, PyObject* tz) {
    const result::CivilDateTime dt = result::civil_from_micros(micros);
    return PyDateTimeAPI->DateTime_FromDateAndTime(
        dt.date.year, dt.date.month, dt.date.day, dt.time.hour, dt.time.minute, dt.time.second,
        dt.time.microsecond, tz, PyDateTimeAPI->DateTimeType);
}

// A timedelta of `micros`; floor division keeps seconds and microseconds non-negative.
PyObject* decode_interval(std::int64_t micros) {
    constexpr std::int64_t per_day = 86'400'000'000LL;
    std::int64_t days = micros / per_day, rest = micros % per_day;
    if (rest < 0) {
        --days;
        rest += per_day;
    }
    return PyDelta_FromDSU(static_cast<int>(days), static_cast<int>(rest / 1'000'000),
                           static_cast<int>(rest % 1'000'000));
}

PyObject* decode_raw(const result::RowBatch& batch, const result::Cell& cell) {
    switch (cell.type) {
        case driver::ValueType::Boolean:
            return PyBool_FromLong(cell.integer != 0);
        case driver::ValueType::Decimal:
            return call_on_text(decimal_type, "decimal", "Decimal", batch.bytes(cell));
        case driver::ValueType::Uuid:
            return call_on_text(uuid_type, "uuid", "UUID", batch.bytes(cell));
        case driver::ValueType::Json:
            return call_on_text(json_loads, "json", "loads", batch.bytes(cell));
        case driver::ValueType::Date: {
            const result::CivilDate d = result::civil_from_days(cell.integer);
            return PyDate_FromDate(d.year, d.month, d.day);
        }
        case driver::ValueType::Time: {
            const result::CivilTime t = result::clock_from_micros(cell.integer);
            return PyTime_FromTime(t.hour, t.minute, t.second, t.microsecond);
        }
        case driver::ValueType::DateTime:
            return decode_datetime(cell.integer, Py_None);
        case driver::ValueType::DateTimeTz:
            return decode_datetime(cell.integer, PyDateTime_TimeZone_UTC);
        case driver::ValueType::Interval:
            return decode_interval(cell.integer);
        case driver::ValueType::Null:
            Py_RETURN_NONE;
        case driver::ValueType::Integer:
            return PyLong_FromLongLong(cell.integer);
        case driver::ValueType::Real:
            return PyFloat_FromDouble(cell.real);
        case driver::ValueType::Text: {
            std::string_view s = batch.bytes(cell);
            return PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "replace");
        }
        case driver::ValueType::Blob: {
            std::string_view s = batch.bytes(cell);
            return PyBytes_FromStringAndSize(s.data(), static_cast<Py_ssize_t>(s.size()));
        }
    }
    Py_RETURN_NONE;
}

// --- PostgreSQL array text ------------------------------------------------------------

// One array item's Python value from its (unquoted, unescaped) text.
PyObject* float_from_text(std::string_view text) {
    PyObject* str =
        PyUnicode_DecodeUTF8(text.data(), static_cast<Py_ssize_t>(text.size()), "strict");
    if (!str) return nullptr;
    PyObject* value = PyFloat_FromString(str);
    Py_DECREF(str);
    return value;
}

PyObject* array_item(std::string_view text, Converter kind) {
    switch (kind) {
        case Converter::IntegerArray: {
            long long v = 0;
            auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
            if (ec == std::errc() && end == text.data() + text.size())
                return PyLong_FromLongLong(v);
            return parse_failure("integer array item", text);
        }
        case Converter::FloatArray:
            return float_from_text(text);
        case Converter::BooleanArray:
            if (text == "t" || text == "f") return PyBool_FromLong(text == "t");
            return parse_failure("boolean array item", text);
        default:
            return PyUnicode_DecodeUTF8(text.data(), static_cast<Py_ssize_t>(text.size()),
                                        "replace");
    }
}

// A quoted item starting after its opening quote; `pos` ends past the closing one.
bool quoted_item(std::string_view text, std::size_t& pos, std::string& out) {
    for (; pos < text.size(); ++pos) {
        if (text[pos] == '"') {
            ++pos;
            return true;
        }
        if (text[pos] == '\\' && ++pos == text.size()) return false;
        out.push_back(text[pos]);
    }
    return false;
}

// The items of one {...} level starting after its '{'; `pos` ends past its '}'.
PyObject* array_level(std::string_view text, std::size_t& pos, Converter kind, int depth) {
    if (depth > 6) return parse_failure("array (nested too deep)", text);
    PyObject* list = PyList_New(0);
    if (!list) return nullptr;
    while (pos < text.size() && text[pos] != '}') {
        PyObject* item = nullptr;
        if (text[pos] == ',') {
            ++pos;
            continue;
        }
        if (text[pos] == '{') {
            ++pos;
            item = array_level(text, pos, kind, depth + 1);
        } else if (text[pos] == '"') {
            std::string unescaped;
            ++pos;
            item = quoted_item(text, pos, unescaped) ? array_item(unescaped, kind)
                                                     : parse_failure("array", text);
        } else {
            const std::size_t start = pos;
            while (pos < text.size() && text[pos] != ',' && text[pos] != '}') ++pos;
            std::string_view word = text.substr(start, pos - start);
            item = word == "NULL" ? Py_NewRef(Py_None) : array_item(word, kind);
        }
        if (!item || PyList_Append(list, item) < 0) {
            Py_XDECREF(item);
            Py_DECREF(list);
            return nullptr;
        }
        Py_DECREF(item);
    }
    if (pos == text.size()) {
        Py_DECREF(list);
        return parse_failure("array", text);
    }
    ++pos;  // past '}'
    return list;
}

// "{...}", or "[1:2]={...}" with explicit bounds (the bounds are dropped).
PyObject* parse_array(std::string_view text, Converter kind) {
    std::size_t pos = text.find('{');
    if (pos == std::string_view::npos) return parse_failure("array", text);
    ++pos;
    PyObject* list = array_level(text, pos, kind, 0);
    if (list && pos != text.size()) {
        Py_DECREF(list);
        return parse_failure("array", text);
    }
    return list;
}

}  // namespace

void init_values() { PyDateTime_IMPORT; }

ParamBuffer::~ParamBuffer() {
    for (PyObject* o : keep_alive_) Py_DECREF(o);
}

bool ParamBuffer::append(PyObject* value) {
    if (value == Py_None) {
        params_.push_back(driver::Param::null());
    } else if (PyBool_Check(value)) {
        params_.push_back(driver::Param::from_bool(value == Py_True));
    } else if (PyLong_Check(value)) {
        int overflow = 0;
        long long v = PyLong_AsLongLongAndOverflow(value, &overflow);
        if (overflow) {
            if (!keep_offsets_) {
                PyErr_SetString(PyExc_OverflowError,
                                "Python int too large to bind as a 64-bit integer");
                return false;
            }
            // PostgreSQL judges the range itself (NUMERIC takes it; BIGINT
            // reports "out of range" as a DataError), as with psycopg.
            PyObject* text = PyObject_Str(value);
            if (!text) return false;
            keep_alive_.push_back(text);
            params_.push_back(driver::Param::text(utf8_of(text)));
            return true;
        }
        params_.push_back(driver::Param::from_integer(v));
    } else if (PyFloat_Check(value)) {
        params_.push_back(driver::Param::from_real(PyFloat_AS_DOUBLE(value)));
    } else if (PyUnicode_Check(value)) {
        std::string_view s = utf8_of(value);
        if (!s.data()) return false;
        keep_alive_.push_back(Py_NewRef(value));  // the bytes are read with the GIL released
        params_.push_back(driver::Param::text(s));
    } else if (PyBytes_Check(value)) {
        keep_alive_.push_back(Py_NewRef(value));
        params_.push_back(driver::Param::blob(std::string_view(
            PyBytes_AS_STRING(value), static_cast<std::size_t>(PyBytes_GET_SIZE(value)))));
    } else if (PyByteArray_Check(value) || PyMemoryView_Check(value)) {
        PyObject* bytes = PyBytes_FromObject(value);
        if (!bytes) return false;
        keep_alive_.push_back(bytes);
        params_.push_back(driver::Param::blob(std::string_view(
            PyBytes_AS_STRING(bytes), static_cast<std::size_t>(PyBytes_GET_SIZE(bytes)))));
    } else if (bool temporal = is_temporal(value); temporal || is_decimal(value)) {
        PyObject* text = temporal ? format_temporal(value, keep_offsets_) : PyObject_Str(value);
        if (!text) return false;
        keep_alive_.push_back(text);
        params_.push_back(driver::Param::text(utf8_of(text)));
    } else {
        if (!PyErr_Occurred())
            PyErr_Format(PyExc_TypeError, "cannot bind a value of type '%.200s' as a SQL parameter",
                         Py_TYPE(value)->tp_name);
        return false;
    }
    return true;
}

namespace {

bool is_hooked_converter(PyObject* item) {
    if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 2) return false;
    PyObject* code = PyTuple_GET_ITEM(item, 0);
    const long value = PyLong_Check(code) ? PyLong_AsLong(code) : -1;
    return value >= 0 && value <= static_cast<long>(Converter::TextArray) &&
           value != static_cast<long>(Converter::Callable) &&
           PyCallable_Check(PyTuple_GET_ITEM(item, 1));
}

PyObject* decode_native(const result::RowBatch& batch, const result::Cell& cell,
                        const ColumnConverter& converter) {
    if (cell.type == driver::ValueType::Null) Py_RETURN_NONE;
    switch (converter.code) {
        case Converter::Raw:
            break;
        case Converter::Boolean:
            if (cell.type == driver::ValueType::Integer) return PyBool_FromLong(cell.integer != 0);
            break;
        case Converter::DateTime:
        case Converter::Date:
            if (cell.type == driver::ValueType::Text)
                return parse_date(batch.bytes(cell), converter.code == Converter::DateTime);
            break;
        case Converter::Time:
            if (cell.type == driver::ValueType::Text) return parse_time(batch.bytes(cell));
            break;
        case Converter::Float:
            if (cell.type == driver::ValueType::Integer)
                return PyFloat_FromDouble(static_cast<double>(cell.integer));
            if (cell.type == driver::ValueType::Decimal) return float_from_text(batch.bytes(cell));
            break;
        case Converter::IntegerArray:
        case Converter::FloatArray:
        case Converter::BooleanArray:
        case Converter::TextArray:
            if (cell.type == driver::ValueType::Text)
                return parse_array(batch.bytes(cell), converter.code);
            break;
        case Converter::Callable: {
            PyObject* raw = decode_raw(batch, cell);
            if (!raw) return nullptr;
            PyObject* value = PyObject_CallOneArg(converter.function, raw);
            Py_DECREF(raw);
            return value;
        }
    }
    return decode_raw(batch, cell);
}

}  // namespace

bool parse_converters(PyObject* list, std::vector<ColumnConverter>& out) {
    PyObject* seq = PySequence_Fast(list, "converters must be a sequence");
    if (!seq) return false;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    out.resize(static_cast<std::size_t>(n));
    for (Py_ssize_t i = 0; i < n; ++i) {
        PyObject* item = PySequence_Fast_GET_ITEM(seq, i);
        ColumnConverter& c = out[static_cast<std::size_t>(i)];
        if (PyLong_Check(item)) {
            c.code = static_cast<Converter>(PyLong_AsLong(item));
        } else if (is_hooked_converter(item)) {
            c.code = static_cast<Converter>(PyLong_AsLong(PyTuple_GET_ITEM(item, 0)));
            c.then = PyTuple_GET_ITEM(item, 1);
        } else if (PyCallable_Check(item)) {
            c.code = Converter::Callable;
            c.function = item;
        } else {
            Py_DECREF(seq);
            PyErr_SetString(PyExc_TypeError,
                            "a converter is an int code, a callable or a (code, hook) pair");
            return false;
        }
    }
    Py_DECREF(seq);
    return true;
}

PyObject* decode_cell(const result::RowBatch& batch, const result::Cell& cell,
                      const ColumnConverter& converter) {
    if (!converter.then) return decode_native(batch, cell, converter);
    PyObject* value = decode_native(batch, cell, converter);
    if (!value) return nullptr;
    PyObject* hooked = PyObject_CallOneArg(converter.then, value);
    Py_DECREF(value);
    return hooked;
}

}  // namespace cormorant::bindings
