#include <evt/store/read.hpp>

#include "store/rows.hpp"

#include <evt/stream_name.hpp>

namespace evt::store {
namespace {

// Batch after batch until one comes back short: the next starts after the
// last message read (its position for a stream, its global position for a
// category). One message_data is filled row by row and handed to `each`, so
// reading allocates nothing per message once its strings have grown.
template <class Batch, class NextPosition>
std::int64_t read_batches(session& session, std::string_view name, const each_message& each, Batch batch,
                          NextPosition next_position) {
  std::int64_t count = 0;
  message_data message;
  for (;;) {
    const auto rows = detail::get_rows(session, name, batch);
    for (const auto& row : rows) {
      detail::assign(message, row);
      each(message);
    }
    count += static_cast<std::int64_t>(rows.size());
    if (rows.empty() || batch.batch_size == -1 || static_cast<std::int64_t>(rows.size()) < batch.batch_size) {
      return count;
    }
    batch.position = next_position(message) + 1;
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

}  // namespace evt::store
