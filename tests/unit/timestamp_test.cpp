// Times as message data holds them (evt::timestamp): every ISO 8601 form
// Ruby writes is read and written back as it was.
#include <evt/error.hpp>
#include <evt/timestamp.hpp>

#include <gtest/gtest.h>

using namespace std::chrono;

namespace {

const auto instant = sys_days{year{2026} / 11 / 28} + 4h + 52min + 15s + 67ms;

TEST(Timestamp, KeepsTheTextAsRubyWroteIt) {
  for (const char* text : {"2026-11-28T04:52:15.067Z", "2026-11-28T04:52:15.067+00:00", "2026-11-28T05:52:15.067+01:00",
                           "2026-11-27T23:22:15.067-05:30", "2026-11-28T04:52:15.067123Z",
                           "2026-11-28T04:52:15.067123456Z", "2026-11-28T04:52:15Z", "2026-11-28T05:52:15.067+0100",
                           "2026-11-28T05:52:15.067+01"}) {
    EXPECT_EQ(evt::timestamp::parse(text).to_string(), text);
  }
}

TEST(Timestamp, NamesTheSameInstantWhateverTheOffset) {
  const auto utc = evt::timestamp::parse("2026-11-28T04:52:15.067Z");
  EXPECT_EQ(utc.instant(), instant);
  EXPECT_EQ(evt::timestamp::parse("2026-11-28T04:52:15.067+00:00"), utc);
  EXPECT_EQ(evt::timestamp::parse("2026-11-28T05:52:15.067+01:00"), utc);
  EXPECT_EQ(evt::timestamp::parse("2026-11-27T23:22:15.067-05:30"), utc);
  EXPECT_EQ(evt::timestamp::parse("2026-11-28T04:52:15.067123Z").instant(), instant + 123us) << "microseconds kept";
  EXPECT_EQ(evt::timestamp::parse("2026-11-28T04:52:15.067123999Z").instant(), instant + 123us) << "finer digits in the text";
  EXPECT_LT(utc, evt::timestamp::parse("2026-11-28T04:52:15.068Z"));
}

TEST(Timestamp, FromTheClockIsWrittenAsRubysClockWritesIt) {
  const evt::timestamp from_clock = evt::time_point{instant};
  EXPECT_EQ(from_clock.to_string(), "2026-11-28T04:52:15.067Z");
  EXPECT_EQ(evt::timestamp{}.to_string(), "1970-01-01T00:00:00.000Z");
}

TEST(Timestamp, RefusesWhatIsNotAnIso8601TimeNamingTheText) {
  for (const char* text : {"", "2026-11-28", "2026-11-28 04:52:15Z", "2026-11-28T04:52:15.067", "2026-11-28T04:52:15.Z",
                           "2026-02-30T00:00:00Z", "2026-11-28T24:00:00Z", "2026-11-28T04:52:15.0x7Z",
                           "2026-11-28T04:52:15+1:00", "2026-11-28T04:52:15+24:00", "2026-11-28T04:52:15+01:60",
                           "2026-11-28T04:52:15Zjunk", "2026-11-28T04:52:15 UTC"}) {
    try {
      evt::timestamp::parse(text);
      ADD_FAILURE() << "accepted " << text;
    } catch (const evt::error& error) {
      EXPECT_EQ(std::string{error.what()}, std::string{"Not an ISO 8601 time (Text: "} + text + ")");
    }
  }
}

}  // namespace
