#pragma once

#include <evt/entity/projection.hpp>
#include <evt/expected_version.hpp>
#include <evt/store/read.hpp>
#include <evt/store/session.hpp>
#include <evt/stream_name.hpp>

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
// A default-constructed store is the substitute handler tests use: it reads
// nothing and answers what was add()ed (or a new entity).
template <class Entity>
class entity_store {
 public:
  entity_store(std::string category, projection<Entity> projection)
      : category_{std::move(category)}, projection_{std::move(projection)} {}

  static entity_store build(store::session& session, std::string category, projection<Entity> projection) {
    entity_store built{std::move(category), std::move(projection)};
    built.session_ = &session;
    return built;
  }

  // The entity as of the latest event in its stream. Entities are copies:
  // changing one does not change the cache.
  versioned<Entity> fetch(std::string_view id) {
    const auto stream = stream_name(category_, id);
    auto& cached = cache_[stream];
    if (session_ != nullptr) {
      read_stream(
          *session_, stream,
          [&](const store::message_data& row) {
            projection_(cached.entity, row);
            cached.version = row.position;
          },
          store::stream_batch{.position = cached.version + 1});
    }
    return cached;
  }

  // Substitute: fetch(id) answers this entity at this version.
  void add(std::string_view id, Entity entity, std::int64_t version) {
    cache_.insert_or_assign(stream_name(category_, id), versioned<Entity>{std::move(entity), version});
  }

  const std::string& category() const noexcept { return category_; }

 private:
  std::string category_;
  projection<Entity> projection_;
  store::session* session_ = nullptr;
  std::map<std::string, versioned<Entity>, std::less<>> cache_;
};

}  // namespace evt
