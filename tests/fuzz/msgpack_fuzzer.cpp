// MessagePack -> a reflected struct (evt::from_msgpack, what the entity
// store reads snapshots with): any bytes read as the entity or are an
// evt::error, and an entity read is written (evt::to_msgpack) and read back
// the same, byte for byte ("Round trips are exact").
#include <evt/error.hpp>
#include <evt/message/msgpack_codec.hpp>

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
  BOOST_HANA_DEFINE_STRUCT(Limit, (std::string, kind), (evt::money, amount), (std::optional<evt::time_point>, until));
};

// An entity as snapshots hold them, with every field shape the codec knows.
struct Account {
  BOOST_HANA_DEFINE_STRUCT(Account, (std::string, id), (std::optional<std::string>, customer_id),
                           (evt::money, balance), (std::optional<evt::time_point>, opened_time),
                           (std::optional<evt::timestamp>, closed_time),
                           (evt::time_point, updated_time), (std::vector<Limit>, limits),
                           (std::map<std::string, std::int64_t>, processed),
                           (std::map<std::string, std::vector<std::optional<std::string>>>, notes), (bool, is_joint),
                           (double, rate), (float, ratio), (std::int64_t, sequence), (std::int32_t, count),
                           (std::uint64_t, checksum), (std::uint8_t, flags));
};

[[noreturn]] void broken(const char* what, const std::string& bytes) {
  std::fprintf(stderr, "MessagePack property broken: %s (%zu bytes re-encoded)\n", what, bytes.size());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(bytes), size);
  Account account;
  try {
    account = evt::from_msgpack<Account>(input, "the fuzzed snapshot");
  } catch (const evt::error&) {
    return 0;  // the documented refusal; anything else escapes and is a finding
  }

  // Compared as bytes: a NaN read is not equal to itself, but writes the same.
  const auto written = evt::to_msgpack(account);
  std::string rewritten;
  try {
    rewritten = evt::to_msgpack(evt::from_msgpack<Account>(written));
  } catch (const evt::error& error) {
    std::fprintf(stderr, "%s\n", error.what());
    broken("what to_msgpack wrote does not read back", written);
  }
  if (rewritten != written) broken("the entity changed in a round trip", written);
  return 0;
}
