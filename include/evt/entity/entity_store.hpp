#pragma once

#include <evt/base64.hpp>
#include <evt/entity/projection.hpp>
#include <evt/expected_version.hpp>
#include <evt/log.hpp>
#include <evt/message/msgpack_codec.hpp>
#include <evt/store/get.hpp>
#include <evt/store/put.hpp>
#include <evt/store/read.hpp>
#include <evt/store/session.hpp>
#include <evt/stream_name.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>

namespace evt {

// An entity and the version it was projected to: the position of the last
// event applied, no_stream (-1) when its stream has none.
template <class Entity>
struct versioned {
  Entity entity{};
  std::int64_t version = no_stream;
};

// Fetches entities by projecting their stream (<category>-<id>), keeping
// each one in an in-process cache so the next fetch reads only newer events.
// The cache holds at most cache_size entities (default_cache_size unless
// with_cache_size says otherwise): past it, the one fetched longest ago is
// dropped, and read again (from its snapshot, if any) when it is next fetched.
// A store made without a session is the substitute handler tests use: it
// reads nothing and answers what was add()ed (or a new entity);
// configure(session) makes it read the store.
//
// Written through (written(id, event, position), after the caller's own
// write of the event at that position): the cached entity has the event
// applied, and fetch answers it from the cache without reading the stream
// at all, until forget(id) (or the cache drops it). That is for a handler
// whose entity streams are written by it alone (one consumer, or one group
// member, per stream), or whose every decision on an entity is either safe
// on an older version of it or guarded by a write expecting the version it
// was fetched at: then an entity that another writer has moved past makes
// that write fail, and the handler forgets it before the retry, which reads
// it again. Any error from the write must forget it (its outcome may be
// unknown); a consumer forgets it too (forget_stream) when a handler's
// write fails on its expected version. The account component does this
// (README, Concurrency).
//
// The cache is the store's own to drop: everything it holds is forgotten
// when its session's connection was lost or closed since it was read
// (store::session::connection_generation): the server it reads from may
// have lost what it read (a crash, a failover to a standby that was
// behind).
//
// Snapshots (with_snapshots(interval), for Boost.Hana struct entities):
// whenever the entity is `interval` versions past its last snapshot, it is
// recorded in <category>:snapshot-<id> as a message of type Snapshot whose
// data is {"version": N, "entity": "<base64 of the entity's MessagePack>"}
// (evt::to_msgpack). An entity not in the cache starts from its latest
// snapshot and reads only the events after it.
template <class Entity>
class entity_store {
 public:
  static constexpr std::size_t default_cache_size = 10'000;

  entity_store(std::string category, projection<Entity> projection)
      : category_{std::move(category)}, projection_{std::move(projection)} {}

  static entity_store build(store::session& session, std::string category, projection<Entity> projection) {
    entity_store built{std::move(category), std::move(projection)};
    built.session_ = &session;
    return built;
  }

  // Reads the store from now on (an evt::dependency's configure): what a
  // substitute was given is forgotten.
  void configure(store::session& session) {
    session_ = &session;
    forget_everything();
  }

  // The entity as of the latest event in its stream, or an error: all or
  // nothing. Entities are copies: changing one does not change the cache,
  // and the cache changes only with an entity every event was applied to
  // (an event that cannot be decoded, or a projection that throws part-way,
  // leaves it as it was).
  versioned<Entity> fetch(std::string_view id) { return fetch(id, false); }

  // The same, reading the events written after the cached version even when
  // the entity was written through: for a decision that must see every
  // other writer's events (an account that cannot be read must not pass for
  // open).
  versioned<Entity> fetch_current(std::string_view id) { return fetch(id, true); }

  // The caller has just written `event` to the entity's stream, at
  // `position`: the cached entity, when it was at the version before,
  // takes it, and is answered without a read from now on (see above);
  // any other is forgotten.
  template <message M>
  void written(std::string_view id, const M& event, std::int64_t position) {
    forget_everything_if_reconnected();
    const auto stream = stream_name(category_, id);
    const auto found = cache_.find(stream);
    if (found == cache_.end()) return;
    if (found->second.entry.value.version != position - 1) {
      forget(id);
      return;
    }
    auto entry = found->second.entry;
    projection_(entry.value.entity, event);
    entry.value.version = position;
    entry.written_through = true;
    remember(found, stream, entry, true);
  }

  // The next fetch reads the entity again (from its snapshot, if any).
  void forget(std::string_view id) { forget_stream(stream_name(category_, id)); }
  // The same by its stream's name; a stream it does not hold is no error.
  void forget_stream(std::string_view stream) {
    const auto found = cache_.find(stream);
    if (found == cache_.end()) return;
    recency_.erase(found->second.used);
    cache_.erase(found);
  }
  // Every entity is read again.
  void forget_everything() {
    cache_.clear();
    recency_.clear();
    if (session_ != nullptr) generation_ = session_->connection_generation();
  }

  // Substitute: fetch(id) answers this entity at this version.
  void add(std::string_view id, Entity entity, std::int64_t version) {
    const auto stream = stream_name(category_, id);
    remember(cache_.find(stream), stream, cached{versioned<Entity>{std::move(entity), version}, version}, true);
  }

