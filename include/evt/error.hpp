#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

// Every error evt-cpp raises, in one place. Each names what went wrong and
// where, in one shape: "Sentence (Key: value, Key: value)".
namespace evt {

class error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A value as an error message quotes it: its first 100 bytes, then "...";
// what is refused may be megabytes long.
std::string excerpt(std::string_view text);

// A stream name or category that is malformed, or of the wrong kind for the
// operation (a category where a stream is needed, or the other way round).
class stream_name_error : public error {
 public:
  using error::error;
};

// The stream was not at the version the writer expected; nothing was written.
class expected_version_error : public error {
 public:
  expected_version_error(std::string stream_name, std::int64_t expected, std::int64_t actual);

  const std::string& stream_name() const noexcept { return stream_name_; }
  std::int64_t expected() const noexcept { return expected_; }
  std::int64_t actual() const noexcept { return actual_; }

 private:
  std::string stream_name_;
  std::int64_t expected_;
  std::int64_t actual_;
};

// A message with this id is already in the store; nothing was written.
class duplicate_message_id_error : public error {
 public:
  using error::error;
};

// A stored message that cannot be read into its C++ form.
class decode_error : public error {
 public:
  decode_error(std::string stream_name, std::int64_t position, std::string type, std::string field,
               const std::string& cause);

  const std::string& stream_name() const noexcept { return stream_name_; }
  std::int64_t position() const noexcept { return position_; }
  const std::string& type() const noexcept { return type_; }
  const std::string& field() const noexcept { return field_; }

 private:
  std::string stream_name_;
  std::int64_t position_;
  std::string type_;
  std::string field_;
};

// A message cannot be reserved: its idempotence key is missing, blank or
// would change the reservation stream's meaning, or it has no stream name.
class reservation_error : public error {
 public:
  using error::error;
};

// A message that repeats a command reserved already (a reserved copy
// written again into its reservation stream): refused for good. Parked, it
// is never replayed (evt::dead_letter::replay refuses it): a replay could
// only apply the command a second time.
class duplicate_reservation_error : public reservation_error {
 public:
  using reservation_error::reservation_error;
};

// A message its handler refuses for what it holds (a domain check: an
// amount that is not positive, an id that names nothing). Consumers park it
// (see error_kind.hpp): handling it again cannot change the answer.
class invalid_message_error : public error {
 public:
  using error::error;
};

// Consumer group member and size are inconsistent or out of range.
class consumer_group_error : public error {
 public:
  using error::error;
};

// A read with an SQL condition on a server that has not activated them
// (message_store.sql_condition).
class condition_error : public error {
 public:
  using error::error;
};

// An idempotency record cannot be used as asked (evt::idempotency, evt::
// recovery): the key is invalid, or there is nothing to wait for. The
// subclasses say why a caller may not go on.
class idempotency_error : public error {
 public:
  idempotency_error(const std::string& what, std::string key) : error{what}, key_{std::move(key)} {}
  const std::string& key() const noexcept { return key_; }

 private:
  std::string key_;
};

// The key was used before for a different request (its fingerprint differs);
// nothing was recorded or run.
class fingerprint_mismatch_error : public idempotency_error {
 public:
  using idempotency_error::idempotency_error;
};

// Another caller holds the key's operation and has not finished it (yet).
class operation_pending_error : public idempotency_error {
 public:
  using idempotency_error::idempotency_error;
};

// The holder does not hold the key (any more: another holder took it over
// after its lease expired, it released the key, or it recorded another
// outcome; or it never held it): its result is not recorded.
class lease_lost_error : public idempotency_error {
 public:
  using idempotency_error::idempotency_error;
};

// The key's operation failed before and its failure was recorded; the
// operation does not run again.
class operation_failed_error : public idempotency_error {
 public:
  operation_failed_error(const std::string& what, std::string key, std::string type, std::string message)
      : idempotency_error{what, std::move(key)}, type_{std::move(type)}, message_{std::move(message)} {}
  const std::string& type() const noexcept { return type_; }        // of the original exception
  const std::string& message() const noexcept { return message_; }  // its what()

 private:
  std::string type_;
  std::string message_;
};

// A write to a second category inside a transaction kept to one
// (store::transaction::keep_to_one_category), refused before it was sent:
// nothing was written, and the transaction can still commit.
class other_category_error : public error {
 public:
  using error::error;
};

// Any other refusal by the database, with its SQLSTATE.
class store_error : public error {
 public:
  store_error(const std::string& what, std::string sqlstate);
  const std::string& sqlstate() const noexcept { return sqlstate_; }

 private:
  std::string sqlstate_;
};

// The connection failed or was lost. Retriable: the session reconnects on
// its next call. When a write was under way its outcome is unknown (it may
// have committed), so it is never retried silently: the caller checks by
// writing the same again with the same expected version or message ids,
// which then fails with expected_version_error or duplicate_message_id_error
// if the first attempt committed.
class connection_error : public error {
 public:
  explicit connection_error(const std::string& what, bool outcome_unknown = false)
      : error{what}, outcome_unknown_{outcome_unknown} {}
  bool outcome_unknown() const noexcept { return outcome_unknown_; }

 private:
  bool outcome_unknown_;
};

}  // namespace evt
