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

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <string_view>
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
// "Property names round-trip only if they are snake_case").
bool same_metadata(evt::metadata a, evt::metadata b) {
  a.properties = b.properties = nullptr;
  a.local_properties = b.local_properties = nullptr;
  return a == b;
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

  // Written and read back: the same data and metadata. Writing may refuse
  // (evt::error) what JSON cannot hold exactly: a float that overflowed to
  // infinity, a map key that would not read back the same.
  evt::store::new_message written;
  try {
    written = evt::export_message(message);
  } catch (const evt::decode_error&) {
    broken("export_message threw a decode_error", std::string{input});
  } catch (const evt::error&) {
    return 0;
  }
  Opened again;
  try {
    again = evt::import_message<Opened>(row(written.data, written.metadata));
  } catch (const evt::decode_error& error) {
    broken("what export_message wrote does not read back", std::string{error.what()} + "\nwritten: " +
                                                                 written.data.value_or("NULL") + "\n" +
                                                                 written.metadata.value_or("NULL"));
  }
  if (!(again == message)) broken("data changed in a round trip", written.data.value_or("NULL"));
  if (!same_metadata(again.metadata, message.metadata)) broken("metadata changed in a round trip", written.metadata.value_or("NULL"));
  return 0;
}
