// What an error says about trying again, for consumers and the idempotency
// executor (evt/error_kind.hpp).
#include <evt/error.hpp>
#include <evt/error_kind.hpp>

#include <gtest/gtest.h>

#include <stdexcept>

namespace {

using evt::error_kind;

TEST(ErrorKind, AStoreOutOfReachIsTransient) {
  EXPECT_EQ(evt::kind_of(evt::connection_error{"lost"}), error_kind::transient);
  EXPECT_EQ(evt::kind_of(evt::store_error{"terminating connection due to administrator command", "57P01"}),
            error_kind::transient);
  EXPECT_EQ(evt::kind_of(evt::store_error{"could not extend file: No space left on device", "53100"}),
            error_kind::transient);
  EXPECT_EQ(evt::kind_of(evt::store_error{"server conn crashed?", "08P01"}), error_kind::transient)
      << "a pooler's server connection lost";
}

TEST(ErrorKind, RacesAndStaleStateAreConflicts) {
  EXPECT_EQ(evt::kind_of(evt::expected_version_error{"account-1", 1, 2}), error_kind::conflict);
  EXPECT_EQ(evt::kind_of(evt::store_error{"could not serialize access", "40001"}), error_kind::conflict);
  EXPECT_EQ(evt::kind_of(evt::store_error{"deadlock detected", "40P01"}), error_kind::conflict);
  EXPECT_EQ(evt::kind_of(evt::store_error{"duplicate key value violates unique constraint \"balances_pkey\"", "23505"}),
            error_kind::conflict);
  EXPECT_EQ(evt::kind_of(evt::store_error{"conflicting key value violates exclusion constraint", "23P01"}),
            error_kind::conflict);
  EXPECT_EQ(evt::kind_of(evt::store_error{"violates foreign key constraint", "23503"}), error_kind::conflict);
  EXPECT_EQ(evt::kind_of(evt::store_error{"canceling statement due to lock timeout", "55P03"}), error_kind::conflict);
  EXPECT_EQ(evt::kind_of(evt::store_error{"canceling statement due to statement timeout", "57014"}),
            error_kind::conflict);
}

TEST(ErrorKind, WhatTheMessageHoldsIsPoison) {
  EXPECT_EQ(evt::kind_of(evt::decode_error{"account-1", 3, "Deposited", "amount", "not a number"}), error_kind::poison);
  EXPECT_EQ(evt::kind_of(evt::reservation_error{"Idempotence key is missing"}), error_kind::poison);
  EXPECT_EQ(evt::kind_of(evt::stream_name_error{"ID must not be omitted"}), error_kind::poison);
  EXPECT_EQ(evt::kind_of(evt::invalid_message_error{"Amount must be greater than zero"}), error_kind::poison);
  EXPECT_EQ(evt::kind_of(evt::store_error{"invalid input syntax", "22P02"}), error_kind::poison);
  EXPECT_EQ(evt::kind_of(evt::store_error{"index row requires 20048 bytes", "54000"}), error_kind::poison);
  EXPECT_EQ(evt::kind_of(evt::store_error{"violates check constraint", "23514"}), error_kind::poison);
}

TEST(ErrorKind, AnythingElseIsAHandlersOwnError) {
  EXPECT_EQ(evt::kind_of(std::runtime_error{"bug"}), error_kind::other);
  EXPECT_EQ(evt::kind_of(evt::error{"X does not implement a handler for Y"}), error_kind::other);
  EXPECT_EQ(evt::kind_of(evt::duplicate_message_id_error{"duplicate id"}), error_kind::other)
      << "the same message written twice is not what the message holds";
  EXPECT_EQ(evt::kind_of(evt::store_error{"permission denied", "42501"}), error_kind::other);
  try {
    throw 42;
  } catch (...) {
    EXPECT_EQ(evt::kind_of_current_exception(), error_kind::other);
    EXPECT_EQ(evt::class_name_of_current_exception(), "int");
    EXPECT_EQ(evt::message_of_current_exception(), "(not a std::exception)");
  }
}

TEST(ErrorKind, NamesAnErrorsClassReadably) {
  EXPECT_EQ(evt::class_name_of(evt::reservation_error{"x"}), "evt::reservation_error");
  try {
    throw evt::decode_error{"account-1", 3, "Deposited", "amount", "not a number"};
  } catch (...) {
    EXPECT_EQ(evt::class_name_of_current_exception(), "evt::decode_error");
    EXPECT_EQ(evt::kind_of_current_exception(), error_kind::poison);
  }
}

}  // namespace
