#pragma once

// Everything evt-cpp offers, in one include.
#include <evt/version.hpp>
