// The InstanceState type. Python (cormorant/orm/state.py) owns its meaning;
// this file only gives it a compact layout and a fast constructor.
#include "state.hpp"

#include <structmember.h>

#include <cstddef>

#include "type_object.hpp"

namespace cormorant::bindings {
namespace {

struct StateObject {
    PyObject_HEAD PyObject* session;  // owning Session or None
    PyObject* key;                    // identity key or None; nullptr until built (see get_key)
    PyObject* identity_class;         // with `identity`, the parts of a key not yet built
    PyObject* identity;
    PyObject* committed;  // dict: attribute -> value before modification, or None
    PyObject* expired;    // True when column values must be reloaded
    int status;
};

PyTypeObject StateType = empty_type_object();  // slots filled by register_state()

StateObject* alloc_state() {
    auto* s = PyObject_GC_New(StateObject, &StateType);
    if (!s) return nullptr;
    s->session = Py_NewRef(Py_None);
    s->key = Py_NewRef(Py_None);
    s->identity_class = nullptr;
    s->identity = nullptr;
    s->committed = Py_NewRef(Py_None);
    s->expired = Py_NewRef(Py_False);
    s->status = static_cast<int>(Status::Transient);
    return s;  // untracked until it holds committed values (see set_committed)
}

PyObject* state_new(PyTypeObject*, PyObject* args, PyObject*) {
    if (PyTuple_GET_SIZE(args) != 0) {
        PyErr_SetString(PyExc_TypeError, "InstanceState() takes no arguments");
        return nullptr;
    }
    return reinterpret_cast<PyObject*>(alloc_state());
}

int state_traverse(PyObject* op, visitproc visit, void* arg) {
    auto* s = reinterpret_cast<StateObject*>(op);
    Py_VISIT(s->session);
    Py_VISIT(s->key);
    Py_VISIT(s->identity_class);
    Py_VISIT(s->identity);
    Py_VISIT(s->committed);
    return 0;
}

int state_clear(PyObject* op) {
    auto* s = reinterpret_cast<StateObject*>(op);
    Py_CLEAR(s->session);
    Py_CLEAR(s->key);
    Py_CLEAR(s->identity_class);
    Py_CLEAR(s->identity);
    Py_CLEAR(s->committed);
    Py_CLEAR(s->expired);
    return 0;
}

void state_dealloc(PyObject* op) {
    PyObject_GC_UnTrack(op);
    state_clear(op);
    Py_TYPE(op)->tp_free(op);
}

// Loaded objects get their key as (class, identity) parts; the tuple is built
// only if Python asks for it, which most loaded objects never do.
PyObject* get_key(PyObject* op, void*) {
    auto* s = reinterpret_cast<StateObject*>(op);
    if (!s->key) {
        PyObject* key = PyTuple_Pack(2, s->identity_class, s->identity);
        if (!key) return nullptr;
        PyObject_GC_UnTrack(key);  // (class, primary key) cannot be part of a cycle
        s->key = key;
        Py_CLEAR(s->identity_class);
        Py_CLEAR(s->identity);
    }
    return Py_NewRef(s->key);
}

int set_key(PyObject* op, PyObject* value, void*) {
    if (!value) {
        PyErr_SetString(PyExc_AttributeError, "key cannot be deleted");
        return -1;
    }
    auto* s = reinterpret_cast<StateObject*>(op);
    Py_XSETREF(s->key, Py_NewRef(value));
    Py_CLEAR(s->identity_class);
    Py_CLEAR(s->identity);
    return 0;
}

PyObject* get_committed(PyObject* op, void*) {
    return Py_NewRef(reinterpret_cast<StateObject*>(op)->committed);
}

// A state refers only to its SessionRef (which holds the Session weakly), its
// identity key and these committed values: attribute values as loaded from
// the database, which cannot refer to mapped objects. So a state is never
// part of a cycle, and the 100k states of a large load are never traversed;
// it is tracked once it holds committed values, to be safe.
int set_committed(PyObject* op, PyObject* value, void*) {
    if (!value) {
        PyErr_SetString(PyExc_AttributeError, "committed cannot be deleted");
        return -1;
    }
    Py_SETREF(reinterpret_cast<StateObject*>(op)->committed, Py_NewRef(value));
    if (value != Py_None && !PyObject_GC_IsTracked(op)) PyObject_GC_Track(op);
    return 0;
}

PyGetSetDef state_getset[] = {
    {"key", get_key, set_key, "the identity key (class, primary key), or None", nullptr},
    {"committed", get_committed, set_committed, "original values of modified attributes, or None",
     nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};

PyMemberDef state_members[] = {
    {"session", T_OBJECT, offsetof(StateObject, session), 0, "the owning Session, or None"},
    {"expired", T_OBJECT, offsetof(StateObject, expired), 0, "True when values must be reloaded"},
    {"status", T_INT, offsetof(StateObject, status), 0, "the lifecycle status code"},
    {nullptr, 0, 0, 0, nullptr},
};

}  // namespace

PyObject* new_persistent_state(PyObject* session, PyObject* identity_class, PyObject* identity) {
    StateObject* s = alloc_state();
    if (!s) return nullptr;
    Py_SETREF(s->session, Py_NewRef(session));
    Py_CLEAR(s->key);
    s->identity_class = Py_NewRef(identity_class);
    s->identity = Py_NewRef(identity);
    s->status = static_cast<int>(Status::Persistent);
    return reinterpret_cast<PyObject*>(s);
}

bool is_instance_state(PyObject* obj) { return Py_IS_TYPE(obj, &StateType); }

bool state_expired(PyObject* state) {
    return reinterpret_cast<StateObject*>(state)->expired == Py_True;
}

void clear_state_expired(PyObject* state) {
    Py_SETREF(reinterpret_cast<StateObject*>(state)->expired, Py_NewRef(Py_False));
}

void reset_state_history(PyObject* state) {
    clear_state_expired(state);
    Py_SETREF(reinterpret_cast<StateObject*>(state)->committed, Py_NewRef(Py_None));
}

void register_state(pybind11::module_& m) {
    StateType.tp_name = "cormorant._native.InstanceState";
    StateType.tp_basicsize = sizeof(StateObject);
    StateType.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC;
    StateType.tp_new = state_new;
    StateType.tp_dealloc = state_dealloc;
    StateType.tp_traverse = state_traverse;
    StateType.tp_clear = state_clear;
    StateType.tp_members = state_members;
    StateType.tp_getset = state_getset;
    StateType.tp_doc = "ORM bookkeeping for one mapped object.";
    if (PyType_Ready(&StateType) < 0) throw pybind11::error_already_set();
    m.attr("InstanceState") = pybind11::handle(reinterpret_cast<PyObject*>(&StateType));
}

}  // namespace cormorant::bindings
