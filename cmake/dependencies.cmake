# Every dependency comes from a Debian package. libpqxx ships no CMake
# package on Debian, only pkg-config metadata; evt-config.cmake re-finds it
# the same way for consumers.
find_package(PkgConfig REQUIRED)
pkg_check_modules(PQXX REQUIRED IMPORTED_TARGET GLOBAL libpqxx>=6.4)
