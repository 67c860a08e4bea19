// The Catch2 entry point for the whole C++ suite.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
