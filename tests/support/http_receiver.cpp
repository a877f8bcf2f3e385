#include "support/http_receiver.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

namespace evt::test {

http_receiver::http_receiver(std::vector<int> statuses) : statuses_{std::move(statuses)} {
  listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t size = sizeof address;
  if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener_, 16) != 0 || ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    throw std::runtime_error{"http_receiver: cannot listen"};
  }
  port_ = ntohs(address.sin_port);
  thread_ = std::thread{[this] { serve(); }};
}

http_receiver::~http_receiver() {
  stopping_ = true;
  thread_.join();
  ::close(listener_);
}

std::string http_receiver::url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }

std::vector<http_receiver::request> http_receiver::requests() const {
  const std::lock_guard lock{mutex_};
  return requests_;
}

void http_receiver::serve() {
  while (!stopping_) {
    pollfd waiting{.fd = listener_, .events = POLLIN, .revents = 0};
    if (::poll(&waiting, 1, 20) <= 0) continue;
    const int connection = ::accept(listener_, nullptr, nullptr);
    if (connection < 0) continue;
    // A client that stalls does not hold the receiver (or its destructor) up.
    const timeval patience{.tv_sec = 2, .tv_usec = 0};
    ::setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof patience);
    // One request per connection: read the head, then the body by Content-Length.
    std::string received;
    char buffer[4096];
    std::size_t head_end = std::string::npos;
    request got;
    std::size_t length = 0;
    for (;;) {
      const auto read = ::recv(connection, buffer, sizeof buffer, 0);
      if (read <= 0) break;
      received.append(buffer, static_cast<std::size_t>(read));
      if (head_end == std::string::npos && (head_end = received.find("\r\n\r\n")) != std::string::npos) {
        std::size_t line = received.find("\r\n") + 2;
        while (line < head_end) {
          const auto end = received.find("\r\n", line);
          const auto colon = received.find(':', line);
          if (colon < end) {
            auto name = received.substr(line, colon - line);
            std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
            const auto value = received.find_first_not_of(' ', colon + 1);
            got.headers[name] = value < end ? received.substr(value, end - value) : std::string{};
          }
          line = end + 2;
        }
        const auto& declared = got.headers["content-length"];
        length = std::all_of(declared.begin(), declared.end(), [](unsigned char c) { return std::isdigit(c) != 0; }) && !declared.empty() && declared.size() < 10
                     ? std::stoul(declared)
                     : 0;
      }
      if (head_end != std::string::npos && received.size() >= head_end + 4 + length) break;
    }
    if (head_end != std::string::npos) {
      got.body = received.substr(head_end + 4, length);
      {
        const std::lock_guard lock{mutex_};
        got.answered = requests_.size() < statuses_.size() ? statuses_[requests_.size()] : 200;
        requests_.push_back(got);
      }
      const auto answer = "HTTP/1.1 " + std::to_string(got.answered) + " X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
      ::send(connection, answer.data(), answer.size(), MSG_NOSIGNAL);
    }
    ::close(connection);
  }
}

}  // namespace evt::test
