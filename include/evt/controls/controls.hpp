#pragma once

// Example data for tests (Eventide's "controls"): ids, times, names,
// metadata and messages that tests reuse instead of inventing their own.
#include <evt/clock.hpp>
#include <evt/message/message.hpp>
#include <evt/money.hpp>

#include <string>
#include <string_view>

namespace evt::controls {

std::string id();                       // a random UUID
time_point time();                      // 2000-01-01T11:11:11.000Z, always the same
std::string time_text();                // the same, as stored: "2000-01-01T11:11:11.000Z"
std::string category(std::string_view prefix = "testCategory");  // "<prefix>X<8 random hex>"
std::string stream_name(std::string_view category = {});         // "<category>-<uuid>"; a random category if none

// Metadata as a message read from the store has it: source, causation,
// correlation, reply and a property.
evt::metadata metadata();
// A reserved copy's, as read from its reservation stream: position 0 of
// "someStream-<id>+<key>", caused by the original in someStream-<id>,
// marked reserved (local property) with the original's id.
evt::metadata reserved_metadata(std::string_view idempotence_key);

EVT_MESSAGE(SomeMessage, (std::string, some_attribute), (std::string, other_attribute));

SomeMessage some_message();  // attributes set, metadata from metadata()

}  // namespace evt::controls
