#include <evt/store/read.hpp>

#include "store/rows.hpp"

#include <evt/stream_name.hpp>

namespace evt::store {
namespace {

template <class Batch>
std::int64_t each_of_batch(session& session, std::string_view name, const Batch& batch, message_data& message,
                           const each_message_while& each) {
  const auto rows = detail::get_rows(session, name, batch);
  std::int64_t count = 0;
  for (const auto& row : rows) {
    detail::assign(message, row);
    ++count;
    if (!each(message)) break;
  }
  return count;
}

// Batch after batch until one comes back short: the next starts after the
// last message read (its position for a stream, its global position for a
// category).
template <class Batch, class LastPosition>
std::int64_t read_batches(session& session, std::string_view name, const each_message& each, Batch batch,
                          LastPosition last_position) {
  std::int64_t count = 0;
  message_data reused;
  for (;;) {
    std::int64_t last = 0;
    const auto read = each_of_batch(session, name, batch, reused, [&](const message_data& message) {
      each(message);
      last = last_position(message);
      return true;
    });
    count += read;
    if (read == 0 || batch.batch_size == -1 || read < batch.batch_size) return count;
    batch.position = last + 1;
  }
}

}  // namespace

std::int64_t read_stream(session& session, std::string_view stream_name, const each_message& each,
                         stream_batch batch) {
  return read_batches(session, stream_name, each, std::move(batch),
                      [](const message_data& message) { return message.position; });
}

std::int64_t read_category(session& session, std::string_view category, const each_message& each,
                           category_batch batch) {
  return read_batches(session, category, each, std::move(batch),
                      [](const message_data& message) { return message.global_position; });
}

std::int64_t read(session& session, std::string_view stream_name_or_category, const each_message& each) {
  if (is_category(stream_name_or_category)) return read_category(session, stream_name_or_category, each);
  return read_stream(session, stream_name_or_category, each);
}

std::int64_t read_stream_batch(session& session, std::string_view stream_name, const stream_batch& batch,
                               message_data& message, const each_message_while& each) {
  return each_of_batch(session, stream_name, batch, message, each);
}

std::int64_t read_category_batch(session& session, std::string_view category, const category_batch& batch,
                                 message_data& message, const each_message_while& each) {
  return each_of_batch(session, category, batch, message, each);
}

}  // namespace evt::store
