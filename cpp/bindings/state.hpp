// InstanceState: the per-object ORM bookkeeping (owning session, identity key,
// original values of modified attributes, lifecycle status). A C type so that
// hydration can attach one to each loaded object for the price of one alloc.
#pragma once

#include <Python.h>
#include <pybind11/pybind11.h>

namespace cormorant::bindings {

enum class Status : int { Transient = 0, Pending = 1, Persistent = 2, Deleted = 3, Detached = 4 };

// The attribute of a mapped object that holds its InstanceState.
inline constexpr const char* kStateAttribute = "_cm_state";

// A new persistent state owned by `session` whose identity key is
// (identity_class, identity); all borrowed.
PyObject* new_persistent_state(PyObject* session, PyObject* identity_class, PyObject* identity);

// Whether a loaded object's values must be reloaded (`state` is an InstanceState).
bool is_instance_state(PyObject* obj);
bool state_expired(PyObject* state);
void clear_state_expired(PyObject* state);
// A reloaded object's state: not expired, and no changes kept (populate_existing).
void reset_state_history(PyObject* state);

void register_state(pybind11::module_& m);

}  // namespace cormorant::bindings
