// Result hydration: rows of a cursor become Python values, Rows or mapped
// instances, a batch at a time, following a plan built once per statement.
#pragma once

#include <Python.h>
#include <pybind11/pybind11.h>

#include <vector>

#include "execute.hpp"
#include "values.hpp"

namespace cormorant::bindings {

struct EntityPlan;

// A relationship loaded by the same row (joined eager loading): the related
// entity's columns follow in the row, and the object lands in `attribute`.
struct EagerPlan {
    pybind11::object attribute;     // interned attribute name
    pybind11::object child_object;  // owns `child`
    const EntityPlan* child;
    pybind11::object make_collection;  // owner -> empty collection; None for a scalar
};

// How one mapped class is built from a slice of the columns.
struct EntityPlan {
    pybind11::object cls;
    pybind11::object identity_class;           // the class named in identity keys
    std::vector<pybind11::object> attributes;  // interned attribute names
    std::vector<std::size_t> columns;          // column index per attribute
    std::vector<std::size_t> primary_key;      // column indexes of the primary key
    // The attribute holding a single-column primary key (whose decoded
    // identity is reused), or npos.
    std::size_t key_attribute = static_cast<std::size_t>(-1);
    std::vector<EagerPlan> eager;
    // Inheritance: the column holding the discriminator, and the plan of
    // each of its values (polymorphic identity -> EntityPlan); npos and an
    // empty dict when every row builds `cls`.
    std::size_t discriminator = static_cast<std::size_t>(-1);
    pybind11::dict subclass_plans;

    // `eager` holds (attribute, EntityPlan, make_collection or None) tuples;
    // `polymorphic` is None or (discriminator column, {identity: EntityPlan}).
    EntityPlan(pybind11::object cls, pybind11::object identity_class, pybind11::list attributes,
               std::vector<std::size_t> columns, std::vector<std::size_t> primary_key,
               pybind11::list eager, pybind11::object polymorphic);

    bool polymorphic() const { return discriminator != static_cast<std::size_t>(-1); }
};

// The whole statement: column converters, then outputs (a column index or an
// EntityPlan each). With `keys` None the single output is returned bare.
struct ResultPlan {
    std::vector<ColumnConverter> converters;
    pybind11::object converter_list;  // owns the callables the converters borrow
    struct Output {
        const EntityPlan* entity;  // nullptr for a plain column
        std::size_t column;
    };
    std::vector<pybind11::object> output_objects;  // keeps the EntityPlans alive
    std::vector<Output> outputs;
    pybind11::object keys;

    ResultPlan(pybind11::list converters, pybind11::list outputs, pybind11::object keys);
};

// Fetches every remaining row. `identity_map` (orm.identity.IdentityMap) and `session` are used
// for entity outputs; pass None for both when the plan has no entities. With
// `populate_existing`, objects already in the identity map are refilled from the rows.
pybind11::list fetch_all(CursorHandle& cursor, const ResultPlan& plan,
                         pybind11::handle identity_map, pybind11::handle session,
                         bool populate_existing);

// Fetches and hydrates at most `max_rows` (> 0) further rows: a streaming
// (yield_per) result's next chunk; an empty list once the cursor is
// exhausted. Same arguments as fetch_all otherwise.
pybind11::list fetch_many(CursorHandle& cursor, const ResultPlan& plan, std::size_t max_rows,
                          pybind11::handle identity_map, pybind11::handle session,
                          bool populate_existing);

// Selectin loading: each row is (key, child) or (key columns..., child);
// children are appended, in row order, to a new collection of the parent
// `parents` maps their key to. Every parent gets its collection, empty if
// no row named it.
void fill_collections(pybind11::list rows, std::size_t key_width, pybind11::dict parents,
                      pybind11::object attribute, pybind11::object make_collection);

}  // namespace cormorant::bindings
