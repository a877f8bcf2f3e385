#include <evt/write/writer.hpp>

#include <evt/store/put.hpp>
#include <evt/uuid.hpp>

namespace evt {

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

  std::int64_t position = 0;
  if (session_ != nullptr) {
    position = store::put(*session_, batch, stream_name, expected);
  } else {
    auto version = substitute_versions_.find(stream_name);
    const std::int64_t current = version == substitute_versions_.end() ? no_stream : version->second;
    if (raise_expected_version_error_) {
      raise_expected_version_error_ = false;
      throw expected_version_error{std::string{stream_name}, expected.value_or(current), current};
    }
    position = current + static_cast<std::int64_t>(batch.size());
    substitute_versions_.insert_or_assign(std::string{stream_name}, position);
  }

  if (!recording_) return position;
  for (auto& message : batch) {
    written_.push_back({.message = std::move(message),
                        .stream_name = std::string{stream_name},
                        .expected = expected,
                        .reply_stream_name = reply_stream_name});
  }
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
