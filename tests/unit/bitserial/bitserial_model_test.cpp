#include <gtest/gtest.h>

#include "models/bitserial/bitserial_model.h"

using namespace qasim::models;

TEST(BitserialModel, Placeholder) { EXPECT_EQ(serial_bits(parse_format("int4")), 4u); }
