#pragma once

#include <evt/error.hpp>
#include <evt/idempotency/basic_manager.hpp>
#include <evt/idempotency/serializer.hpp>

#include <boost/hana.hpp>

#include <chrono>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace evt::idempotency {

// The failure recorded when an operation throws (the default Failure type):
// the exception's type and message. Read back, it is thrown as an
// operation_failed_error.
struct failure {
  BOOST_HANA_DEFINE_STRUCT(failure, (std::string, type), (std::string, message));
  bool operator==(const failure&) const = default;
};

// A failure for an exception: its dynamic type's name and what().
failure failure_of(const std::exception& exception);

// Whether an error says nothing lasting about the operation, so that running
// it again may succeed: the store out of reach, a conflict (evt::error_kind:
// expected_version_error, a serialization failure or deadlock, a race on a
// unique, exclusion or foreign key, a lock or statement timeout), a pending
// or lost lease of a nested operation, running out of memory.
bool is_transient(const std::exception& error);

// A record with its result or failure read back.
template <class Result, class Failure>
struct typed_record {
  record stored;
  std::optional<Result> result = std::nullopt;    // status success
  std::optional<Failure> failure = std::nullopt;  // status failed

  idempotency::status status() const noexcept { return stored.status; }
};

// The idempotency manager (the model of @litert/idempotency) for results of
// type Result and failures of type Failure, serialised by Serializer
// (MessagePack by default, json_serializer for readable records):
//
//   evt::idempotency::memory_storage storage;   // or message_store_storage{session}
//   evt::idempotency::manager<Receipt> payments{storage};
//   const auto me = evt::idempotency::holder::make();
//   if (payments.initiate(me, key, fingerprint)) {
//     payments.success(me, key, charge(...));    // or fail(me, key, ...), release(me, key)
//   } else {
//     receipt = payments.wait(key, 5s);          // the first caller's result
//   }
//
// See basic_manager for the protocol, holders, leases and errors.
template <class Result, class Failure = idempotency::failure, class Serializer = msgpack_serializer>
class manager {
 public:
  explicit manager(storage& storage, idempotency::settings settings = {}) : records_{storage, std::move(settings)} {}

  std::optional<typed_record<Result, Failure>> get(std::string_view key) {
    auto found = records_.get(key);
    if (!found) return std::nullopt;
    return read(std::move(*found));
  }

  bool initiate(const holder& holder, std::string_view key, std::string_view context = {}) {
    return records_.initiate(holder, key, context);
  }
  void success(const holder& holder, std::string_view key, const Result& result) {
    records_.success(holder, key, Serializer::format, Serializer::serialize(result));
  }
  void fail(const holder& holder, std::string_view key, const Failure& failure) {
    records_.fail(holder, key, Serializer::format, Serializer::serialize(failure));
  }
  void release(const holder& holder, std::string_view key) { records_.release(holder, key); }
  void renew(const holder& holder, std::string_view key) { records_.renew(holder, key); }
  bool holds(const holder& holder, std::string_view key) { return records_.holds(holder, key); }

  // The result once the operation succeeded; its failure thrown once it
  // failed (see rethrow); an operation_pending_error after `timeout`.
  Result wait(std::string_view key, std::chrono::milliseconds timeout) {
    return outcome(read(records_.wait(key, timeout)));
  }

  // A completed record's result, or its failure thrown: as an
  // operation_failed_error for the default failure type, as the Failure
  // object itself for any other.
  Result outcome(const typed_record<Result, Failure>& completed) const {
    if (completed.result) return *completed.result;
    const auto& key = completed.stored.key;
    if (!completed.failure) {
      throw operation_pending_error{"Operation has no outcome yet (Key: " + key + ")", key};
    }
    if constexpr (std::is_same_v<Failure, idempotency::failure>) {
      throw operation_failed_error{"Operation failed before: " + completed.failure->message + " (Key: " + key +
                                       ", Error: " + completed.failure->type + ")",
                                   key, completed.failure->type, completed.failure->message};
    } else {
      throw *completed.failure;
    }
  }

  basic_manager& records() noexcept { return records_; }

 private:
  typed_record<Result, Failure> read(record stored) const {
    typed_record<Result, Failure> typed{.stored = std::move(stored)};
    const auto& key = typed.stored.key;
    if (typed.stored.status == status::pending) return typed;
    if (!typed.stored.result) {
      throw idempotency_error{"Completed idempotency record holds no outcome (Key: " + key + ")", key};
    }
    if (typed.stored.format != Serializer::format) {
      throw idempotency_error{"Idempotency record was written in another format (Key: " + key + ", Format: " +
                                  typed.stored.format + ", Expected: " + std::string{Serializer::format} + ")",
                              key};
    }
    const std::string what = "the " + std::string{to_string(typed.stored.status)} + " of idempotency key " + key;
    if (typed.stored.status == status::success) {
      typed.result = Serializer::template deserialize<Result>(*typed.stored.result, what);
    } else {
      typed.failure = Serializer::template deserialize<Failure>(*typed.stored.result, what);
    }
    return typed;
  }

  basic_manager records_;
};

}  // namespace evt::idempotency
