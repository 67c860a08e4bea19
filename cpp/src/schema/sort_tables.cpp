// Foreign-key ordering: repeatedly emit the earliest table (in input order)
// whose referenced tables are all emitted; on a cycle, emit the earliest
// remaining table anyway.
#include "cormorant/schema/sort_tables.hpp"

#include <unordered_map>
#include <unordered_set>

namespace cormorant::schema {
namespace {

struct Pending {
    const std::string* name;
    std::vector<const std::string*> deps;  // known tables only, self excluded
};

std::vector<Pending> collect(const TableDependencies& tables) {
    std::unordered_set<std::string> known;
    std::vector<const std::pair<std::string, std::vector<std::string>>*> unique;
    for (const auto& t : tables)
        if (known.insert(t.first).second) unique.push_back(&t);
    std::vector<Pending> out;
    for (const auto* t : unique) {
        Pending p{&t->first, {}};
        for (const auto& dep : t->second)
            if (dep != t->first && known.count(dep)) p.deps.push_back(&dep);
        out.push_back(std::move(p));
    }
    return out;
}

}  // namespace

std::vector<std::string> sort_tables(const TableDependencies& tables) {
    std::vector<Pending> pending = collect(tables);
    std::unordered_set<std::string> emitted;
    std::vector<std::string> order;
    auto ready = [&](const Pending& p) {
        for (const auto* d : p.deps)
            if (!emitted.count(*d)) return false;
        return true;
    };
    while (!pending.empty()) {
        auto pick = pending.begin();
        while (pick != pending.end() && !ready(*pick)) ++pick;
        if (pick == pending.end()) pick = pending.begin();  // a cycle: break it here
        emitted.insert(*pick->name);
        order.push_back(*pick->name);
        pending.erase(pick);
    }
    return order;
}

}  // namespace cormorant::schema
