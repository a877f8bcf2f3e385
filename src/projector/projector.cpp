#include <evt/projector/projector.hpp>

#include <evt/consumer/position_store.hpp>
#include <evt/dead_letter/dead_letter.hpp>
#include <evt/error.hpp>
#include <evt/error_kind.hpp>
#include <evt/log.hpp>
#include <evt/store/get.hpp>
#include <evt/store/put.hpp>
#include <evt/stream_name.hpp>

#include <nlohmann/json.hpp>

#include <thread>
#include <utility>

namespace evt {

projector::projector(store::session& session, settings settings)
    : session_{session},
      settings_{std::move(settings)},
      position_stream_{position_store::stream_name(settings_.category, settings_.name)} {
  if (settings_.batch_size < 1) {
    throw error{"A projector's batch size must be at least 1 (Projector: " + settings_.name + ")"};
  }
}

projector& projector::apply_raw(std::string type, applier apply) {
  appliers_.insert_or_assign(std::move(type), std::move(apply));
  return *this;
}

projector::recorded projector::read_position() {
  const auto last = store::get_last(session_, position_stream_);
  if (!last) return {};
  try {
    return {.position = nlohmann::json::parse(last->data.value_or("{}")).at("position").get<std::int64_t>(),
            .version = last->position};
  } catch (const nlohmann::json::exception& failure) {
    throw decode_error{position_stream_, last->position, last->type, "position", failure.what()};
  }
}

std::int64_t projector::position() { return read_position().position; }

void projector::record(store::transaction& transaction, const recorded& from, std::int64_t position) {
  store::put(transaction, position_store::recorded(position), position_stream_, from.version);
}

std::int64_t projector::catch_up(std::optional<std::int64_t> until) { return catch_up(until, nullptr); }

bool projector::transaction_at(const recorded& from, const std::function<void(store::transaction&)>& work) {
  return session_.transaction([&](store::transaction& transaction) {
    // One batch of a projector's name at a time: two projectors of one
    // name never lock the application's rows in opposite orders (a
    // deadlock); the one that waited finds the position moved on.
    transaction.execute("SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))",
                        {std::string{"evt projector"}, position_stream_});
    if (read_position().version != from.version) return false;
    work(transaction);
    return true;
  });
}

bool projector::apply_batch(const recorded& from, std::span<const store::message_data> events, std::size_t& applying) {
  // Counted once committed: a batch rolled back never shows in the counts
  // (which a metrics endpoint may be reading meanwhile).
  std::int64_t applied = 0;
  std::int64_t skipped = 0;
  const bool committed = transaction_at(from, [&](store::transaction& transaction) {
    for (applying = 0; applying < events.size(); ++applying) {
      const auto& event = events[applying];
      const auto found = appliers_.find(event.type);
      if (found == appliers_.end()) {
        ++skipped;
        continue;
      }
      found->second(transaction, event);
      ++applied;
    }
    record(transaction, from, events.back().global_position);
  });
  if (committed) {
    counts_.applied += applied;
    counts_.skipped += skipped;
  }
  return committed;
}

bool projector::park(const recorded& from, const store::message_data& event) {
  const auto reason = dead_letter::reason_of_current_exception(dead_letter::parker::projector, position_stream_, 1);
  const auto stream = dead_letter::stream_of(dead_letter::category_of(settings_.category), event.stream_name);
  const auto letter = dead_letter::copy(event, reason, dead_letter::letter_id(position_stream_, event));
  bool parked_before = false;
  bool committed = false;
  try {
    committed = transaction_at(from, [&](store::transaction& transaction) {
      store::put(transaction, letter, stream);
      record(transaction, from, event.global_position);
    });
  } catch (const duplicate_message_id_error&) {
    // A rebuild meets it again: its letter (the same id) is there already;
    // unless another writer took that id: then with a random one.
    parked_before = dead_letter::is_letter_of(session_, *letter.id, event);
    const auto another = dead_letter::copy(event, reason);
    committed = transaction_at(from, [&](store::transaction& transaction) {
      if (!parked_before) store::put(transaction, another, stream);
      record(transaction, from, event.global_position);
    });
  }
  if (!committed) return false;
  ++counts_.parked;
  counts_.took(event.global_position);
  const auto line = "Event parked (Error Class: " + reason.error_class + ", Error Message: " + reason.error +
                    ", Type: " + event.type + ", Stream Name: " + event.stream_name +
                    ", GlobalPosition: " + std::to_string(event.global_position) + ", Projector: " + settings_.name +
                    (parked_before ? ", parked before)" : ", Dead Letter Stream: " + stream + ")");
  log_or_stderr(settings_.log, line);
  return true;
}

std::int64_t projector::catch_up(std::optional<std::int64_t> until, const std::function<bool()>& stopping) {
  std::int64_t handled = 0;
  std::optional<std::size_t> poison_at;  // in the next batch: apply only the events before it
  while (!stopping || !stopping()) {
    const auto from = read_position();
    counts_.resume_at(from.position);
    auto batch = store::get_category(session_, settings_.category,
                                     {.position = from.position + 1, .batch_size = settings_.batch_size});
    if (until) std::erase_if(batch, [&](const store::message_data& event) { return event.global_position > *until; });
    if (batch.empty()) return handled;
    if (poison_at && *poison_at < batch.size()) batch.resize(*poison_at);
    poison_at.reset();
    std::size_t applying = 0;
    bool committed = false;
    try {
      committed = apply_batch(from, batch, applying);
    } catch (const expected_version_error& conflict) {
      if (conflict.stream_name() != position_stream_) throw;
    } catch (...) {
      const bool poison_event = applying < batch.size() && kind_of_current_exception() == error_kind::poison &&
                                current_exception_as<store_error>() == nullptr;
      if (!settings_.park_poison_events || !poison_event) throw;
      if (applying > 0) {
        poison_at = applying;  // the events before it first, on their own
        continue;
      }
      if (park(from, batch.front())) {
        ++handled;
      } else {
        ++counts_.conflicts;
      }
      continue;
    }
    if (!committed) {
      ++counts_.conflicts;
      continue;
    }
    ++counts_.transactions;
    counts_.took(batch.back().global_position);
    handled += static_cast<std::int64_t>(batch.size());
  }
  return handled;
}

void projector::run(const std::function<bool()>& stopping) {
  while (!stopping()) {
    catch_up(std::nullopt, stopping);
    if (!stopping()) std::this_thread::sleep_for(settings_.poll_interval);
  }
}

std::int64_t projector::rebuild(const std::function<void(store::transaction&)>& reset,
                               std::optional<std::int64_t> until) {
  for (;;) {
    const auto from = read_position();
    try {
      session_.transaction([&](store::transaction& transaction) {
        reset(transaction);
        record(transaction, from, 0);
      });
      break;
    } catch (const expected_version_error& conflict) {
      if (conflict.stream_name() != position_stream_) throw;
      ++counts_.conflicts;
    }
  }
  return catch_up(until);
}

}  // namespace evt
