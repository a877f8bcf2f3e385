#pragma once

#include <evt/store/message_data.hpp>
#include <evt/store/session.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace evt {

// Where a consumer records how far it has read (SPEC 5): a stream of
// Recorded {"position": N} messages, named as Eventide names it:
// "account:command" -> "account:command+position", "accountTransaction" ->
// "accountTransaction:position", with an identifier "...:position-<identifier>".
class position_store {
 public:
  position_store(store::session& session, std::string stream_name)
      : session_{&session}, stream_name_{std::move(stream_name)} {}

  static std::string stream_name(std::string_view category, std::optional<std::string_view> identifier = {});
  // The message that records a position: Recorded {"position": N}, as
  // Eventide writes it (projectors and relays record theirs so too).
  static store::new_message recorded(std::int64_t position);

  std::optional<std::int64_t> get();
  void put(std::int64_t position);

  const std::string& stream_name() const noexcept { return stream_name_; }

 private:
  store::session* session_;
  std::string stream_name_;
};

}  // namespace evt
