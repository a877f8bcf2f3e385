// What the account component accepts in a command (validation.hpp).
#include "component/validation.hpp"

#include <gtest/gtest.h>

namespace {

using account_component::account_problem;
using account_component::amount_problem;
using evt::money;

TEST(Validation, AnAmountIsPositiveAtMostATrillionWithAtMostTwentyDecimalPlaces) {
  for (const char* amount : {"0.01", "100", "4.0", "0.30000000000000004", "0.000010", "1000000000000",
                             "0.00000000000000000001"}) {
    EXPECT_EQ(amount_problem(money::parse(amount)), std::nullopt) << amount;
  }
  EXPECT_EQ(amount_problem(money{0}), "Amount must be greater than zero");
  EXPECT_EQ(amount_problem(money::parse("0.00")), "Amount must be greater than zero");
  EXPECT_EQ(amount_problem(money{-50}), "Amount must be greater than zero");
  EXPECT_EQ(amount_problem(money::parse("1000000000000.01")), "Amount must be at most 1000000000000");
  EXPECT_EQ(amount_problem(money::parse("1.0e+20")), "Amount must be at most 1000000000000");
  EXPECT_EQ(amount_problem(money::parse("0.000000000000000000001")), "Amount must have at most 20 decimal places");
}

TEST(Validation, AnAccountIdIsTheIdOfTheCommandsStream) {
  evt::metadata command{.stream_name = "account:command-a1"};
  EXPECT_EQ(account_problem("a1", command), std::nullopt);
  command.stream_name = "account:command-a1+d1";  // a reserved copy
  EXPECT_EQ(account_problem("a1", command), std::nullopt);
  EXPECT_EQ(account_problem("a2", command),
            "Account ID must be the id of the command's stream (Stream: account:command-a1+d1)");
  EXPECT_EQ(account_problem("", command), "Account ID must not be empty");
  EXPECT_EQ(account_problem("a+b", {}), "Account ID must not contain '+', which separates ids");
  EXPECT_EQ(account_problem("a1", {}), std::nullopt) << "a command not read from a stream (the client's)";
}

}  // namespace
