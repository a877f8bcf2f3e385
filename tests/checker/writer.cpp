#include "writer.hpp"

#include <evt/error.hpp>
#include <evt/store/put.hpp>

#include <thread>

namespace evt_checker {

write_result writer::write(const write_request& request, std::chrono::seconds patience) {
  const auto deadline = clock::now() + patience;
  std::string id = random_.uuid();
  for (;;) {
    attempt a{.message_id = id,
              .stream = request.stream,
              .type = request.type,
              .role = request.role,
              .command = request.command,
              .error_classes = request.error_classes,
              .writer = request.writer,
              .note = request.note,
              .started = clock::now()};
    bool retry_same_id = false;
    try {
      a.position = evt::store::put(
          session_, {.type = request.type, .data = request.data, .metadata = request.metadata, .id = id},
          request.stream);
      a.outcome = outcome::acknowledged;
    } catch (const evt::duplicate_message_id_error& e) {
      // Only after an unknown outcome with this id: the earlier attempt is
      // in, which is as good as an acknowledgement of this id.
      a.outcome = outcome::acknowledged;
      a.error = std::string{"duplicate id: the earlier attempt is in; "} + e.what();
      a.ended = clock::now();
      history_.add(a);
      return {.acknowledged = true, .message_id = id};
    } catch (const evt::connection_error& e) {
      a.outcome = e.outcome_unknown() ? outcome::unknown : outcome::failed;
      a.error = e.what();
      retry_same_id = e.outcome_unknown() && random_.chance(0.3);
    } catch (const std::exception& e) {
      a.outcome = outcome::failed;
      a.error = e.what();
    }
    a.ended = clock::now();
    const bool done = a.outcome == outcome::acknowledged;
    const auto position = a.position;
    history_.add(std::move(a));
    if (done) return {.acknowledged = true, .position = position, .message_id = id};
    if (clock::now() >= deadline || abandon_) return {.message_id = id};
    std::this_thread::sleep_for(std::chrono::milliseconds{random_.between(50, 300)});
    if (!retry_same_id) id = random_.uuid();
  }
}

}  // namespace evt_checker
