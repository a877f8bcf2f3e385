# Installs this build of evt into a scratch prefix, then configures, builds
# and runs a project that only knows find_package(evt): one program per
# target (evt::evt, evt::webhook, evt::metrics); and the installed evt command line.
function(run)
  execute_process(COMMAND ${ARGV} RESULT_VARIABLE failed)
  if(failed)
    message(FATAL_ERROR "failed: ${ARGV}")
  endif()
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
run(${CMAKE_COMMAND} --install ${EVT_BUILD_DIR} --prefix ${WORK_DIR}/prefix)
run(${CMAKE_COMMAND} -S ${CONSUMER_DIR} -B ${WORK_DIR}/build
    -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}")
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
run(${WORK_DIR}/build/consumer)
run(${WORK_DIR}/build/webhook)
run(${WORK_DIR}/build/metrics)
if(WITH_CLI)
  run(${WORK_DIR}/prefix/bin/evt --help)
endif()
# A program of evt::evt alone does not link libcurl; one of evt::webhook does.
execute_process(COMMAND ldd ${WORK_DIR}/build/consumer OUTPUT_VARIABLE consumer_libraries)
execute_process(COMMAND ldd ${WORK_DIR}/build/webhook OUTPUT_VARIABLE webhook_libraries)
execute_process(COMMAND ldd ${WORK_DIR}/build/metrics OUTPUT_VARIABLE metrics_libraries)
if(consumer_libraries MATCHES "libcurl")
  message(FATAL_ERROR "a program using evt::evt only links libcurl:\n${consumer_libraries}")
endif()
if(NOT webhook_libraries MATCHES "libcurl")
  message(FATAL_ERROR "a program using evt::webhook does not link libcurl:\n${webhook_libraries}")
endif()
# Nor cpp-httplib; one of evt::metrics does.
if(consumer_libraries MATCHES "libcpp-httplib")
  message(FATAL_ERROR "a program using evt::evt only links cpp-httplib:\n${consumer_libraries}")
endif()
if(NOT metrics_libraries MATCHES "libcpp-httplib")
  message(FATAL_ERROR "a program using evt::metrics does not link cpp-httplib:\n${metrics_libraries}")
endif()
file(REMOVE_RECURSE ${WORK_DIR})