  entity_store& with_cache_size(std::size_t entities) {
    if (entities < 1) throw error{"Cache size must be at least 1 (Category: " + category_ + ")"};
    cache_size_ = entities;
    while (cache_.size() > cache_size_) forget_least_recent();
    return *this;
  }
  std::size_t cache_size() const noexcept { return cache_size_; }
  std::size_t cached_entities() const noexcept { return cache_.size(); }

  entity_store& with_snapshots(std::int64_t interval) {
    static_assert(boost::hana::Struct<Entity>::value, "evt::entity_store: snapshots need a Boost.Hana struct entity");
    if (interval < 1) throw error{"Snapshot interval must be at least 1 (Category: " + category_ + ")"};
    snapshot_interval_ = interval;
    return *this;
  }

  const std::string& category() const noexcept { return category_; }

  // Where it says that it ignored a snapshot; standard error without one.
  void set_log(log_sink log) { log_ = std::move(log); }

 private:
  struct cached {
    versioned<Entity> value{};
    std::int64_t snapshot_version = no_stream;
    bool written_through = false;  // current as of the caller's own write: no read
  };

  // Each entry with the tick of its last use; by tick, the least recently
  // used comes first (ticks, not iterators: a copy of the store is whole).
  struct slot {
    cached entry;
    std::uint64_t used = 0;
  };
  using cache = std::map<std::string, slot, std::less<>>;

  void remember(typename cache::iterator found, const std::string& stream, const cached& entry, bool changed) {
    const auto now = ++tick_;
    if (found != cache_.end()) {
      recency_.erase(found->second.used);
      found->second.used = now;
      if (changed) found->second.entry = entry;
    } else {
      cache_.emplace(stream, slot{entry, now});
    }
    recency_.emplace(now, stream);
    if (cache_.size() > cache_size_) forget_least_recent();
  }

  void forget_least_recent() {
    const auto oldest = recency_.begin();
    cache_.erase(oldest->second);
    recency_.erase(oldest);
  }

  bool snapshots() const noexcept { return snapshot_interval_ > 0 && session_ != nullptr; }

  versioned<Entity> fetch(std::string_view id, bool current) {
    forget_everything_if_reconnected();
    const auto stream = stream_name(category_, id);
    const auto found = cache_.find(stream);
    auto entry = found != cache_.end() ? found->second.entry : first_entry(id);
    const auto before = entry.value.version;
    if (session_ != nullptr && (current || !entry.written_through)) {
      read_stream(
          *session_, stream,
          [&](const store::message_data& row) {
            projection_(entry.value.entity, row);
            entry.value.version = row.position;
          },
          store::stream_batch{.position = entry.value.version + 1});
    }
    if (snapshots() && entry.value.version - entry.snapshot_version >= snapshot_interval_) record_snapshot(id, entry);
    const bool changed = found == cache_.end() || entry.value.version != before ||
                         entry.snapshot_version != found->second.entry.snapshot_version;
    remember(found, stream, entry, changed);
    return std::move(entry.value);
  }

  void forget_everything_if_reconnected() {
    if (session_ != nullptr && session_->connection_generation() != generation_) forget_everything();
  }

  std::string snapshot_stream(std::string_view id) const {
    const std::string_view types[] = {"snapshot"};
    return stream_name(category_, id, types);
  }

  // A new entity, or the latest snapshot's. A snapshot that cannot be
  // decoded (its entity had other fields then) is logged and ignored: the
  // events say the same, only more slowly.
  cached first_entry(std::string_view id) {
    cached entry;
    if (!snapshots()) return entry;
    if constexpr (boost::hana::Struct<Entity>::value) {
      const auto stream = snapshot_stream(id);
      const auto last = store::get_last(*session_, stream);
      if (!last) return entry;
      try {
        const nlohmann::json data = nlohmann::json::parse(last->data.value_or("null"));
        entry.value.version = data.at("version").get<std::int64_t>();
        entry.value.entity = from_msgpack<Entity>(base64_decode(data.at("entity").get<std::string>()),
                                                  "the snapshot in " + stream);
        entry.snapshot_version = entry.value.version;
      } catch (const std::exception& failure) {
        log_or_stderr(log_, "Snapshot ignored: it cannot be decoded; the entity is read from its events (Stream: " + stream +
            ", Position: " + std::to_string(last->position) + ", Error: " + failure.what() + ")");
        return cached{};
      }
    }
    return entry;
  }

  void record_snapshot(std::string_view id, cached& entry) {
    if constexpr (boost::hana::Struct<Entity>::value) {
      const nlohmann::json data{{"version", entry.value.version},
                                {"entity", base64_encode(to_msgpack(entry.value.entity))}};
      store::put(*session_, {.type = "Snapshot", .data = data.dump()}, snapshot_stream(id));
      entry.snapshot_version = entry.value.version;
    }
  }

  std::string category_;
  projection<Entity> projection_;
  store::session* session_ = nullptr;
  std::int64_t snapshot_interval_ = 0;
  std::size_t cache_size_ = default_cache_size;
  cache cache_;
  std::map<std::uint64_t, std::string> recency_;
  std::uint64_t tick_ = 0;
  std::uint64_t generation_ = 0;  // of the session's connection the cache was read on
  log_sink log_;
};

}  // namespace evt
