#pragma once

#include <evt/error.hpp>
#include <evt/expected_version.hpp>
#include <evt/message/conversion.hpp>
#include <evt/store/session.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace evt {

// One message a writer wrote (or, as a substitute, would have written).
struct written_message {
  store::new_message message;  // as stored: type, data, metadata, id
  std::string stream_name;
  expected_version expected = std::nullopt;
  std::optional<std::string> reply_stream_name = std::nullopt;
};

// Writes typed messages (SPEC 2.7). writer::build(session) writes to the
// store and records only when asked (record_telemetry), so a long-running
// service does not accumulate every message it wrote. writer::substitute()
// is the test double: it writes nothing and records everything, and it
// keeps the version of each stream it wrote to as the store would, so an
// expected version such a stream is not at is an expected_version_error
// there too (initial() twice on one stream, say). A stream it never wrote
// to is taken to be at the version expected (the test's entity store
// substitute says what is there). There is no default writer: one that was never
// built cannot pass for one that writes (a handler declares it as an
// evt::dependency, substituted until configured).
class writer {
 public:
  static writer build(store::session& session);
  static writer substitute();
  // Writes to the store from now on (an evt::dependency's configure).
  void configure(store::session& session) { *this = build(session); }

  // Returns the position of the (last) message written. With a reply stream
  // name, each message is written with it in its metadata.
  template <message M>
  std::int64_t operator()(const M& message, std::string_view stream_name, expected_version expected = {},
                          std::optional<std::string> reply_stream_name = {}) {
    return (*this)(std::span<const M>{&message, 1}, stream_name, expected, std::move(reply_stream_name));
  }

  // A batch for one stream, atomic; the expected version is the first's.
  template <message M>
  std::int64_t operator()(std::span<const M> batch, std::string_view stream_name, expected_version expected = {},
                          std::optional<std::string> reply_stream_name = {}) {
    std::vector<store::new_message> exported;
    exported.reserve(batch.size());
    for (const auto& message : batch) {
      auto& data = exported.emplace_back(export_message(message));
      if (reply_stream_name) {
        auto metadata = message.metadata;
        metadata.reply_stream_name = reply_stream_name;
        data.metadata = metadata_json(metadata);
      }
    }
    return write(std::move(exported), stream_name, expected, reply_stream_name);
  }

  template <message M>
  std::int64_t operator()(const std::vector<M>& batch, std::string_view stream_name, expected_version expected = {},
                          std::optional<std::string> reply_stream_name = {}) {
    return (*this)(std::span<const M>{batch}, stream_name, expected, std::move(reply_stream_name));
  }

  // A message as it is to be stored, its data and metadata JSON as they are
  // (a copy that carries data its C++ type does not declare).
  std::int64_t operator()(store::new_message message, std::string_view stream_name, expected_version expected = {}) {
    std::vector<store::new_message> batch;
    batch.push_back(std::move(message));
    return write(std::move(batch), stream_name, expected, std::nullopt);
  }

  // The stream must not exist yet (expected version no_stream).
  template <message M>
  std::int64_t initial(const M& message, std::string_view stream_name) {
    return (*this)(message, stream_name, no_stream);
  }
  template <message M>
  std::int64_t initial(const std::vector<M>& batch, std::string_view stream_name) {
    return (*this)(batch, stream_name, no_stream);
  }

  // Writes `message` to its reply stream, which it then no longer carries
  // (it still does when the write failed: the reply can be tried again; after
  // a connection_error whose write may have committed, trying again may
  // write a second reply, with another id).
  template <message M>
  std::int64_t reply(M& message) {
    if (!message.metadata.reply_stream_name) {
      throw error{"Message has no reply stream name. Cannot reply. (Message Type: " + std::string{M::message_type} + ")"};
    }
    auto stream_name = std::move(*message.metadata.reply_stream_name);
    message.metadata.clear_reply_stream_name();
    std::int64_t position = 0;
    try {
      position = (*this)(message, stream_name);
    } catch (...) {
      message.metadata.reply_stream_name = std::move(stream_name);
      throw;
    }
    if (recording_) replied_.push_back(written_.back());
    return position;
  }

  bool is_substitute() const noexcept { return session_ == nullptr; }
  void record_telemetry(bool record = true) noexcept { recording_ = record; }
  const std::vector<written_message>& written() const noexcept { return written_; }
  const std::vector<written_message>& replied() const noexcept { return replied_; }

  // The messages of type M written, read back as the store would give them.
  template <message M>
  std::vector<M> messages() const {
    std::vector<M> found;
    for (const auto& written : written_) {
      if (written.message.type == M::message_type) found.push_back(import_message<M>(row_of(written)));
    }
    return found;
  }

  // The one message of type M written: nothing when there is none, an error
  // when there are several.
  template <message M>
  std::optional<M> one_message() const {
    auto found = messages<M>();
    if (found.size() > 1) {
      throw error{"More than one matching message was written (Message Type: " + std::string{M::message_type} +
                  ", Count: " + std::to_string(found.size()) + ")"};
    }
    if (found.empty()) return std::nullopt;
    return std::move(found.front());
  }

  // Substitute: the next write fails with an expected_version_error (as
  // if another writer had just written to its stream).
  void raise_expected_version_error() noexcept { raise_expected_version_error_ = true; }

 private:
  writer() = default;
  std::int64_t substitute_write(std::size_t count, std::string_view stream_name, expected_version expected);

  std::int64_t write(std::vector<store::new_message> batch, std::string_view stream_name, expected_version expected,
                     const std::optional<std::string>& reply_stream_name);
  static store::message_data row_of(const written_message& written);

  store::session* session_ = nullptr;
  std::vector<written_message> written_;
  std::vector<written_message> replied_;
  std::map<std::string, std::int64_t, std::less<>> substitute_versions_;
  bool raise_expected_version_error_ = false;
  bool recording_ = true;  // a built writer turns it off
};

}  // namespace evt
