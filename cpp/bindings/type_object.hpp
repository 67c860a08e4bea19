// Static CPython type objects without partial aggregate initialisers: a
// PyTypeObject (or slot table) starts value-initialised, every slot null, and
// its register function fills the slots it uses by name before PyType_Ready.
#pragma once

#include <Python.h>

namespace cormorant::bindings {

// An empty static type object carrying the object head CPython's own static
// types start with (PyVarObject_HEAD_INIT: refcount and no metatype yet).
inline PyTypeObject empty_type_object() {
    static const PyVarObject head[] = {PyVarObject_HEAD_INIT(nullptr, 0)};
    PyTypeObject type{};
    type.ob_base = head[0];
    return type;
}

}  // namespace cormorant::bindings
