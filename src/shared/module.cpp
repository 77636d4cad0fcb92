// Anchors nelo_shared's precompiled header (reused by every module target) even before the
// library has other sources; also checks that module.hpp stands alone.
#include "shared/module.hpp"
