#include <evt/evt.hpp>
#include <evt/metrics/endpoint.hpp>
#include <evt/metrics/registry.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <iostream>
#include <string>

namespace {

// GET /metrics over a plain socket: the installed endpoint serves.
std::string get(int port) {
  const int socket = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string response;
  if (connect(socket, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    const std::string request = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if (write(socket, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
      char buffer[4096];
      for (ssize_t read_now; (read_now = read(socket, buffer, sizeof buffer)) > 0;) response.append(buffer, read_now);
    }
  }
  close(socket);
  return response;
}

}  // namespace

int main() {
  // A reservation's counts served by evt::metrics on any free port.
  auto reservation = evt::reservation::substitute();
  evt::metrics::registry registry;
  registry.add(reservation, "Commands");
  const evt::metrics::endpoint endpoint{registry, {.port = 0}};
  const auto response = get(endpoint.port());
  if (response.find("200 OK") == std::string::npos ||
      response.find("evt_reservations_total{handler=\"Commands\",outcome=\"reserved\"} 0") == std::string::npos) {
    std::cerr << "metrics: unexpected response from " << endpoint.url() << ":\n" << response << '\n';
    return 1;
  }
  std::cout << "metrics: served on " << endpoint.url() << '\n';
  return 0;
}
