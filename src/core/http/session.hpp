#pragma once
// One client connection: HTTP/1.1 keep-alive on its own strand (session.cpp holds the Beast).

#include <memory>

#include "core/http/server_state.hpp"

namespace nelo::http::detail {

// Registers the connection with the server and serves it until it closes.
void start_connection(Socket socket, std::shared_ptr<ServerState> state);

}  // namespace nelo::http::detail
