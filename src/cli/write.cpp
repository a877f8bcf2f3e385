// evt write STREAM TYPE DATA: one message, as store::put writes it; prints
// the position it was written at.
#include "cli/arguments.hpp"
#include "cli/command.hpp"

#include <evt/expected_version.hpp>
#include <evt/store/put.hpp>
#include <evt/uuid.hpp>

#include <limits>
#include <optional>

namespace evt::cli {
namespace {

struct arguments {
  std::string stream_name;
  std::string type;
  std::string data;
  std::optional<std::string> metadata;
  std::optional<std::int64_t> expected_version;
  std::optional<std::string> id;
};

void run(const common_options& options, const arguments& arguments) {
  require_stream_name("STREAM", arguments.stream_name);
  if (arguments.type.empty()) throw usage_error{"TYPE must not be empty"};
  require_json_object("DATA", arguments.data);
  if (arguments.metadata) require_json_object("--metadata", *arguments.metadata);
  if (arguments.id) require_uuid("--id", *arguments.id);
  // Ours rather than the store's, so that it can be printed.
  const auto id = arguments.id.value_or(random_uuid());
  auto session = options.session();
  const auto position =
      store::put(session, {.type = arguments.type, .data = arguments.data, .metadata = arguments.metadata, .id = id},
                 arguments.stream_name, arguments.expected_version);
  auto out = options.output();
  out.add({{"stream_name", arguments.stream_name}, {"position", position}, {"id", id}});
  out.finish("");
}

}  // namespace

void add_write(CLI::App& app) {
  auto [command, options] = add_command(app, "write", "Writes one message to a stream and prints its position");
  auto given = std::make_shared<arguments>();
  command->add_option("STREAM", given->stream_name, "a stream name (account-123), not a category")->required();
  command->add_option("TYPE", given->type, "the message type (Deposited)")->required();
  command->add_option("DATA", given->data, "the data, a JSON object ('{\"amount\": 10}')")->required();
  command->add_option("--metadata", given->metadata, "the metadata, a JSON object");
  command
      ->add_option("--expected-version", given->expected_version,
                   "the stream's version (its last position) it must be at: -1 for a new stream")
      ->check(CLI::Range(std::int64_t{-1}, std::numeric_limits<std::int64_t>::max()));
  command->add_option("--id", given->id, "the message id, a UUID (default: a random one)");
  command->callback([options, given] { run(*options, *given); });
}

}  // namespace evt::cli
