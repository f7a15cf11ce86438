#include <gtest/gtest.h>

#include "models/formats/format.h"

using namespace qasim::models;

TEST(Formats, Placeholder) { EXPECT_EQ(parse_format("int4").bits, 4); }
