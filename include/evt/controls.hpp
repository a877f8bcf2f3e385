#pragma once

// Test data (Eventide's "controls"), for tests only: not part of evt/evt.hpp.
#include <evt/controls/controls.hpp>
