#pragma once

#include <evt/message/metadata.hpp>
#include <evt/store/message_data.hpp>

#include <optional>
#include <string>

// Metadata as Eventide stores it (SPEC 2.5, 11).
namespace evt {

// camelCase keys (inside properties too, recursively); absent fields and
// empty property objects left out; nullopt (SQL NULL) when nothing is left.
std::optional<std::string> metadata_json(const metadata& metadata);

// The row's metadata JSON (snake_cased back, recursively) plus its id,
// stream name, positions, time and data as stored. Unknown keys are ignored; malformed JSON
// or a field of the wrong type is a decode_error naming it.
metadata read_metadata(const store::message_data& row);

// Keys renamed recursively, through objects and arrays.
nlohmann::json camel_cased_keys(const nlohmann::json& value);
nlohmann::json snake_cased_keys(const nlohmann::json& value);

}  // namespace evt
