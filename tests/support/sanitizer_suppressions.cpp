// The sanitizers read these when the tests are built with EVT_SANITIZE or EVT_TSAN.
//
// libpqxx 6.4 (Debian's) does not free the PGresult of a statement that
// fails because the server closed the connection: its make_result reads
// the client encoding before it owns the result, and that throws
// broken_connection ("Could not obtain client encoding: not connected").
// About 2 KiB per lost connection (216 + 2,048 bytes), inside the library.
// The reconnection and crash tests provoke exactly that, in the test
// binaries and in the example programs they run: prepared statements (their
// preparation or execution), statements sent with their parameters
// (exec_params: SET DateStyle on connecting, the lag, a transaction's
// queries) and the LISTEN a notification receiver sends on connecting
// (add_receiver). Statements libpqxx sends through its hidden exec
// (BEGIN, COMMIT) leave a stack no suppression can name: evt sends its own
// through exec_params. Nothing else is suppressed.
extern "C" const char* __lsan_default_suppressions();

extern "C" const char* __lsan_default_suppressions() {
  return "leak:pqxx::connection_base::exec_prepared\n"
         "leak:pqxx::connection_base::register_prepared\n"
         "leak:pqxx::connection_base::exec_params\n"
         "leak:pqxx::connection_base::add_receiver\n";
}

// ThreadSanitizer (EVT_TSAN) sees libpqxx's memcmp/memcpy but not the
// synchronisation inside it (Debian's libpqxx is not instrumented), so the
// first use of its lazily built statics from two threads - each with its
// own connection - reads as a race. evt never shares a connection between
// threads; only what libpqxx itself does is ignored.
extern "C" const char* __tsan_default_suppressions();

extern "C" const char* __tsan_default_suppressions() { return "called_from_lib:libpqxx-6.4.so\n"; }
