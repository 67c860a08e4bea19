// The native hot loop: RowBatch cells → Python objects. Identity-map lookups
// happen here by primary key; new instances are created with object.__new__
// semantics (no __init__) and get their InstanceState attached.
#include "hydrate.hpp"

#include <cormorant/error.hpp>
#include <cormorant/result/prefetcher.hpp>
#include <cormorant/result/row_batch.hpp>
#include <memory>
#include <unordered_map>
#include <unordered_set>

#include "interrupt.hpp"
#include "row.hpp"
#include "state.hpp"

namespace py = pybind11;

namespace cormorant::bindings {
namespace {

constexpr std::size_t kBatchRows = 1024;

PyObject* state_attribute_name() {
    static PyObject* name = PyUnicode_InternFromString(kStateAttribute);
    return name;
}

class GcPause {
  public:
    GcPause() : was_enabled_(PyGC_Disable() == 1) {}
    ~GcPause() {
        if (was_enabled_) PyGC_Enable();
    }
    GcPause(const GcPause&) = delete;
    GcPause& operator=(const GcPause&) = delete;

  private:
    bool was_enabled_;
};

struct FillKey {
    PyObject* owner;
    const EagerPlan* eager;
    bool operator==(const FillKey& o) const { return owner == o.owner && eager == o.eager; }
};
struct FillKeyHash {
    std::size_t operator()(const FillKey& k) const {
        return std::hash<const void*>()(k.owner) * 31 + std::hash<const void*>()(k.eager);
    }
};
struct Filling {
    PyObject* collection = nullptr;  // borrowed; null when nothing is filled
    std::unordered_set<PyObject*> members;
};

class BatchHydrator {
  public:
    BatchHydrator(const ResultPlan& plan, PyObject* identity_map, PyObject* session,
                  bool populate_existing)
        : plan_(plan),
          identity_map_(identity_map),
          session_(session),
          populate_existing_(populate_existing) {}

    // A new reference to the output of `row`, or nullptr with an error set.
    PyObject* build(const result::RowBatch& batch, std::size_t row) {
        batch_ = &batch;
        row_ = row;
        if (plan_.keys.is_none()) return output(plan_.outputs[0]);
        Py_ssize_t n = static_cast<Py_ssize_t>(plan_.outputs.size());
        PyObject* out = new_row(plan_.keys.ptr(), n);
        if (!out) return nullptr;
        for (Py_ssize_t i = 0; i < n; ++i) {
            PyObject* value = output(plan_.outputs[static_cast<std::size_t>(i)]);
            if (!value) {
                Py_DECREF(out);  // unfilled slots are null, which row_dealloc skips
                return nullptr;
            }
            set_row_item(out, i, value);
        }
        finish_row(out);
        return out;
    }

  private:
    PyObject* column(std::size_t index) {
        return decode_cell(*batch_, batch_->cell(row_, index), plan_.converters[index]);
    }

    PyObject* output(const ResultPlan::Output& spec) {
        return spec.entity ? entity(*spec.entity) : column(spec.column);
    }

    // The primary key value (a tuple for a composite key); None when every
    // key column is NULL, as for an outer join that found no row.
    PyObject* identity_value(const EntityPlan& e) {
        if (e.primary_key.size() == 1) return column(e.primary_key[0]);
        PyObject* t = PyTuple_New(static_cast<Py_ssize_t>(e.primary_key.size()));
        bool all_null = true;
        for (std::size_t i = 0; t && i < e.primary_key.size(); ++i) {
            PyObject* v = column(e.primary_key[i]);
            if (!v) {
                Py_CLEAR(t);
                break;
            }
            all_null = all_null && v == Py_None;
            PyTuple_SET_ITEM(t, static_cast<Py_ssize_t>(i), v);
        }
        if (t && all_null) {
            Py_DECREF(t);
            return Py_NewRef(Py_None);
        }
        return t;
    }

