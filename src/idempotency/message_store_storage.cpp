#include <evt/idempotency/message_store_storage.hpp>

#include <evt/base64.hpp>
#include <evt/message/data_json.hpp>
#include <evt/store/get.hpp>
#include <evt/store/put.hpp>
#include <evt/stream_name.hpp>

#include <boost/hana.hpp>

#include <utility>

namespace evt::idempotency {
namespace {

// A record as message data (camelCase keys). A result in JSON is kept as
// its text, so the store stays readable; any other format is base64.
struct stored_record {
  BOOST_HANA_DEFINE_STRUCT(stored_record,
    (std::string, key), (std::string, status), (std::string, context), (std::string, owner),
    (std::int64_t, attempt), (time_point, lease_expires_at), (time_point, expires_at),
    (time_point, created_at), (std::string, format), (std::optional<std::string>, result));
};

bool is_text_format(std::string_view format) { return format == "json"; }

}  // namespace

message_store_storage::message_store_storage(store::session& session, std::string category)
    : session_{session}, category_{std::move(category)} {
  // A bad category is refused here, once, rather than on every key.
  static_cast<void>(stream_name("key"));
}

std::string message_store_storage::stream_name(std::string_view key) const {
  return evt::stream_name(category_, key);
}

std::optional<record> message_store_storage::get(std::string_view key) {
  const auto stream = stream_name(key);
  const auto row = store::get_last(session_, stream);
  if (!row) return std::nullopt;
  const auto failure = [&](const std::string& field, const std::string& cause) {
    return decode_error{row->stream_name, row->position, row->type, field, cause};
  };
  stored_record stored;
  try {
    stored = detail::decode_struct<stored_record>(detail::parse_json(row->data.value_or("{}")));
  } catch (const detail::field_error& error) {
    throw failure(error.path.empty() ? "data" : error.path, error.what());
  } catch (const detail::json::exception& error) {
    throw failure("data", error.what());
  }
  if (stored.key != key) throw failure("key", "the record is of another key: " + stored.key);
  record found{.key = std::move(stored.key),
               .context = std::move(stored.context),
               .owner = std::move(stored.owner),
               .attempt = stored.attempt,
               .lease_expires_at = stored.lease_expires_at,
               .expires_at = stored.expires_at,
               .created_at = stored.created_at,
               .format = std::move(stored.format),
               .version = row->position};
  try {
    found.status = status_from_string(stored.status);
  } catch (const error& problem) {
    throw failure("status", problem.what());
  }
  try {
    if (stored.result) found.result = is_text_format(found.format) ? *stored.result : base64_decode(*stored.result);
  } catch (const error& problem) {
    throw failure("result", problem.what());
  }
  return found;
}

bool message_store_storage::put(const record& record, std::int64_t expected, transition transition) {
  const stored_record stored{
      .key = record.key,
      .status = std::string{to_string(record.status)},
      .context = record.context,
      .owner = record.owner,
      .attempt = record.attempt,
      .lease_expires_at = record.lease_expires_at,
      .expires_at = record.expires_at,
      .created_at = record.created_at,
      .format = record.format,
      .result = record.result ? std::optional{is_text_format(record.format) ? *record.result : base64_encode(*record.result)}
                              : std::nullopt};
  const store::new_message message{
      .type = std::string{message_type(transition)},
      .data = detail::json_text(detail::encode_struct(stored), "the idempotency record of key " + record.key)};
  try {
    store::put(session_, message, stream_name(record.key), expected);
  } catch (const expected_version_error&) {
    return false;
  }
  return true;
}

}  // namespace evt::idempotency
