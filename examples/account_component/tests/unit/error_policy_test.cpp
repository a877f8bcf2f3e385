// The component's error policy: which handler errors skip the message.
#include "component/component.hpp"

#include <evt/error.hpp>
#include <evt/store/message_data.hpp>

#include <gtest/gtest.h>

#include <stdexcept>

namespace {

using account_component::skip_bad_commands;

const evt::store::message_data command{.type = "Deposit", .stream_name = "account:command-a1", .position = 3};

evt::store::message_data reserved_copy() {
  auto copy = command;
  copy.stream_name = "account:command-a1+d1";
  copy.position = 0;
  copy.metadata = R"({"localProperties": {"reserved": "some-id"}})";
  return copy;
}

template <class Error>
std::exception_ptr error(Error error) {
  return std::make_exception_ptr(std::move(error));
}

TEST(ErrorPolicy, SkipsACommandThatCannotBeDecoded) {
  EXPECT_NO_THROW(skip_bad_commands(error(evt::decode_error{"account:command-a1", 3, "Deposit", "amount", "not a number"}), command));
}

TEST(ErrorPolicy, SkipsACommandThatCannotBeReserved) {
  EXPECT_NO_THROW(skip_bad_commands(error(evt::reservation_error{"Idempotence key must not be blank"}), command));
}

TEST(ErrorPolicy, StopsOnAnEventThatCannotBeDecoded) {
  EXPECT_THROW(skip_bad_commands(error(evt::decode_error{"account-a1", 7, "Deposited", "amount", "not a number"}), command),
               evt::decode_error);
}

TEST(ErrorPolicy, StopsOnAReservedCopyThatCannotBeDecoded) {
  const auto copy = reserved_copy();
  EXPECT_THROW(skip_bad_commands(error(evt::decode_error{copy.stream_name, 0, "Deposit", "amount", "not a number"}), copy),
               evt::decode_error);
}

TEST(ErrorPolicy, StopsOnAnythingElse) {
  EXPECT_THROW(skip_bad_commands(error(evt::expected_version_error{"account-a1", 1, 2}), command), evt::expected_version_error);
  EXPECT_THROW(skip_bad_commands(error(std::runtime_error{"handler bug"}), command), std::runtime_error);
}

}  // namespace
