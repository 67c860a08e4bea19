// pybind11 declarations for connectors, the pool, leases and cursors.
#include "bind_driver.hpp"

#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include <cormorant/driver/postgres/pg_connection.hpp>
#include <cormorant/driver/sqlite/sqlite_connection.hpp>

#include "execute.hpp"
#include "scheduler.hpp"
#include "values.hpp"

namespace py = pybind11;

namespace cormorant::bindings {
namespace {

using pool::Pool;
using pool::PooledConnection;
using release_gil = py::call_guard<py::gil_scoped_release>;

struct Connector {
    pool::ConnectionFactory factory;
};

Connector sqlite_connector(std::string path, double busy_timeout,
                           std::shared_ptr<LoopScheduler> scheduler) {
    driver::sqlite::Options options;
    options.path = std::move(path);
    options.busy_timeout_seconds = busy_timeout;
    options.scheduler = std::move(scheduler);
    return Connector{[options] { return driver::sqlite::connect(options); }};
}

Connector postgres_connector(driver::postgres::Options options,
                             std::shared_ptr<LoopScheduler> scheduler) {
    options.scheduler = std::move(scheduler);
    return Connector{[options] { return driver::postgres::connect(options); }};
}

driver::postgres::Options postgres_options(std::string host, int port, std::string user,
                                           std::string password, std::string dbname,
                                           double connect_timeout,
                                           std::map<std::string, std::string> parameters) {
    driver::postgres::Options o;
    o.host = std::move(host);
    o.port = port;
    o.user = std::move(user);
    o.password = std::move(password);
    o.dbname = std::move(dbname);
    o.connect_timeout_seconds = connect_timeout;
    o.parameters = std::move(parameters);
    return o;
}

pool::PoolKind pool_kind(const std::string& name) {
    if (name == "queue") return pool::PoolKind::Queue;
    if (name == "static") return pool::PoolKind::Static;
    if (name == "null") return pool::PoolKind::Null;
    throw py::value_error("unknown pool kind '" + name + "' (expected queue, static or null)");
}

std::shared_ptr<Pool> make_pool(const Connector& connector, const std::string& kind,
                                std::size_t pool_size, int max_overflow, double timeout,
                                double recycle, bool pre_ping, bool lifo) {
    pool::Options options;
    options.kind = pool_kind(kind);
    options.pool_size = pool_size;
    options.max_overflow = max_overflow;
    options.timeout_seconds = timeout;
    options.recycle_seconds = recycle;
    options.pre_ping = pre_ping;
    options.lifo = lifo;
    return std::make_shared<Pool>(connector.factory, options);
}

driver::Connection& conn(PooledConnection& lease) { return lease.connection(); }

}  // namespace

void register_driver(py::module_& m) {
    init_values();

    py::class_<LoopScheduler, std::shared_ptr<LoopScheduler>>(m, "LoopScheduler")
        .def(py::init<py::object, py::object>(), py::arg("wait_socket"), py::arg("pause"));
    py::class_<Connector>(m, "Connector");
    m.def("sqlite_connector", &sqlite_connector, py::arg("path"), py::arg("busy_timeout"),
          py::arg("scheduler") = nullptr);
    py::class_<driver::postgres::Options>(m, "PostgresOptions")
        .def(py::init(&postgres_options), py::arg("host"), py::arg("port"), py::arg("user"),
             py::arg("password"), py::arg("dbname"), py::arg("connect_timeout"),
             py::arg("parameters"))
        .def_property_readonly("conninfo", &driver::postgres::conninfo);
    m.def("postgres_connector", &postgres_connector, py::arg("options"),
          py::arg("scheduler") = nullptr);

    py::class_<Pool, std::shared_ptr<Pool>>(m, "Pool")
        .def(py::init(&make_pool), py::arg("connector"), py::arg("kind"), py::arg("pool_size"),
             py::arg("max_overflow"), py::arg("timeout"), py::arg("recycle"), py::arg("pre_ping"),
             py::arg("lifo") = false)
        .def("checkout", &Pool::checkout, release_gil())
        .def("checkin", &Pool::checkin, release_gil())
        .def("dispose", &Pool::dispose, release_gil())
        .def("checked_out", &Pool::checked_out)
        .def("idle", &Pool::idle)
        .def("overflow", &Pool::overflow);

    py::class_<PooledConnection, std::shared_ptr<PooledConnection>>(m, "Lease")
        .def_property_readonly("fresh", &PooledConnection::fresh)
        .def_property_readonly("id", &PooledConnection::id)
        .def_property_readonly("invalidated", &PooledConnection::invalidated)
        .def("invalidate", &PooledConnection::invalidate)
        .def("begin", &begin)
        .def("commit", &commit)
        .def("rollback", &rollback)
        .def("in_transaction", [](PooledConnection& l) { return conn(l).in_transaction(); })
        .def("ping", &ping)
        .def_property_readonly("dialect",
                               [](PooledConnection& l) { return std::string(conn(l).dialect()); })
        .def("execute", &execute, py::arg("sql"), py::arg("params"))
        .def("execute_streaming", &execute_streaming, py::arg("sql"), py::arg("params"))
        .def("execute_many", &execute_many, py::arg("sql"), py::arg("keys"), py::arg("rows"));

    py::class_<CursorHandle, std::shared_ptr<CursorHandle>>(m, "Cursor")
        .def_property_readonly("column_names",
                               [](CursorHandle& c) { return c.get().column_names(); })
        .def_property_readonly("rowcount", [](CursorHandle& c) { return c.get().rowcount(); })
        .def_property_readonly("last_insert_id",
                               [](CursorHandle& c) { return c.get().last_insert_id(); })
        .def("close", &CursorHandle::close);
}

}  // namespace cormorant::bindings
