#pragma once

#include <exception>
#include <string>
#include <typeinfo>

namespace evt {

// What an error raised while handling a message says about trying again.
enum class error_kind {
  // The store cannot be reached, for now: the connection was lost or
  // cannot be made (connection_error; the server shutting down, SQLSTATE
  // 57P01-57P03; out of resources, class 53; a connection exception, class
  // 08, as a transaction pooler reports a server it lost). Nothing else can
  // be done until it is back: a consumer waits, for as long as it takes.
  transient,
  // Another writer got there first, or the handler's state was stale: an
  // expected-version error, a serialisation failure or deadlock (SQLSTATE
  // class 40), a unique, exclusion or foreign-key violation other than a
  // message id's (23505, 23P01, 23503: usually a race on an application's
  // own rows), a lock or statement timeout (55P03, 57014). Trying again
  // with fresh state may succeed; a consumer does so a bounded number of
  // times, then parks the message.
  conflict,
  // The message itself cannot be handled, now or ever: it cannot be decoded
  // (decode_error, including an event of the entity it needs), its
  // reservation key is refused (reservation_error), a stream name made from
  // it is invalid (stream_name_error), the database refuses a write for its
  // content (SQLSTATE classes 22 and 54, and 23 but for the conflicts
  // above), or a domain check refuses it (invalid_message_error).
  poison,
  // Anything else: most likely a bug in the handler.
  other,
};

error_kind kind_of(const std::exception& error) noexcept;
// Of the error being handled, inside a catch block (other when it is not a
// std::exception).
error_kind kind_of_current_exception() noexcept;

// The error being handled as an E, inside a catch block (valid until it
// ends), or nullptr.
template <class E>
const E* current_exception_as() noexcept {
  try {
    throw;
  } catch (const E& error) {
    return &error;
  } catch (...) {
    return nullptr;
  }
}

// A type's name, readable: "evt::decode_error".
std::string type_name(const std::type_info& type);
// The dynamic class of an error, readable: "evt::decode_error".
std::string class_name_of(const std::exception& error);
// Of the error being handled, inside a catch block, and its what() ("(not a
// std::exception)" when it has none).
std::string class_name_of_current_exception();
std::string message_of_current_exception();

}  // namespace evt
