#include <evt/controls.hpp>
#include <evt/reservation/reservation.hpp>
#include <evt/stream_name.hpp>

#include <gtest/gtest.h>

TEST(Controls, NamesAreFreshAndWellFormed) {
  const auto category = evt::controls::category();
  EXPECT_TRUE(evt::is_category(category));
  EXPECT_NE(category, evt::controls::category());
  const auto stream = evt::controls::stream_name(category);
  EXPECT_EQ(evt::category(stream), category);
  EXPECT_EQ(evt::id(stream)->size(), 36u);
}

TEST(Controls, TimeIsFixed) {
  EXPECT_EQ(evt::controls::time_text(), "2000-01-01T11:11:11.000Z");
  EXPECT_EQ(evt::controls::time(), evt::controls::time());
}

TEST(Controls, MetadataLooksReadFromTheStore) {
  const auto metadata = evt::controls::metadata();
  EXPECT_TRUE(metadata.identifier());
  EXPECT_TRUE(metadata.causation_message_identifier());
  EXPECT_TRUE(metadata.is_reply());
  EXPECT_NE(metadata.property("some_property"), nullptr);
  EXPECT_EQ(metadata.local_property("reserved"), nullptr);
  const auto reserved = evt::controls::reserved_metadata("k1");
  ASSERT_NE(reserved.local_property("reserved"), nullptr);
  EXPECT_EQ(*reserved.stream_name, *reserved.causation_message_stream_name + "+k1");
  EXPECT_EQ(reserved.position, 0);
  EXPECT_TRUE(evt::reservation::is_reserved(reserved, "k1")) << "a reserved copy as the reservation trusts it";
}

TEST(Controls, SomeMessageHasDataAndMetadata) {
  const auto message = evt::controls::some_message();
  EXPECT_EQ(message.some_attribute, "some value");
  EXPECT_TRUE(message.metadata.stream_name);
}
