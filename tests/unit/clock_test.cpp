#include <evt/clock.hpp>
#include <evt/error.hpp>

#include <gtest/gtest.h>

using namespace std::chrono;

TEST(Iso8601, IsUtcWithMillisecondsAndZ) {
  const auto time = sys_days{year{2000} / 1 / 1} + 11h + 11min + 11s + 7ms + 999us;
  EXPECT_EQ(evt::iso8601(time), "2000-01-01T11:11:11.007Z");
  EXPECT_EQ(evt::iso8601(sys_days{year{2026} / 11 / 24}), "2026-11-24T00:00:00.000Z");
}

TEST(Iso8601, ParsesWhatItWritesAndOtherFractions) {
  const auto time = evt::time_point{sys_days{year{2026} / 11 / 22} + 19h + 57min + 11s + 268ms};
  EXPECT_EQ(evt::parse_iso8601("2026-11-22T19:57:11.268Z"), time);
  EXPECT_EQ(evt::parse_iso8601(evt::iso8601(time)), time);
  EXPECT_EQ(evt::parse_iso8601("2026-11-22T19:57:11Z"), time - 268ms);
  EXPECT_EQ(evt::parse_iso8601("2026-11-22T19:57:11.2Z"), time - 68ms);
  EXPECT_EQ(evt::parse_iso8601("2026-11-22T19:57:11.268999999Z"), time);
  EXPECT_EQ(evt::parse_iso8601("2026-11-22T20:57:11.268+01:00"), time) << "any offset, to UTC";
}

TEST(Iso8601, RejectsAnythingElseNamingTheText) {
  for (const char* text : {"", "2026-11-22", "2026-11-22 19:57:11Z", "2026-11-22T19:57:11.268", "2026-11-22T19:57:11.Z",
                           "2026-02-30T00:00:00Z", "2026-11-22T24:00:00Z", "2026-11-22T19:57:11.2x8Z",
                           "2026-11-22T19:57:11+1:00"}) {
    try {
      evt::parse_iso8601(text);
      ADD_FAILURE() << "accepted " << text;
    } catch (const evt::error& error) {
      EXPECT_EQ(std::string{error.what()}, std::string{"Not an ISO 8601 time (Text: "} + text + ")");
    }
  }
}

TEST(Now, IsTruncatedToMilliseconds) {
  const auto now = evt::now();
  EXPECT_EQ(evt::parse_iso8601(evt::iso8601(now)), now);
}
