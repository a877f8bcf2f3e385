#include <evt/recovery/atomic_phases.hpp>

#include <evt/error.hpp>
#include <evt/idempotence_key.hpp>
#include <evt/message/data_json.hpp>
#include <evt/store/get.hpp>
#include <evt/store/put.hpp>
#include <evt/stream_name.hpp>

#include <boost/hana.hpp>

#include <algorithm>
#include <set>
#include <utility>

namespace evt::recovery {
namespace {

// Each message of a key's stream holds where the operation is.
struct recovery_point_data {
  BOOST_HANA_DEFINE_STRUCT(recovery_point_data,
    (std::string, key), (std::string, fingerprint), (std::string, recovery_point), (std::string, state),
    (std::optional<std::string>, response));
};

constexpr const char* started_type = "Started";
constexpr const char* reached_type = "RecoveryPointReached";
constexpr const char* finished_type = "Finished";

store::new_message message_of(const char* type, const recovery_point_data& data) {
  return {.type = type, .data = detail::json_text(detail::encode_struct(data), "the recovery point of key " + data.key)};
}

}  // namespace

std::string phase_context::foreign_key(std::string_view call) const {
  std::string key{key_};
  key.append(":").append(recovery_point_);
  if (!call.empty()) key.append(":").append(call);
  return key;
}

atomic_phases::atomic_phases(store::session& session, std::string category, std::vector<phase> phases)
    : session_{session}, category_{std::move(category)}, phases_{std::move(phases)} {
  static_cast<void>(stream_name("key"));  // a bad category is refused here
  if (phases_.empty()) throw error{"Atomic phases need at least one phase (Category: " + category_ + ")"};
  std::set<std::string_view> seen;
  for (const auto& phase : phases_) {
    const auto& point = phase.recovery_point;
    if (point.empty() || point == started || point == finished || !seen.insert(point).second || !phase.work) {
      throw error{"A phase needs work and its own recovery point, not empty, \"started\" or \"finished\" "
                  "(Category: " + category_ + ", Recovery Point: " + point + ")"};
    }
  }
}

std::string atomic_phases::stream_name(std::string_view key) const { return evt::stream_name(category_, key); }

std::optional<progress> read_progress(store::session& session, std::string_view category, std::string_view key) {
  check_idempotency_key(key);
  const auto row = store::get_last(session, evt::stream_name(category, key));
  if (!row) return std::nullopt;
  recovery_point_data data;
  try {
    data = detail::decode_struct<recovery_point_data>(detail::parse_json(row->data.value_or("{}")));
  } catch (const detail::field_error& problem) {
    throw decode_error{row->stream_name, row->position, row->type, problem.path.empty() ? "data" : problem.path,
                       problem.what()};
  } catch (const detail::json::exception& problem) {
    throw decode_error{row->stream_name, row->position, row->type, "data", problem.what()};
  }
  return progress{.recovery_point = std::move(data.recovery_point),
                  .fingerprint = std::move(data.fingerprint),
                  .state = std::move(data.state),
                  .response = std::move(data.response),
                  .version = row->position};
}

std::optional<progress> atomic_phases::progress(std::string_view key) { return read_progress(session_, category_, key); }

std::size_t atomic_phases::next_phase(const recovery::progress& progress) const {
  if (progress.recovery_point == started) return 0;
  const auto found = std::find_if(phases_.begin(), phases_.end(),
                                  [&](const phase& phase) { return phase.recovery_point == progress.recovery_point; });
  if (found == phases_.end()) {
    throw error{"Recorded recovery point is not one of the phases (Category: " + category_ +
                ", Recovery Point: " + progress.recovery_point + ")"};
  }
  return static_cast<std::size_t>(found - phases_.begin()) + 1;
}

outcome atomic_phases::run(std::string_view key, std::string_view fingerprint) {
  check_idempotency_key(key);
  const auto stream = stream_name(key);
  outcome result;
  for (;;) {
    auto current = progress(key);
    if (!current) {
      const recovery_point_data start{.key = std::string{key}, .fingerprint = std::string{fingerprint},
                                      .recovery_point = std::string{started}, .state = {}, .response = std::nullopt};
      try {
        store::put(session_, message_of(started_type, start), stream, no_stream);
        result.reached.emplace_back(started);
      } catch (const expected_version_error&) {
      }
      continue;  // read what was recorded: this start, or another run's
    }
    if (current->fingerprint != fingerprint) {
      throw fingerprint_mismatch_error{"Idempotency key was used for a different request (Key: " + std::string{key} +
                                           ", Recorded Fingerprint: " + current->fingerprint +
                                           ", Fingerprint: " + std::string{fingerprint} + ")",
                                       std::string{key}};
    }
    if (current->response) {
      result.response = std::move(*current->response);
      result.replayed = result.reached.empty();
      return result;
    }
    const auto index = next_phase(*current);
    if (index == phases_.size()) {
      throw error{"The operation reached its last recovery point without finishing (Stream: " + stream +
                  ", Recovery Point: " + current->recovery_point + ")"};
    }
    const auto& phase = phases_[index];
    try {
      const bool committed = session_.transaction([&](store::transaction& transaction) {
        // One run of a key in a phase at a time: another run that got here
        // first committed (or gave up) before this one looks again, so the
        // phase's statements and foreign calls are not made twice at once.
        // The two-key form: Message DB's own locks (one key per category)
        // live in the other, which never overlaps it.
        transaction.execute("SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))", {category_, std::string{key}});
        const auto now = progress(key);
        if (!now || now->version != current->version) return false;  // another run moved on
        phase_context context{transaction, key, phase.recovery_point, current->state};
        phase.work(context);
        const bool last = index + 1 == phases_.size();
        if (last && !context.response()) {
          throw error{"The last phase must finish the operation (Stream: " + stream +
                      ", Recovery Point: " + phase.recovery_point + ")"};
        }
        const recovery_point_data reached{.key = std::string{key}, .fingerprint = std::string{fingerprint},
                                          .recovery_point = context.response() ? std::string{finished} : phase.recovery_point,
                                          .state = context.state(), .response = context.response()};
        store::put(transaction, message_of(context.response() ? finished_type : reached_type, reached), stream,
                   current->version);
        return true;
      });
      if (committed) result.reached.push_back(phase.recovery_point);
    } catch (const expected_version_error& error) {
      // The phase's own writes propagate; only a conflict on the key's
      // stream (something else wrote to it first) means: look again.
      if (error.stream_name() != stream) throw;
    }
  }
}

}  // namespace evt::recovery
