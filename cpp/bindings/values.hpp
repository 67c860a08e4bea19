// Value conversion between Python objects and the engine: parameters going in
// (Python → driver::Param) and cells coming out (result::Cell → Python), with
// the per-column converters that hydration plans carry.
#pragma once

#include <Python.h>

#include <cormorant/driver/value.hpp>
#include <cormorant/result/row_batch.hpp>
#include <vector>

namespace cormorant::bindings {

// Parameters for one execution. Text and blob bytes are borrowed from Python
// objects that `keep_alive` holds, so they stay valid with the GIL released.
class ParamBuffer {
  public:
    // `keep_offsets` (PostgreSQL): aware datetimes keep their UTC offset, and
    // ints beyond 64 bits go as text for the server to judge. Otherwise
    // datetimes bind as naive text, as SQLAlchemy's SQLite does.
    explicit ParamBuffer(bool keep_offsets = false) : keep_offsets_(keep_offsets) {}
    ~ParamBuffer();
    // Appends one value; on failure sets a Python TypeError naming the type and returns false.
    bool append(PyObject* value);
    const std::vector<driver::Param>& params() const { return params_; }
    std::size_t size() const { return params_.size(); }
    void reserve(std::size_t n) { params_.reserve(n); }

  private:
    std::vector<driver::Param> params_;
    std::vector<PyObject*> keep_alive_;
    bool keep_offsets_;
};

// How a result column becomes a Python value. Every code but Callable is
// decoded natively; Callable applies a Python function to the raw value. The
// *Array codes read PostgreSQL array text ({1,NULL,{2,3}}) into nested lists.
enum class Converter : int {
    Raw = 0,
    Boolean = 1,
    DateTime = 2,
    Date = 3,
    Time = 4,
    Float = 5,
    Callable = 6,
    IntegerArray = 7,
    FloatArray = 8,
    BooleanArray = 9,
    TextArray = 10,
};

struct ColumnConverter {
    Converter code = Converter::Raw;
    PyObject* function = nullptr;  // borrowed from the plan that owns it
    // A hook applied to the decoded value, NULL (None) included: a TypeDecorator's
    // process_result_value after its impl's native decoding. Borrowed likewise.
    PyObject* then = nullptr;
};

// Reads a list whose items are ints (Converter codes), callables, or
// (code, hook) pairs: decode natively by code, then call hook on the value.
bool parse_converters(PyObject* list, std::vector<ColumnConverter>& out);

// A new reference to the Python value of one cell, or nullptr with an error set.
PyObject* decode_cell(const result::RowBatch& batch, const result::Cell& cell,
                      const ColumnConverter& converter);

void init_values();  // imports the datetime C API; call once at module load

}  // namespace cormorant::bindings