    // Sets the entity's column attributes in `dict`; `atomic` (if given) is
    // cleared when a value could hold references (a JSON dict, say).
    bool fill(PyObject* dict, const EntityPlan& e, bool* atomic = nullptr,
              PyObject* identity = nullptr) {
        for (std::size_t i = 0; i < e.attributes.size(); ++i) {
            const bool is_key = identity && i == e.key_attribute;
            PyObject* v = is_key ? Py_NewRef(identity) : column(e.columns[i]);
            if (!v) return false;
            if (atomic && PyObject_IS_GC(v) &&
                !(PyTuple_CheckExact(v) && !PyObject_GC_IsTracked(v)))
                *atomic = false;
            int rc = PyDict_SetItem(dict, e.attributes[i].ptr(), v);
            Py_DECREF(v);
            if (rc < 0) return false;
        }
        return true;
    }

    // An object found in the identity map keeps its loaded state unless
    // expired; with populate_existing the row overwrites it, changes included.
    PyObject* existing(PyObject* obj, const EntityPlan& e) {
        PyObject* dict = PyObject_GenericGetDict(obj, nullptr);
        if (!dict) return nullptr;
        PyObject* state = PyDict_GetItemWithError(dict, state_attribute_name());
        bool ok = state != nullptr || !PyErr_Occurred();
        if (state && is_instance_state(state) && (populate_existing_ || state_expired(state))) {
            ok = fill(dict, e);
            if (ok && populate_existing_) reset_state_history(state);
            if (ok && !populate_existing_) clear_state_expired(state);
        }
        Py_DECREF(dict);
        return ok ? Py_NewRef(obj) : nullptr;
    }

    // A new persistent object with this identity, loaded from the row and
    // registered in `objects` (its class's part of the identity map).
    PyObject* create(const EntityPlan& e, PyObject* objects, PyObject* identity) {
        static PyObject* no_args = PyTuple_New(0);
        auto* type = reinterpret_cast<PyTypeObject*>(e.cls.ptr());
        PyObject* obj = PyBaseObject_Type.tp_new(type, no_args, nullptr);
        if (!obj) return nullptr;
        PyObject* dict = PyObject_GenericGetDict(obj, nullptr);
        PyObject* state =
            dict ? new_persistent_state(session_, e.identity_class.ptr(), identity) : nullptr;
        bool atomic = true;
        bool ok = state && fill(dict, e, &atomic, identity) &&
                  PyDict_SetItem(dict, state_attribute_name(), state) == 0 &&
                  (!objects || PyDict_SetItem(objects, identity, obj) == 0);
        // Loaded column values and the state (see state.cpp) cannot lead back
        // to this object, so the cyclic GC need not visit this dict; CPython
        // tracks it again as soon as a container is stored in it.
        if (ok && atomic) PyObject_GC_UnTrack(dict);
        Py_XDECREF(state);
        Py_XDECREF(dict);
        if (!ok) Py_CLEAR(obj);
        return obj;
    }

    PyObject* entity(const EntityPlan& e) {
        PyObject* identity = identity_value(e);
        if (!identity || identity == Py_None) return identity;  // None: an outer join found no row
        const EntityPlan* built = e.polymorphic() ? plan_for_row(e) : &e;
        PyObject* objects = nullptr;
        PyObject* obj = nullptr;
        if (built && objects_for(e, objects)) {
            PyObject* found = objects ? PyDict_GetItemWithError(objects, identity) : nullptr;
            if (found) {
                Py_INCREF(found);  // converters may run Python that evicts it
                obj = existing(found, *built);
                Py_DECREF(found);
            } else if (!PyErr_Occurred()) {
                obj = create(*built, objects, identity);
            }
        }
        Py_DECREF(identity);
        if (obj && !e.eager.empty() && !load_eager(obj, e)) Py_CLEAR(obj);
        return obj;
    }

    // The plan of the class this row's discriminator names (inheritance);
    // a NULL discriminator builds the queried class, as SQLAlchemy does.
    const EntityPlan* plan_for_row(const EntityPlan& e) {
        PyObject* identity = column(e.discriminator);
        if (!identity) return nullptr;
        const EntityPlan* chosen = &e;
        if (identity != Py_None) {
            PyObject* plan = PyDict_GetItemWithError(e.subclass_plans.ptr(), identity);
            if (plan) {
                chosen = py::handle(plan).cast<const EntityPlan*>();
            } else {
                if (!PyErr_Occurred())
                    PyErr_Format(PyExc_AssertionError,
                                 "No such polymorphic_identity %R is defined for %R", identity,
                                 e.cls.ptr());
                chosen = nullptr;
            }
        }
        Py_DECREF(identity);
        return chosen;
    }

