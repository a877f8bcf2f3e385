#include <evt/error.hpp>
#include <evt/metrics/exposition.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace {

using evt::metrics::exposition;

TEST(MetricsExposition, HelpAndTypeComeOnceBeforeTheFamilysSamples) {
  exposition out;
  out.family("evt_things_total", exposition::type::counter, "Things done.");
  out.sample({{"kind", "a"}}, std::int64_t{3});
  out.sample({{"kind", "b"}}, std::int64_t{-4});
  out.family("evt_level", exposition::type::gauge, "A level.");
  out.sample({}, std::int64_t{7});
  EXPECT_EQ(out.text(),
            "# HELP evt_things_total Things done.\n"
            "# TYPE evt_things_total counter\n"
            "evt_things_total{kind=\"a\"} 3\n"
            "evt_things_total{kind=\"b\"} -4\n"
            "# HELP evt_level A level.\n"
            "# TYPE evt_level gauge\n"
            "evt_level 7\n");
}

TEST(MetricsExposition, LabelsAreWrittenInTheirOrderSeparatedByCommas) {
  exposition out;
  out.family("evt_x", exposition::type::gauge, "X.");
  out.sample({{"category", "account:command"}, {"position_stream", "account:command+position-a+0"}, {"b", ""}},
             std::int64_t{1});
  EXPECT_EQ(out.text().substr(out.text().find("evt_x{")),
            "evt_x{category=\"account:command\",position_stream=\"account:command+position-a+0\",b=\"\"} 1\n");
}

TEST(MetricsExposition, LabelValuesEscapeBackslashDoubleQuoteAndLineFeed) {
  EXPECT_EQ(exposition::escape_label_value("a\\b\"c\nd'e\tf"), "a\\\\b\\\"c\\nd'e\tf");
  exposition out;
  out.family("evt_x", exposition::type::gauge, "X.");
  out.sample({{"handler", "say \"hi\"\\\n"}}, std::int64_t{1});
  EXPECT_NE(out.text().find("evt_x{handler=\"say \\\"hi\\\"\\\\\\n\"} 1\n"), std::string::npos) << out.text();
}

TEST(MetricsExposition, HelpEscapesBackslashAndLineFeedButNotDoubleQuotes) {
  EXPECT_EQ(exposition::escape_help("a\\b\"c\nd"), "a\\\\b\"c\\nd");
  exposition out;
  out.family("evt_x", exposition::type::counter, "two\nlines \\ \"quoted\"");
  EXPECT_EQ(out.text(), "# HELP evt_x two\\nlines \\\\ \"quoted\"\n# TYPE evt_x counter\n");
}

TEST(MetricsExposition, DoublesAreTheShortestTextThatReadsBackAndSpecialValuesArePrometheus) {
  exposition out;
  out.family("evt_seconds", exposition::type::gauge, "S.");
  out.sample({{"v", "half"}}, 0.5);
  out.sample({{"v", "tenth"}}, 0.1);
  out.sample({{"v", "whole"}}, 3.0);
  out.sample({{"v", "nan"}}, std::numeric_limits<double>::quiet_NaN());
  out.sample({{"v", "inf"}}, std::numeric_limits<double>::infinity());
  out.sample({{"v", "-inf"}}, -std::numeric_limits<double>::infinity());
  EXPECT_EQ(out.text().substr(out.text().find("evt_seconds{")),
            "evt_seconds{v=\"half\"} 0.5\n"
            "evt_seconds{v=\"tenth\"} 0.1\n"
            "evt_seconds{v=\"whole\"} 3\n"
            "evt_seconds{v=\"nan\"} NaN\n"
            "evt_seconds{v=\"inf\"} +Inf\n"
            "evt_seconds{v=\"-inf\"} -Inf\n");
}

TEST(MetricsExposition, IntegersAreWrittenWhole) {
  exposition out;
  out.family("evt_position", exposition::type::gauge, "P.");
  out.sample({}, std::numeric_limits<std::int64_t>::max());
  EXPECT_NE(out.text().find("evt_position 9223372036854775807\n"), std::string::npos);
}

TEST(MetricsExposition, NamesPrometheusWouldRefuseAreErrors) {
  exposition out;
  for (const char* bad : {"", "9lives", "evt-things", "evt things", "evt_é"}) {
    EXPECT_THROW(out.family(bad, exposition::type::counter, "Bad."), evt::error) << bad;
  }
  EXPECT_NO_THROW(out.family("evt:recorded_rule_total", exposition::type::counter, "Colons are fine in metric names."));
  for (const char* bad : {"__name__", "a:b", "1a", "a-b", ""}) {
    EXPECT_THROW(out.sample({{bad, "x"}}, std::int64_t{1}), evt::error) << bad;
  }
  try {
    out.sample({{"a-b", "x"}}, std::int64_t{1});
  } catch (const evt::error& refused) {
    EXPECT_STREQ(refused.what(), "Not a Prometheus label name (Name: a-b, Metric: evt:recorded_rule_total)");
  }
}

TEST(MetricsExposition, ASampleNeedsItsFamily) {
  exposition out;
  EXPECT_THROW(out.sample({}, std::int64_t{1}), evt::error);
  EXPECT_EQ(out.text(), "");
}

TEST(MetricsExposition, TheContentTypeIsVersion004) {
  EXPECT_EQ(exposition::content_type, "text/plain; version=0.0.4; charset=utf-8");
}

}  // namespace
