#pragma once

#include <evt/store/get.hpp>

#include <cstdint>
#include <functional>
#include <string_view>

namespace evt::store {

// Every message of a stream, or of a category, from the batch's position to
// the end as it is now (not a subscription), batch by batch. Returns how many
// messages were read. The message handed to `each` is valid during the call
// only: copy what must outlive it.
using each_message = std::function<void(const message_data&)>;

std::int64_t read_stream(session& session, std::string_view stream_name, const each_message& each,
                         stream_batch batch = {});
std::int64_t read_category(session& session, std::string_view category, const each_message& each,
                           category_batch batch = {});
// A category when the name has no '-', else a stream; from the start.
std::int64_t read(session& session, std::string_view stream_name_or_category, const each_message& each);

// One batch only, as get_stream and get_category read it, but handed to
// `each` message by message in `message`, the caller's, refilled row by row
// (so that nothing is allocated per message once its strings have grown,
// batch after batch: a consumer reads its category so). `each` returns
// false to leave the rest of the batch. Returns how many messages `each`
// was given; an error `each` throws propagates.
using each_message_while = std::function<bool(const message_data&)>;

std::int64_t read_stream_batch(session& session, std::string_view stream_name, const stream_batch& batch,
                               message_data& message, const each_message_while& each);
std::int64_t read_category_batch(session& session, std::string_view category, const category_batch& batch,
                                 message_data& message, const each_message_while& each);

}  // namespace evt::store
