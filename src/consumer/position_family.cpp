#include <evt/consumer/position_family.hpp>

#include <evt/consumer/position_store.hpp>
#include <evt/error.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

namespace evt {
namespace {

// Who recorded a position: the consumer alone, or a member of a group of
// some size (0: a member's record that does not say, written before sizes
// were recorded).
struct configuration {
  bool alone = true;
  std::int64_t member = 0;
  std::int64_t size = 0;

  // The same partition of the category: alone, or a group of the same (known) size.
  bool same_partition(const configuration& other) const {
    return alone == other.alone && (alone || (size != 0 && size == other.size));
  }
  std::string text() const {
    if (alone) return "alone";
    return "member " + std::to_string(member) + (size == 0 ? "" : " of " + std::to_string(size));
  }
  std::string partition_text() const {
    if (alone) return "one consumer";
    return size == 0 ? "a group" : "a group of " + std::to_string(size);
  }
};

// A recorded group size beyond this (and beyond the consumer's own) is not
// a size anyone runs: written by hand, or another writer's. Its members'
// streams are not looked for (it would take a query of that many names).
constexpr std::int64_t largest_size_looked_for = 1024;

struct found {
  configuration by;
  position_store::record record;
  std::int64_t recorded_at = 0;  // the Recorded message's global position: which came last
};

std::int64_t lowest(const std::vector<const found*>& records) {
  std::int64_t position = records.front()->record.position;
  for (const auto* record : records) position = std::min(position, record->record.position);
  return position;
}

std::string named(const std::vector<const found*>& records) {
  std::string text;
  for (const auto* record : records) {
    text += (text.empty() ? "" : ", ") + record->by.text() + " at " + std::to_string(record->record.position);
  }
  return text;
}

}  // namespace

position_family::position_family(std::string category, std::optional<std::string> identifier,
                                 std::optional<std::string> group_identifier)
    : category_{std::move(category)}, identifier_{std::move(identifier)}, group_identifier_{std::move(group_identifier)} {}

std::string position_family::stream_name(const std::optional<store::consumer_group>& group) const {
  if (!group) return position_store::stream_name(category_, identifier_);
  return member_stream(group->member);
}

std::string position_family::member_stream(std::int64_t member) const {
  if (!group_identifier_) {
    throw consumer_group_error{"A consumer in a group needs an identifier (Category: " + category_ + ")"};
  }
  return position_store::stream_name(category_, *group_identifier_ + "+" + std::to_string(member));
}

std::optional<position_family::resumption> position_family::resume(
    store::session& session, const std::optional<store::consumer_group>& group) const {
  const configuration now = group ? configuration{false, group->member, group->size} : configuration{};
  const auto own_stream = stream_name(group);

  // The last record of the stream alone and of every member's stream, for
  // every group size recorded (a round trip for each size newly found).
  std::vector<found> records;
  std::vector<std::string> streams{stream_name(std::nullopt)};
  std::vector<configuration> whose{configuration{}};
  std::int64_t members_read = 0;
  // Member 0 at least, whose position says the size of its group. A group
  // missed (its member 0 never recorded) only makes a consumer alone
  // resume from its own older position: messages are handled again, none skipped.
  std::int64_t members_wanted = group ? group->size : 1;
  for (;;) {
    for (; group_identifier_ && members_read < members_wanted; ++members_read) {
      streams.push_back(member_stream(members_read));
      whose.push_back(configuration{false, members_read, 0});
    }
    if (streams.empty()) break;
    const auto lasts = store::get_last(session, streams, "Recorded");
    for (std::size_t i = 0; i < streams.size(); ++i) {
      if (!lasts[i]) continue;
      found record{.by = whose[i], .record = {}, .recorded_at = lasts[i]->global_position};
      try {
        record.record = position_store::read(*lasts[i]);
      } catch (const decode_error&) {
        if (streams[i] == own_stream) throw;  // its own position cannot be read: as before
        continue;                             // another writer's message: no position of this family
      }
      const auto& recorded_group = record.record.group;
      if (!record.by.alone && recorded_group && recorded_group->member == record.by.member &&
          (recorded_group->size <= largest_size_looked_for || (group && recorded_group->size == group->size))) {
        record.by.size = recorded_group->size;
        members_wanted = std::max(members_wanted, recorded_group->size);
      }
      records.push_back(record);
    }
    streams.clear();
    whose.clear();
  }
  if (records.empty()) return std::nullopt;

  const found* own = nullptr;
  const found* latest_other = nullptr;
  std::vector<const found*> this_partition;
  for (const auto& record : records) {
    if (record.by.alone == now.alone && record.by.member == now.member) own = &record;
    if (record.by.same_partition(now)) {
      this_partition.push_back(&record);
    } else if (!latest_other || record.recorded_at > latest_other->recorded_at) {
      latest_other = &record;
    }
  }
  if (own && own->by.same_partition(now) && (!latest_other || own->recorded_at > latest_other->recorded_at)) {
    return resumption{.position = own->record.position, .group_start = own->record.group_start, .change = std::nullopt};
  }
  const auto changed = [&](std::int64_t position, const std::string& why) {
    return resumption{.position = position,
                      .group_start = now.alone ? std::nullopt : std::optional{position},
                      .change = "it is " + now.text() + " and starts at global position " + std::to_string(position) +
                                ", " + why};
  };

  // Other members of this configuration started already: from where it started.
  std::optional<std::int64_t> started;
  for (const auto* record : this_partition) {
    if (record->record.group_start) started = std::min(started.value_or(*record->record.group_start), *record->record.group_start);
  }
  if (started) return changed(*started, "where the other members of " + now.partition_text() + " started");
  if (!latest_other) return std::nullopt;  // records of this configuration only, none saying where it started

  // The configuration before: every message before the lowest position its
  // members recorded last was handled, whichever member's share it was in.
  const auto before = latest_other->by;
  std::vector<const found*> before_records;
  std::set<std::int64_t> members;
  std::optional<std::int64_t> before_start;
  for (const auto& record : records) {
    if (!record.by.same_partition(before)) continue;
    before_records.push_back(&record);
    members.insert(record.by.member);
    if (record.record.group_start) {
      before_start = std::min(before_start.value_or(*record.record.group_start), *record.record.group_start);
    }
  }
  const std::string from = "changed from " + before.partition_text() + " to " + now.partition_text();
  std::vector<const found*> all;
  for (const auto& record : records) all.push_back(&record);
  if (before_records.empty()) {  // a position that does not say its group size
    return changed(lowest(all), from + ": the lowest position recorded at all (" + named(all) + ")");
  }
  auto position = lowest(before_records);
  std::string why = from + ": the lowest position " + before.partition_text() + " recorded (" + named(before_records) + ")";
  if (static_cast<std::int64_t>(members.size()) < (before.alone ? 1 : before.size)) {
    // A member of it recorded nothing: its share waits from where that
    // configuration started, or else from the lowest position recorded at all.
    if (before_start) {
      position = std::min(position, *before_start);
      why += "; a member of it recorded nothing, so where it started";
    } else {
      position = lowest(all);
      why += "; a member of it recorded nothing, so the lowest position recorded at all";
    }
  }
  return changed(position, why);
}

}  // namespace evt
