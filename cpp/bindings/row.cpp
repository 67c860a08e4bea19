// The Row and RowKeys types, written against the raw CPython API: a Row is
// one allocation holding its values and a pointer to the shared key map.
#include "row.hpp"

#include "type_object.hpp"

namespace cormorant::bindings {
namespace {

struct RowKeysObject {
    PyObject_HEAD PyObject* fields;  // tuple of str
    PyObject* index;                 // dict: str -> int position
};

struct RowObject {
    PyObject_VAR_HEAD PyObject* keys;  // RowKeysObject
    PyObject* items[1];
};

// Their slots are filled by ready_types().
PyTypeObject RowKeysType = empty_type_object();
PyTypeObject RowType = empty_type_object();

// --- RowKeys ---------------------------------------------------------------

PyObject* rowkeys_new(PyTypeObject* type, PyObject* args, PyObject*) {
    PyObject* fields = nullptr;
    if (!PyArg_ParseTuple(args, "O:RowKeys", &fields)) return nullptr;
    PyObject* tuple = PySequence_Tuple(fields);
    if (!tuple) return nullptr;
    PyObject* index = PyDict_New();
    for (Py_ssize_t i = 0; index && i < PyTuple_GET_SIZE(tuple); ++i) {
        PyObject* name = PyTuple_GET_ITEM(tuple, i);
        if (!PyUnicode_Check(name)) {
            PyErr_SetString(PyExc_TypeError, "row field names must be str");
            Py_CLEAR(index);
            break;
        }
        if (PyDict_Contains(index, name)) continue;  // the first column of a name wins
        PyObject* pos = PyLong_FromSsize_t(i);
        if (!pos || PyDict_SetItem(index, name, pos) < 0) Py_CLEAR(index);
        Py_XDECREF(pos);
    }
    if (!index) {
        Py_DECREF(tuple);
        return nullptr;
    }
    auto* self = reinterpret_cast<RowKeysObject*>(type->tp_alloc(type, 0));
    if (!self) {
        Py_DECREF(tuple);
        Py_DECREF(index);
        return nullptr;
    }
    self->fields = tuple;
    self->index = index;
    return reinterpret_cast<PyObject*>(self);
}

void rowkeys_dealloc(PyObject* op) {
    auto* self = reinterpret_cast<RowKeysObject*>(op);
    Py_XDECREF(self->fields);
    Py_XDECREF(self->index);
    Py_TYPE(op)->tp_free(op);
}

PyObject* rowkeys_fields(PyObject* op, void*) {
    return Py_NewRef(reinterpret_cast<RowKeysObject*>(op)->fields);
}

PyGetSetDef rowkeys_getset[] = {
    {"fields", rowkeys_fields, nullptr, "the column names, in order", nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};

// --- Row -------------------------------------------------------------------

RowObject* as_row(PyObject* op) { return reinterpret_cast<RowObject*>(op); }

PyObject* row_as_tuple(PyObject* op) {
    RowObject* row = as_row(op);
    PyObject* t = PyTuple_New(Py_SIZE(row));
    if (!t) return nullptr;
    for (Py_ssize_t i = 0; i < Py_SIZE(row); ++i) PyTuple_SET_ITEM(t, i, Py_NewRef(row->items[i]));
    return t;
}

PyObject* row_tuple_method(PyObject* op, PyObject*) { return row_as_tuple(op); }

void row_dealloc(PyObject* op) {
    RowObject* row = as_row(op);
    PyObject_GC_UnTrack(op);
    Py_TRASHCAN_BEGIN(op, row_dealloc) for (Py_ssize_t i = 0; i < Py_SIZE(row); ++i)
        Py_XDECREF(row->items[i]);
    Py_XDECREF(row->keys);
    Py_TYPE(op)->tp_free(op);
    Py_TRASHCAN_END
}

int row_traverse(PyObject* op, visitproc visit, void* arg) {
    RowObject* row = as_row(op);
    for (Py_ssize_t i = 0; i < Py_SIZE(row); ++i) Py_VISIT(row->items[i]);
    return 0;
}

Py_ssize_t row_length(PyObject* op) { return Py_SIZE(op); }

PyObject* row_item(PyObject* op, Py_ssize_t i) {
    RowObject* row = as_row(op);
    if (i < 0 || i >= Py_SIZE(row)) {
        PyErr_SetString(PyExc_IndexError, "row index out of range");
        return nullptr;
    }
    return Py_NewRef(row->items[i]);
}

PyObject* row_subscript(PyObject* op, PyObject* key) {
    if (PyIndex_Check(key)) {
        Py_ssize_t i = PyNumber_AsSsize_t(key, PyExc_IndexError);
        if (i == -1 && PyErr_Occurred()) return nullptr;
        if (i < 0) i += Py_SIZE(op);
        return row_item(op, i);
    }
    if (PySlice_Check(key)) {
        PyObject* t = row_as_tuple(op);
        if (!t) return nullptr;
        PyObject* r = PyObject_GetItem(t, key);
        Py_DECREF(t);
        return r;
    }
    PyErr_Format(PyExc_TypeError,
                 "row indices must be integers or slices, not %.200s; use row._mapping[%R] for "
                 "access by name",
                 Py_TYPE(key)->tp_name, key);
    return nullptr;
}

PyObject* row_getattro(PyObject* op, PyObject* name) {
    RowObject* row = as_row(op);
    PyObject* pos =
        PyDict_GetItemWithError(reinterpret_cast<RowKeysObject*>(row->keys)->index, name);
    if (pos) return Py_NewRef(row->items[PyLong_AsSsize_t(pos)]);
    if (PyErr_Occurred()) return nullptr;
    return PyObject_GenericGetAttr(op, name);
}

PyObject* row_iter(PyObject* op) {
    PyObject* t = row_as_tuple(op);
    if (!t) return nullptr;
    PyObject* it = PyObject_GetIter(t);
    Py_DECREF(t);
    return it;
}

int row_contains(PyObject* op, PyObject* value) {
    RowObject* row = as_row(op);
    for (Py_ssize_t i = 0; i < Py_SIZE(row); ++i) {
        int eq = PyObject_RichCompareBool(row->items[i], value, Py_EQ);
        if (eq != 0) return eq;
    }
    return 0;
}

PyObject* comparable(PyObject* obj) {
    if (Py_IS_TYPE(obj, &RowType)) return row_as_tuple(obj);
    return Py_NewRef(obj);
}

PyObject* row_richcompare(PyObject* a, PyObject* b, int op) {
    if (!Py_IS_TYPE(b, &RowType) && !PyTuple_Check(b)) Py_RETURN_NOTIMPLEMENTED;
    PyObject* left = comparable(a);
    PyObject* right = left ? comparable(b) : nullptr;
    PyObject* result = right ? PyObject_RichCompare(left, right, op) : nullptr;
    Py_XDECREF(left);
    Py_XDECREF(right);
    return result;
}

Py_hash_t row_hash(PyObject* op) {
    PyObject* t = row_as_tuple(op);
    if (!t) return -1;
    Py_hash_t h = PyObject_Hash(t);
    Py_DECREF(t);
    return h;
}

PyObject* row_repr(PyObject* op) {
    PyObject* t = row_as_tuple(op);
    if (!t) return nullptr;
    PyObject* r = PyObject_Repr(t);
    Py_DECREF(t);
    return r;
}

PyObject* row_fields(PyObject* op, void*) {
    return Py_NewRef(reinterpret_cast<RowKeysObject*>(as_row(op)->keys)->fields);
}

PyObject* row_asdict(PyObject* op, PyObject*) {
    RowObject* row = as_row(op);
    PyObject* fields = reinterpret_cast<RowKeysObject*>(row->keys)->fields;
    PyObject* d = PyDict_New();
    for (Py_ssize_t i = 0; d && i < Py_SIZE(row); ++i) {
        if (PyDict_SetItem(d, PyTuple_GET_ITEM(fields, i), row->items[i]) < 0) Py_CLEAR(d);
    }
    return d;
}

PyObject* mapping_type = nullptr;  // a dict subclass set from Python, or plain dict

PyObject* row_mapping(PyObject* op, void*) {
    PyObject* d = row_asdict(op, nullptr);
    if (!d || !mapping_type) return d;
    PyObject* mapping = PyObject_CallOneArg(mapping_type, d);
    Py_DECREF(d);
    return mapping;
}

PyObject* set_mapping_type(PyObject*, PyObject* type) {
    Py_XSETREF(mapping_type, Py_NewRef(type));
    Py_RETURN_NONE;
}

PyMethodDef module_functions[] = {
    {"set_row_mapping_type", set_mapping_type, METH_O, "the type Row._mapping returns"},
    {nullptr, nullptr, 0, nullptr},
};

PyObject* row_reduce(PyObject* op, PyObject*) {
    PyObject* t = row_as_tuple(op);
    if (!t) return nullptr;
    return Py_BuildValue("O(ON)", reinterpret_cast<PyObject*>(&RowType), as_row(op)->keys, t);
}

PyObject* row_new(PyTypeObject*, PyObject* args, PyObject*) {
    PyObject *keys = nullptr, *values = nullptr;
    if (!PyArg_ParseTuple(args, "O!O:Row", &RowKeysType, &keys, &values)) return nullptr;
    PyObject* t = PySequence_Tuple(values);
    if (!t) return nullptr;
    Py_ssize_t n = PyTuple_GET_SIZE(t);
    PyObject* row = new_row(keys, n);
    for (Py_ssize_t i = 0; row && i < n; ++i)
        set_row_item(row, i, Py_NewRef(PyTuple_GET_ITEM(t, i)));
    Py_DECREF(t);
    if (row) finish_row(row);
    return row;
}

PySequenceMethods row_as_sequence = [] {
    PySequenceMethods methods{};
    methods.sq_length = row_length;
    methods.sq_item = row_item;
    methods.sq_contains = row_contains;
    return methods;
}();

PyMappingMethods row_as_mapping = [] {
    PyMappingMethods methods{};
    methods.mp_length = row_length;
    methods.mp_subscript = row_subscript;
    return methods;
}();

PyObject* row_class_getitem(PyObject* cls, PyObject* item) { return Py_GenericAlias(cls, item); }

PyMethodDef row_methods[] = {
    {"_asdict", row_asdict, METH_NOARGS, "the row as a dict of column name to value"},
    {"_tuple", row_tuple_method, METH_NOARGS, "the row as a plain tuple"},
    {"tuple", row_tuple_method, METH_NOARGS, "the row as a plain tuple"},
    {"__reduce__", row_reduce, METH_NOARGS, nullptr},
    {"__class_getitem__", row_class_getitem, METH_O | METH_CLASS, "Row[T] for type hints"},
    {nullptr, nullptr, 0, nullptr},
};

PyObject* row_t(PyObject* op, void*) { return row_as_tuple(op); }

PyGetSetDef row_getset[] = {
    {"_fields", row_fields, nullptr, "the column names, in order", nullptr},
    {"_mapping", row_mapping, nullptr, "the row as a mapping of column name to value", nullptr},
    {"_t", row_t, nullptr, "the row as a plain tuple", nullptr},
    {"t", row_t, nullptr, "the row as a plain tuple", nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};

bool ready_types() {
    RowKeysType.tp_name = "cormorant._native.RowKeys";
    RowKeysType.tp_basicsize = sizeof(RowKeysObject);
    RowKeysType.tp_flags = Py_TPFLAGS_DEFAULT;
    RowKeysType.tp_new = rowkeys_new;
    RowKeysType.tp_dealloc = rowkeys_dealloc;
    RowKeysType.tp_getset = rowkeys_getset;
    RowKeysType.tp_doc = "The column names shared by every Row of one result.";

    RowType.tp_name = "cormorant.Row";
    RowType.tp_basicsize = sizeof(RowObject) - sizeof(PyObject*);
    RowType.tp_itemsize = sizeof(PyObject*);
    RowType.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC;
    RowType.tp_new = row_new;
    RowType.tp_dealloc = row_dealloc;
    RowType.tp_traverse = row_traverse;
    RowType.tp_as_sequence = &row_as_sequence;
    RowType.tp_as_mapping = &row_as_mapping;
    RowType.tp_getattro = row_getattro;
    RowType.tp_iter = row_iter;
    RowType.tp_richcompare = row_richcompare;
    RowType.tp_hash = row_hash;
    RowType.tp_repr = row_repr;
    RowType.tp_methods = row_methods;
    RowType.tp_getset = row_getset;
    RowType.tp_doc = "A result row: indexable, iterable, and with column names as attributes.";
    return PyType_Ready(&RowKeysType) == 0 && PyType_Ready(&RowType) == 0;
}

}  // namespace

PyObject* new_row(PyObject* keys, Py_ssize_t count) {
    RowObject* row = PyObject_GC_NewVar(RowObject, &RowType, count);
    if (!row) return nullptr;
    row->keys = Py_NewRef(keys);
    for (Py_ssize_t i = 0; i < count; ++i) row->items[i] = nullptr;
    return reinterpret_cast<PyObject*>(row);
}

void finish_row(PyObject* op) {
    RowObject* row = as_row(op);
    for (Py_ssize_t i = 0; i < Py_SIZE(row); ++i) {
        PyObject* item = row->items[i];
        if (item && PyObject_IS_GC(item) && PyObject_GC_IsTracked(item)) {
            PyObject_GC_Track(op);
            return;
        }
    }
}

void set_row_item(PyObject* row, Py_ssize_t index, PyObject* value) {
    as_row(row)->items[index] = value;
}

bool is_row_keys(PyObject* obj) { return Py_IS_TYPE(obj, &RowKeysType); }

void register_row(pybind11::module_& m) {
    if (!ready_types()) throw pybind11::error_already_set();
    m.attr("Row") = pybind11::handle(reinterpret_cast<PyObject*>(&RowType));
    m.attr("RowKeys") = pybind11::handle(reinterpret_cast<PyObject*>(&RowKeysType));
    if (PyModule_AddFunctions(m.ptr(), module_functions) < 0) throw pybind11::error_already_set();
}

}  // namespace cormorant::bindings
