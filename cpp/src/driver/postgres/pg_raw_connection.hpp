// A libpqxx connection that also hands out libpq's PGconn: libpqxx opens and
// closes the connection, and cormorant sends every statement through libpq
// itself (interruptible waits, pipeline mode). It is libpqxx's own connection
// class rebuilt on a connection policy that remembers the handle it manages.
#pragma once

#include <libpq-fe.h>

#include <pqxx/connection>
#include <string>

namespace cormorant::driver::postgres {

class HandleKeepingPolicy : public pqxx::connect_direct {
  public:
    using pqxx::connect_direct::connect_direct;
    handle do_startconnect(handle orig) override;
    handle do_completeconnect(handle orig) override;
    handle do_dropconnect(handle orig) noexcept override;
    handle do_disconnect(handle orig) noexcept override;
    PGconn* raw() const noexcept { return handle_; }

  private:
    handle handle_ = nullptr;
};

class RawConnection : public pqxx::connection_base {
  public:
    explicit RawConnection(const std::string& options);
    ~RawConnection() noexcept;
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;

    // The live libpq connection, or nullptr when there is none.
    PGconn* raw() const noexcept { return policy_.raw(); }

  private:
    std::string options_;  // must be initialised before policy_, which keeps a reference
    HandleKeepingPolicy policy_;
};

}  // namespace cormorant::driver::postgres
