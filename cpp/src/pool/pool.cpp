// Pool: the public face of PoolState.
#include "cormorant/pool/pool.hpp"

#include "pool_state.hpp"

namespace cormorant::pool {

Pool::Pool(ConnectionFactory factory, Options options)
    : state_(std::make_shared<PoolState>(std::move(factory), options)) {}

Pool::~Pool() { state_->dispose(); }

std::shared_ptr<PooledConnection> Pool::checkout() { return state_->checkout(); }

void Pool::checkin(std::shared_ptr<PooledConnection> lease) {
    if (lease) state_->checkin(*lease);
}

void Pool::dispose() { state_->dispose(); }

std::size_t Pool::checked_out() const { return state_->checked_out_count(); }

std::size_t Pool::idle() const { return state_->idle_count(); }

std::size_t Pool::overflow() const { return state_->overflow_count(); }

const Options& Pool::options() const noexcept { return state_->options; }

}  // namespace cormorant::pool
