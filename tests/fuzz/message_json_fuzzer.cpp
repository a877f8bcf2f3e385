// Message data and metadata JSON -> a typed message (evt::import_message):
// anything a store row may hold reads as the message or is an
// evt::decode_error, and a message read is written (export_message) and read
// back the same.
//
// Input: the row's data JSON, then optionally a newline and its metadata
// JSON (the first '\n' splits them; compact JSON, as Ruby and PostgreSQL
// write it, has none). An empty part is SQL NULL.
#include <evt/error.hpp>
#include <evt/message/conversion.hpp>
#include <evt/message/metadata_json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

struct Limit {
  BOOST_HANA_DEFINE_STRUCT(Limit, (std::string, limit_kind), (evt::money, daily_amount),
                           (std::optional<evt::time_point>, until));
  friend bool operator==(const Limit&, const Limit&) = default;
};

// Every field shape the JSON codec knows.
EVT_MESSAGE(Opened, (std::string, account_id), (std::string, customer_id), (evt::money, amount),
            (evt::time_point, time), (std::optional<evt::time_point>, processed_time),
            (std::optional<evt::timestamp>, effective_time),
            (std::optional<std::string>, note), (std::int64_t, sequence), (std::int32_t, count),
            (std::uint64_t, checksum), (bool, is_joint), (double, rate), (float, ratio),
            (std::optional<evt::money>, overdraft), (std::vector<Limit>, limits),
            (std::vector<std::string>, tags), (std::map<std::string, std::int64_t>, processed),
            (std::map<std::string, std::vector<std::optional<bool>>>, flag_history));

[[noreturn]] void broken(const char* what, const std::string& detail) {
  std::fprintf(stderr, "message JSON property broken: %s\n%s\n", what, detail.c_str());
  std::abort();
}

evt::store::message_data row(std::optional<std::string> data, std::optional<std::string> metadata) {
  return {.id = "8d5e0f1a-0000-4000-8000-000000000001",
          .type = "Opened",
          .stream_name = "account-1",
          .position = 1,
          .global_position = 2,
          .data = std::move(data),
          .metadata = std::move(metadata),
          .time = {}};
}

std::optional<std::string> unless_empty(std::string_view text) {
  if (text.empty()) return std::nullopt;
  return std::string{text};
}

// Metadata equal apart from the property objects, whose keys are
// snake-cased on every read and so need not survive a round trip (SPEC 2.5:
// "Property names round-trip only if they are snake_case"), and the data
// text each was read with.
bool same_metadata(evt::metadata a, evt::metadata b) {
  a.properties = b.properties = nullptr;
  a.local_properties = b.local_properties = nullptr;
  a.stored_data = b.stored_data = std::nullopt;
  return a == b;
}

// The metadata's integers read as the numbers written, or not at all: an
// integer out of range is malformed (a decode_error), not another number.
bool same_integer(const nlohmann::json& written, std::optional<std::int64_t> read) {
  if (!read) return false;
  if (written.is_number_unsigned()) {
    return *read >= 0 && written.get<std::uint64_t>() == static_cast<std::uint64_t>(*read);
  }
  return written.get<std::int64_t>() == *read;
}

void check_metadata_integers(const std::string& text, const evt::metadata& metadata) {
  const auto object = evt::snake_cased_keys(nlohmann::json::parse(text));
  const std::pair<const char*, std::optional<std::int64_t>> integers[] = {
      {"causation_message_position", metadata.causation_message_position},
      {"causation_message_global_position", metadata.causation_message_global_position}};
  for (const auto& [key, read] : integers) {
    const auto found = object.find(key);
    if (found == object.end() || found->is_null()) continue;
    if (!same_integer(*found, read)) broken("a metadata integer read as another number", key + (": " + found->dump()));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(bytes), size);
  const auto newline = input.find('\n');
  const auto data = unless_empty(input.substr(0, newline));
  const auto metadata = newline == std::string_view::npos ? std::nullopt : unless_empty(input.substr(newline + 1));

  Opened message;
  try {
    message = evt::import_message<Opened>(row(data, metadata));
  } catch (const evt::decode_error&) {
    return 0;  // the documented refusal; anything else escapes and is a finding
  }

  if (metadata) check_metadata_integers(*metadata, message.metadata);

  // Written and read back: the same data and metadata. Writing may refuse
  // (evt::error) what JSON cannot hold exactly: a float that overflowed to
  // infinity, a map key that would not read back the same.
  evt::store::new_message written;
  try {
    written = evt::export_message(message);
  } catch (const evt::error&) {
    return 0;
  }
  const auto shown = "written: " + written.data.value_or("NULL") + "\n" + written.metadata.value_or("NULL");
  Opened again;
  try {
    again = evt::import_message<Opened>(row(written.data, written.metadata));
  } catch (const evt::decode_error& error) {
    broken("what export_message wrote does not read back", error.what() + ("\n" + shown));
  }
  if (!(again == message)) broken("data changed in a round trip", shown);
  // Values are kept as written, not only equal: a timestamp's text, an amount's scale.
  if (again.effective_time && again.effective_time->to_string() != message.effective_time->to_string()) {
    broken("a timestamp's text changed in a round trip", shown);
  }
  if (again.amount.to_string() != message.amount.to_string()) broken("an amount's text changed in a round trip", shown);
  if (!same_metadata(again.metadata, message.metadata)) broken("metadata changed in a round trip", shown);
  return 0;
}
