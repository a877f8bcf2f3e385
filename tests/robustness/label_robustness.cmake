# Run by ctest after gtest_discover_tests has listed the robustness tests:
# gives each the label robustness beside its schema label. (Through
# gtest_discover_tests' PROPERTIES a two-label list is split into bogus
# property names in CMake 3.25.)
file(GLOB discovered "${CMAKE_CURRENT_LIST_DIR}/evt_robustness_*tests*_tests.cmake")
foreach(file IN LISTS discovered)
  file(STRINGS ${file} tests REGEX "^add_test")
  foreach(test IN LISTS tests)
    string(REGEX MATCH "^add_test\\(\\[=\\[([^.]+)(\\.[^]]+)\\]=\\]" _ "${test}")
    set_tests_properties("${CMAKE_MATCH_1}${CMAKE_MATCH_2}" PROPERTIES LABELS "${CMAKE_MATCH_1};robustness")
  endforeach()
endforeach()