    // The related objects of `obj` carried by this row (joined eager loads).
    bool load_eager(PyObject* obj, const EntityPlan& e) {
        for (const EagerPlan& eager : e.eager) {
            PyObject* related = entity(*eager.child);
            if (!related) return false;
            bool ok = attach(obj, eager, related);
            Py_DECREF(related);
            if (!ok) return false;
        }
        return true;
    }

    // The first row naming `obj` decides: an attribute already loaded is left
    // alone; otherwise it is set (a scalar) or a new collection is filled by
    // this and later rows, each related object once.
    bool attach(PyObject* obj, const EagerPlan& eager, PyObject* related) {
        auto [slot, first] = filling_.try_emplace(FillKey{obj, &eager});
        Filling& filling = slot->second;
        if (first && !start_filling(obj, eager, related, filling)) return false;
        if (!filling.collection || related == Py_None) return true;
        if (!filling.members.insert(related).second) return true;
        return PyList_Append(filling.collection, related) == 0;
    }

    bool start_filling(PyObject* obj, const EagerPlan& eager, PyObject* related, Filling& filling) {
        PyObject* dict = PyObject_GenericGetDict(obj, nullptr);
        if (!dict) return false;
        int present = PyDict_Contains(dict, eager.attribute.ptr());
        bool ok = present >= 0;
        if (present == 0) {
            if (eager.make_collection.is_none()) {
                ok = PyDict_SetItem(dict, eager.attribute.ptr(), related) == 0;
            } else {
                PyObject* collection = PyObject_CallOneArg(eager.make_collection.ptr(), obj);
                ok = collection && PyDict_SetItem(dict, eager.attribute.ptr(), collection) == 0;
                filling.collection = collection;  // the instance dict keeps it alive
                Py_XDECREF(collection);
            }
        }
        Py_DECREF(dict);
        return ok;
    }

    // The identity map's dict for e's class (nullptr without an identity
    // map), asked for once per fetch; false with an error set on failure.
    bool objects_for(const EntityPlan& e, PyObject*& objects) {
        for (const auto& [plan, dict] : class_maps_) {
            if (plan == &e) {
                objects = dict.ptr();
                return true;
            }
        }
        if (identity_map_ == Py_None) return true;
        PyObject* dict =
            PyObject_CallMethod(identity_map_, "for_class", "O", e.identity_class.ptr());
        if (!dict) return false;
        class_maps_.emplace_back(&e, py::reinterpret_steal<py::object>(dict));
        objects = dict;
        return true;
    }

