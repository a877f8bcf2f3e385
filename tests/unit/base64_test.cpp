#include <evt/base64.hpp>
#include <evt/error.hpp>

#include <gtest/gtest.h>

#include <string>

TEST(Base64, EncodesTheRfc4648Vectors) {
  EXPECT_EQ(evt::base64_encode(""), "");
  EXPECT_EQ(evt::base64_encode("f"), "Zg==");
  EXPECT_EQ(evt::base64_encode("fo"), "Zm8=");
  EXPECT_EQ(evt::base64_encode("foo"), "Zm9v");
  EXPECT_EQ(evt::base64_encode("foobar"), "Zm9vYmFy");
}

TEST(Base64, RoundTripsEveryByte) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  for (std::size_t length = 0; length < 5; ++length) {
    EXPECT_EQ(evt::base64_decode(evt::base64_encode(bytes.substr(0, bytes.size() - length))),
              bytes.substr(0, bytes.size() - length));
  }
}

TEST(Base64, RejectsWhatIsNotBase64) {
  for (const char* text : {"Zg=", "Z===", "Zm9v!A==", "=Zm9"}) EXPECT_THROW(evt::base64_decode(text), evt::error) << text;
}
