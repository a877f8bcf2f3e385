include(CMakePackageConfigHelpers)

set(EVT_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/evt)

install(TARGETS evt EXPORT evt-targets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY include/evt DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT evt-targets NAMESPACE evt:: DESTINATION ${EVT_CMAKE_DIR})
install(DIRECTORY message_db/ DESTINATION ${CMAKE_INSTALL_DATADIR}/evt/message_db USE_SOURCE_PERMISSIONS)

configure_package_config_file(cmake/evt-config.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/evt-config.cmake
  INSTALL_DESTINATION ${EVT_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/evt-config-version.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${CMAKE_CURRENT_BINARY_DIR}/evt-config.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/evt-config-version.cmake
  DESTINATION ${EVT_CMAKE_DIR})