    const ResultPlan& plan_;
    PyObject* identity_map_;
    PyObject* session_;
    bool populate_existing_;
    const result::RowBatch* batch_ = nullptr;
    std::size_t row_ = 0;
    std::vector<std::pair<const EntityPlan*, py::object>> class_maps_;
    // Owners and related objects stay referenced by the identity map and the
    // result, so their addresses are stable keys for the whole fetch.
    std::unordered_map<FillKey, Filling, FillKeyHash> filling_;
};

}  // namespace

EntityPlan::EntityPlan(py::object cls_, py::object identity_class_, py::list attributes_,
                       std::vector<std::size_t> columns_, std::vector<std::size_t> primary_key_,
                       py::list eager_, py::object polymorphic)
    : cls(std::move(cls_)),
      identity_class(std::move(identity_class_)),
      columns(std::move(columns_)),
      primary_key(std::move(primary_key_)) {
    if (!PyType_Check(cls.ptr())) throw py::type_error("EntityPlan needs a class");
    for (py::handle name : attributes_) {
        PyObject* interned = Py_NewRef(name.ptr());
        PyUnicode_InternInPlace(&interned);
        attributes.push_back(py::reinterpret_steal<py::object>(interned));
    }
    if (attributes.size() != columns.size()) throw py::value_error("one column per attribute");
    if (primary_key.empty()) throw py::value_error("a mapped class needs a primary key");
    for (std::size_t i = 0; primary_key.size() == 1 && i < columns.size(); ++i) {
        if (columns[i] == primary_key[0]) key_attribute = i;
    }
    for (py::handle item : eager_) {
        auto spec = item.cast<py::tuple>();
        if (spec.size() != 3)
            throw py::value_error("an eager load is (attribute, plan, make_collection)");
        PyObject* name = Py_NewRef(spec[0].ptr());
        PyUnicode_InternInPlace(&name);
        eager.push_back({py::reinterpret_steal<py::object>(name), spec[1],
                         spec[1].cast<const EntityPlan*>(), spec[2]});
    }
    if (polymorphic.is_none()) return;
    auto spec = polymorphic.cast<py::tuple>();
    if (spec.size() != 2)
        throw py::value_error("polymorphic is (discriminator column, {identity: plan})");
    discriminator = spec[0].cast<std::size_t>();
    subclass_plans = spec[1].cast<py::dict>();
    for (auto [identity, plan] : subclass_plans) {
        if (!py::isinstance<EntityPlan>(plan))
            throw py::type_error("a polymorphic identity maps to an EntityPlan");
    }
}

ResultPlan::ResultPlan(py::list converters_, py::list outputs_, py::object keys_)
    : converter_list(converters_), keys(std::move(keys_)) {
    if (!parse_converters(converters_.ptr(), converters)) throw py::error_already_set();
    for (py::handle o : outputs_) {
        if (py::isinstance<EntityPlan>(o)) {
            outputs.push_back({o.cast<const EntityPlan*>(), 0});
        } else if (PyLong_Check(o.ptr())) {
            outputs.push_back({nullptr, o.cast<std::size_t>()});
        } else {
            throw py::type_error("a result output is a column index or an EntityPlan");
        }
        output_objects.push_back(py::reinterpret_borrow<py::object>(o));
    }
    if (keys.is_none() && outputs.size() != 1)
        throw py::value_error("a plan without row keys has exactly one output");
    if (!keys.is_none() && !is_row_keys(keys.ptr())) throw py::type_error("keys must be RowKeys");
}

namespace {

// The cursor of `handle`, checked to carry every column `plan` reads.
driver::Cursor& cursor_for(CursorHandle& handle, const ResultPlan& plan) {
    driver::Cursor& cursor = handle.get();
    if (cursor.column_names().size() < plan.converters.size())
        throw Error(ErrorKind::Internal, "the result has fewer columns than its plan expects");
    return cursor;
}

// The lease's turn on its connection, waited for without the GIL (the call
// holding it may need the GIL to finish) and held while the rows are read.
pool::ConnectionTurn take_turn(const pool::PooledConnection& lease) {
    py::gil_scoped_release released;
    return lease.take_turn();
}

// One fetch, without the GIL. A streaming cursor waits on the server, so a
// KeyboardInterrupt kept while it waited replaces what the fetch ends with.
std::size_t fetch_batch(driver::Cursor& cursor, result::RowBatch& batch, std::size_t rows) {
    std::size_t fetched = 0;
    try {
        py::gil_scoped_release released;
        fetched = cursor.fetch(batch, rows);
    } catch (const Error&) {
        if (restore_interrupt()) throw py::error_already_set();
        throw;
    }
    if (restore_interrupt()) throw py::error_already_set();
    return fetched;
}

// Appends the output of every row of `batch` to `out`; then, under an event
// loop, lets other tasks run if this result has held the thread long enough.
void hydrate_batch(BatchHydrator& hydrator, const result::RowBatch& batch, py::list& out,
                   driver::Scheduler* scheduler) {
    for (std::size_t r = 0; r < batch.rows(); ++r) {
        PyObject* value = hydrator.build(batch, r);
        if (!value || PyList_Append(out.ptr(), value) < 0) {
            Py_XDECREF(value);
            throw py::error_already_set();
        }
        Py_DECREF(value);
    }
    if (scheduler != nullptr) scheduler->share_time();
}

}  // namespace

py::list fetch_all(CursorHandle& handle, const ResultPlan& plan, py::handle identity_map,
                   py::handle session, bool populate_existing) {
    const pool::ConnectionClaim claim = handle.lease->claim();
    const pool::ConnectionTurn turn = take_turn(*handle.lease);
    driver::Cursor& cursor = cursor_for(handle, plan);
    driver::Scheduler* scheduler = handle.lease->connection().scheduler();
    BatchHydrator hydrator(plan, identity_map.ptr(), session.ptr(), populate_existing);
    py::list out;
    // Collections would traverse the ever-growing result many times over; one
    // pass after the loop does the same job once.
    GcPause gc_paused;
    result::RowBatch first(cursor.column_names().size());
    {
        py::gil_scoped_release released;
        cursor.fetch(first, kBatchRows);
    }
    hydrate_batch(hydrator, first, out, scheduler);
    if (first.rows() < kBatchRows) return out;
    // A large result: the driver decodes the next batches on another thread
    // while this one builds Python objects. The prefetcher lives on the heap:
    // under an event loop this call's stack is copied away while other tasks
    // run (greenlet), and the other thread must not write into it meanwhile.
    const auto prefetcher = std::make_unique<result::Prefetcher>(cursor, kBatchRows);
    for (;;) {
        const result::RowBatch* batch = nullptr;
        {
            py::gil_scoped_release released;
            batch = prefetcher->next();
        }
        if (batch == nullptr) return out;
        hydrate_batch(hydrator, *batch, out, scheduler);
    }
}

py::list fetch_many(CursorHandle& handle, const ResultPlan& plan, std::size_t max_rows,
                    py::handle identity_map, py::handle session, bool populate_existing) {
    if (max_rows == 0) throw py::value_error("fetch_many needs max_rows > 0");
    const pool::ConnectionClaim claim = handle.lease->claim();
    const pool::ConnectionTurn turn = take_turn(*handle.lease);
    driver::Cursor& cursor = cursor_for(handle, plan);
    const std::size_t columns = cursor.column_names().size();
    // A hydrator per chunk: a joined collection could not continue into the
    // next chunk, which is why yield_per refuses joined eager collections.
    BatchHydrator hydrator(plan, identity_map.ptr(), session.ptr(), populate_existing);
    py::list out;
    GcPause gc_paused;
    // One batch, refilled: the caller consumes a chunk before asking for the
    // next, so there is nothing for a prefetch thread to overlap with.
    result::RowBatch batch(columns);
    driver::Scheduler* scheduler = handle.lease->connection().scheduler();
    for (std::size_t left = max_rows; left > 0;) {
        batch.reset(columns);
        const std::size_t fetched =
            fetch_batch(cursor, batch, left < kBatchRows ? left : kBatchRows);
        if (fetched == 0) break;
        hydrate_batch(hydrator, batch, out, scheduler);
        left -= fetched;
    }
    return out;
}

void fill_collections(py::list rows, std::size_t key_width, py::dict parents, py::object attribute,
                      py::object make_collection) {
    py::dict collections;  // parent key -> its new collection
    auto collection_for = [&](PyObject* key) -> PyObject* {
        PyObject* found = PyDict_GetItemWithError(collections.ptr(), key);
        if (found || PyErr_Occurred()) return found;
        PyObject* parent = PyDict_GetItemWithError(parents.ptr(), key);
        if (!parent) return nullptr;
        py::object made =
            py::reinterpret_steal<py::object>(PyObject_CallOneArg(make_collection.ptr(), parent));
        if (!made || PyDict_SetItem(collections.ptr(), key, made.ptr()) < 0) return nullptr;
        return made.ptr();  // `collections` keeps it alive
    };
    for (py::handle row : rows) {
        py::object key = py::reinterpret_steal<py::object>(
            key_width == 1 ? PySequence_GetItem(row.ptr(), 0)
                           : PySequence_GetSlice(row.ptr(), 0, static_cast<Py_ssize_t>(key_width)));
        if (key && key_width > 1)
            key = py::reinterpret_steal<py::object>(PySequence_Tuple(key.ptr()));
        if (!key) throw py::error_already_set();
        PyObject* collection = collection_for(key.ptr());
        if (!collection) {
            if (PyErr_Occurred()) throw py::error_already_set();
            continue;  // a row for a parent that is not being loaded
        }
        py::object child = py::reinterpret_steal<py::object>(
            PySequence_GetItem(row.ptr(), static_cast<Py_ssize_t>(key_width)));
        if (!child || PyList_Append(collection, child.ptr()) < 0) throw py::error_already_set();
    }
    for (auto [key, parent] : parents) {
        PyObject* collection = collection_for(key.ptr());
        if (!collection) throw py::error_already_set();
        py::object dict =
            py::reinterpret_steal<py::object>(PyObject_GenericGetDict(parent.ptr(), nullptr));
        if (!dict || PyDict_SetItem(dict.ptr(), attribute.ptr(), collection) < 0)
            throw py::error_already_set();
    }
}

}  // namespace cormorant::bindings
