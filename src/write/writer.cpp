#include <evt/write/writer.hpp>

#include <evt/store/put.hpp>
#include <evt/uuid.hpp>

namespace evt {

writer writer::substitute() { return writer{}; }

writer writer::build(store::session& session) {
  writer built;
  built.session_ = &session;
  built.recording_ = false;
  return built;
}

std::int64_t writer::write(std::vector<store::new_message> batch, std::string_view stream_name,
                           expected_version expected, const std::optional<std::string>& reply_stream_name) {
  // Ids are given here, so that what is recorded is what is stored.
  for (auto& message : batch) {
    if (!message.id) message.id = random_uuid();
  }

  const auto position = session_ != nullptr ? store::put(*session_, batch, stream_name, expected)
                                            : substitute_write(batch.size(), stream_name, expected);
  if (!recording_) return position;
  for (auto& message : batch) {
    written_.push_back({.message = std::move(message),
                        .stream_name = std::string{stream_name},
                        .expected = expected,
                        .reply_stream_name = reply_stream_name});
  }
  return position;
}

// What the store checks, in memory: the version of the stream before the
// batch must be the expected one. A stream this substitute never wrote to
// is at the version the write expects (what a handler test says is there,
// it says with its other substitutes: an entity store's add()); from its
// first write on, its version is kept.
std::int64_t writer::substitute_write(std::size_t count, std::string_view stream_name, expected_version expected) {
  if (stream_name.empty()) throw stream_name_error{"Stream name must not be empty"};
  if (count == 0) throw error{"Nothing to write: the batch is empty (Stream: " + std::string{stream_name} + ")"};
  const auto version = substitute_versions_.find(stream_name);
  const std::int64_t current = version == substitute_versions_.end() ? expected.value_or(no_stream) : version->second;
  if (raise_expected_version_error_) {  // as if another writer had just written
    raise_expected_version_error_ = false;
    throw expected_version_error{std::string{stream_name}, expected.value_or(current), current + 1};
  }
  if (expected && *expected != current) throw expected_version_error{std::string{stream_name}, *expected, current};
  const auto position = current + static_cast<std::int64_t>(count);
  substitute_versions_.insert_or_assign(std::string{stream_name}, position);
  return position;
}

store::message_data writer::row_of(const written_message& written) {
  return {.id = written.message.id.value_or(""),
          .type = written.message.type,
          .stream_name = written.stream_name,
          .data = written.message.data,
          .metadata = written.message.metadata};
}

}  // namespace evt
