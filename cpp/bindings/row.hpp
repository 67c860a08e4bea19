// Row: an immutable, tuple-like result row whose column names live in one
// RowKeys object shared by every row of a result (asyncpg's Record model).
#pragma once

#include <Python.h>
#include <pybind11/pybind11.h>

namespace cormorant::bindings {

// A new, empty Row of `count` slots to fill with set_row_item (steals), then
// to pass to finish_row.
PyObject* new_row(PyObject* keys, Py_ssize_t count);
// Hands a filled Row to the cyclic GC only if an item can be part of a
// cycle; rows of plain values (the usual case) are never traversed, as
// CPython does for tuples of atomic values.
void finish_row(PyObject* row);
void set_row_item(PyObject* row, Py_ssize_t index, PyObject* value);
bool is_row_keys(PyObject* obj);

void register_row(pybind11::module_& m);

}  // namespace cormorant::bindings
