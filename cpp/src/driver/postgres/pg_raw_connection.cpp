// RawConnection: libpqxx's connect_direct connection, keeping libpq's handle.
#include "pg_raw_connection.hpp"

namespace cormorant::driver::postgres {

HandleKeepingPolicy::handle HandleKeepingPolicy::do_startconnect(handle orig) {
    return handle_ = connect_direct::do_startconnect(orig);
}

HandleKeepingPolicy::handle HandleKeepingPolicy::do_completeconnect(handle orig) {
    return handle_ = connect_direct::do_completeconnect(orig);
}

HandleKeepingPolicy::handle HandleKeepingPolicy::do_dropconnect(handle orig) noexcept {
    return handle_ = connect_direct::do_dropconnect(orig);
}

HandleKeepingPolicy::handle HandleKeepingPolicy::do_disconnect(handle orig) noexcept {
    return handle_ = connect_direct::do_disconnect(orig);
}

// The same construction as libpqxx's basic_connection_base: the base class is
// handed the policy before the policy is built, and only keeps a reference.
RawConnection::RawConnection(const std::string& options)
    : pqxx::connection_base(policy_), options_(options), policy_(options_) {
    init();
}

RawConnection::~RawConnection() noexcept { close(); }

}  // namespace cormorant::driver::postgres
