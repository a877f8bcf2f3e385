#include "foreign.hpp"

#include "clients.hpp"
#include "process.hpp"
#include "writer.hpp"

#include <evt/store/get.hpp>
#include <evt/store/read.hpp>
#include <evt/store/session.hpp>

#include <nlohmann/json.hpp>

#include <fstream>

namespace evt_checker {

namespace {

bool is_marked(const std::optional<std::string>& metadata) {
  if (!metadata) return false;
  const auto json = nlohmann::json::parse(*metadata, nullptr, false);
  if (!json.is_object()) return false;
  const auto local = json.find("localProperties");
  if (local == json.end() || !local->is_object()) return false;
  const auto marker = local->find("reserved");
  return marker != local->end() && !marker->is_null() && *marker != false;
}

// The component's reserved copies so far: position 0 of a reservation
// stream (account:command-<account>+<key>), marked.
std::vector<evt::store::message_data> reserved_copies(evt::store::session& session) {
  std::vector<evt::store::message_data> copies;
  evt::store::read_category(session, "account:command", [&](const evt::store::message_data& m) {
    if (m.position == 0 && m.stream_name.find('+') != std::string::npos && is_marked(m.metadata)) copies.push_back(m);
  });
  return copies;
}

}  // namespace

foreign_writer::foreign_writer(const schedule& schedule, std::string conninfo, std::string evt, std::string log,
                               history& history, const std::atomic<bool>& abandon, clock::time_point origin)
    : schedule_{schedule},
      conninfo_{std::move(conninfo)},
      evt_{std::move(evt)},
      log_{std::move(log)},
      history_{history},
      abandon_{abandon},
      origin_{origin} {}

foreign_writer::~foreign_writer() { join(); }

void foreign_writer::start() {
  thread_ = std::thread{[this] { run(); }};
}

void foreign_writer::join() {
  if (thread_.joinable()) thread_.join();
}

void foreign_writer::run() {
  evt::store::session session{{.conninfo = conninfo_}};
  writer write{session, history_, schedule_.seed ^ 0xf0e19, abandon_};
  const auto log = [&](const std::string& line) {
    std::ofstream{log_, std::ios::app}
        << "=== checker at "
        << std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - origin_).count() << " ms: " << line
        << std::endl;
  };
  for (const auto& w : schedule_.foreign) {
    const auto at = origin_ + std::chrono::milliseconds{w.at_ms};
    if (clock::now() < at) pause(std::chrono::duration_cast<std::chrono::milliseconds>(at - clock::now()), abandon_);
    if (abandon_) return;
    const auto command = w.command ? &schedule_.commands[*w.command] : nullptr;
    // A client's command written again comes after the client wrote it (at
    // most 10 s later than planned), and after the component had a moment
    // to handle it.
    if (command != nullptr && command->origin == "client") {
      const auto latest = clock::now() + std::chrono::seconds{10};
      while (!history_.has_acknowledged(*w.command) && clock::now() < latest && !abandon_) {
        pause(std::chrono::milliseconds{50}, abandon_);
      }
      pause(std::chrono::milliseconds{300}, abandon_);
      if (abandon_) return;
    }
    log("foreign " + w.describe());
    const auto command_request = [&](const std::string& stream, const std::optional<std::string>& metadata) {
      return write_request{.stream = stream,
                           .type = command->type,
                           .data = command->data,
                           .metadata = metadata,
                           .role = role::valid,
                           .command = w.command,
                           .writer = "foreign " + name_of(w.kind),
                           .note = w.note};
    };
    try {
      switch (w.kind) {
        case foreign_kind::forged:
        case foreign_kind::forged_close:
          for (int k = 0; k < w.times; ++k) {
            write.write(command_request("account:command-" + command->account, forged_metadata));
          }
          break;
        case foreign_kind::ruby:
          for (int k = 0; k < w.times; ++k) write.write(command_request("account:command-" + command->account, w.metadata));
          break;
        case foreign_kind::other_stream:
          write.write(command_request("account:command-" + command->account + "+other", std::nullopt));
          break;
        case foreign_kind::evt_write: {
          const auto deadline = clock::now() + std::chrono::seconds{90};
          for (;;) {
            const auto id = write.random().uuid();
            attempt a{.message_id = id,
                      .stream = "account:command-" + command->account,
                      .type = command->type,
                      .role = role::valid,
                      .command = w.command,
                      .writer = "evt write",
                      .note = w.note,
                      .started = clock::now()};
            const auto done = evt_checker::run({evt_, "write", a.stream, command->type, command->data, "--id", id,
                                                "--database", conninfo_, "--json"},
                                               log_, std::chrono::seconds{60});
            a.ended = clock::now();
            if (exited_zero(done.status)) {
              a.outcome = outcome::acknowledged;
              const auto json = nlohmann::json::parse(done.output, nullptr, false);
              if (json.is_object() && json.contains("position") && json["position"].is_number_integer()) {
                a.position = json["position"].get<std::int64_t>();
              }
            } else {
              // Exit 1: the store refused or could not be reached; a lost
              // connection leaves the outcome unknown.
              a.outcome = outcome::unknown;
              a.error = "evt write: " + describe_status(done.status);
            }
            const bool acknowledged = a.outcome == outcome::acknowledged;
            history_.add(std::move(a));
            if (acknowledged || clock::now() > deadline || abandon_) break;
            pause(std::chrono::milliseconds{200}, abandon_);
          }
          break;
        }
        case foreign_kind::poison:
          write.write({.stream = w.stream,
                       .type = w.type,
                       .data = w.data,
                       .metadata = w.metadata,
                       .role = role::poison,
                       .error_classes = w.error_classes,
                       .writer = "foreign poison",
                       .note = w.note});
          break;
        case foreign_kind::copy_again: {
          const auto copies = reserved_copies(session);
          if (copies.empty()) {
            log("no reserved copy yet: nothing written again");
            break;
          }
          const auto& copy = write.random().pick(copies);
          write.write({.stream = copy.stream_name,
                       .type = copy.type,
                       .data = copy.data,
                       .metadata = copy.metadata,
                       .role = role::copy_again,
                       .error_classes = {"evt::duplicate_reservation_error"},
                       .writer = "foreign copy again",
                       .note = "copy " + copy.id + " of " + copy.stream_name + "/0 written again"});
          break;
        }
        case foreign_kind::service_event: {
          // The other service's own command first: the event's sequence is
          // its global position, as an Eventide handler's would be.
          const auto own = "bankTransfer:command-" + write.random().uuid();
          const auto written = write.write({.stream = own,
                                            .type = "Transfer",
                                            .data = std::string{"{\"note\": \"the other service's command\"}"},
                                            .role = role::event,
                                            .writer = "foreign service",
                                            .note = "the other service's command"});
          if (!written.acknowledged) break;
          const auto last = evt::store::get_last(session, own);
          if (!last) break;
          write.write({.stream = w.stream,
                       .type = w.type,
                       .data = w.data + ", \"sequence\": " + std::to_string(last->global_position) + "}",
                       .role = role::event,
                       .writer = "foreign service",
                       .note = w.note});
          break;
        }
        case foreign_kind::unknown_event:
          write.write({.stream = w.stream,
                       .type = w.type,
                       .data = w.data,
                       .role = role::event,
                       .writer = "foreign service",
                       .note = w.note});
          break;
      }
    } catch (const std::exception& failure) {
      log(std::string{"foreign write failed: "} + failure.what());
    }
  }
}

}  // namespace evt_checker
