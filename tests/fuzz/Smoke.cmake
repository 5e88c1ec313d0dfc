# The short fuzz runs of `make test` (ADR 0130): one CTest test per target (label `fuzz`), each running the
# target COMPTOIR_FUZZ_SECONDS (30) on its corpus. The targets are built by the fuzz preset into
# COMPTOIR_FUZZ_BUILD_DIR (`make fuzz-build`, which `make test` runs first); a missing target fails its test.
set(COMPTOIR_FUZZ_BUILD_DIR ${PROJECT_SOURCE_DIR}/build/fuzz CACHE PATH "Build tree of the fuzz preset")
set(COMPTOIR_FUZZ_SECONDS 30 CACHE STRING "Seconds each fuzz target runs in make test")
if(COMPTOIR_BUILD_TESTS)
  file(GLOB corpora LIST_DIRECTORIES true ${PROJECT_SOURCE_DIR}/tests/fuzz/corpus/*)
  foreach(dir IN LISTS corpora)
    if(IS_DIRECTORY ${dir})
      get_filename_component(name ${dir} NAME)
      add_test(NAME fuzz.${name}
               COMMAND ${PROJECT_SOURCE_DIR}/tests/fuzz/run_one.sh ${name} ${COMPTOIR_FUZZ_SECONDS}
                       ${COMPTOIR_FUZZ_BUILD_DIR})
      set_tests_properties(fuzz.${name} PROPERTIES LABELS fuzz TIMEOUT 300)
    endif()
  endforeach()
endif()
