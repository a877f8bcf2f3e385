// The sanitizers read these when the tests are built with EVT_SANITIZE or EVT_TSAN.
//
// libpqxx 6.4 (Debian's) does not free the PGresult of a prepared statement
// (its preparation or its execution) that fails because the server closed
// the connection: about 2 KiB per lost connection, inside the library. The
// reconnection tests provoke exactly that (in the test binaries and in the
// example programs they run); nothing else is suppressed.
extern "C" const char* __lsan_default_suppressions();

extern "C" const char* __lsan_default_suppressions() {
  return "leak:pqxx::connection_base::exec_prepared\n"
         "leak:pqxx::connection_base::register_prepared\n";
}

// ThreadSanitizer (EVT_TSAN) sees libpqxx's memcmp/memcpy but not the
// synchronisation inside it (Debian's libpqxx is not instrumented), so the
// first use of its lazily built statics from two threads - each with its
// own connection - reads as a race. evt never shares a connection between
// threads; only what libpqxx itself does is ignored.
extern "C" const char* __tsan_default_suppressions();

extern "C" const char* __tsan_default_suppressions() { return "called_from_lib:libpqxx-6.4.so\n"; }
