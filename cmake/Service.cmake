# comptoir_add_service(<name> SOURCES <files...> [SEED_FILES <files...>])
#
# A service library `comptoir_<name>` laid out as CONVENTIONS.md says: sql/migrations/NNNN_*.sql and
# openapi.json embedded into the library (functions <name>::MigrationFiles() and OpenApiFiles()),
# optional seed SQL files (<name>::SeedFiles()), include/ public, src/ private.
function(comptoir_add_service name)
  cmake_parse_arguments(ARG "" "" "SOURCES;SEED_FILES" ${ARGN})
  set(dir ${CMAKE_CURRENT_SOURCE_DIR})
  file(GLOB migrations CONFIGURE_DEPENDS ${dir}/sql/migrations/*.sql)
  list(SORT migrations)
  set(generated ${CMAKE_CURRENT_BINARY_DIR}/${name}_openapi.cpp)
  if(migrations)  # a service without a database (cart) has none
    comptoir_embed_files(${CMAKE_CURRENT_BINARY_DIR}/${name}_migrations.cpp
      NAMESPACE comptoir::${name} FUNCTION MigrationFiles FILES ${migrations})
    list(APPEND generated ${CMAKE_CURRENT_BINARY_DIR}/${name}_migrations.cpp)
  endif()
  comptoir_embed_files(${CMAKE_CURRENT_BINARY_DIR}/${name}_openapi.cpp
    NAMESPACE comptoir::${name} FUNCTION OpenApiFiles FILES ${dir}/openapi.json)
  if(ARG_SEED_FILES)
    comptoir_embed_files(${CMAKE_CURRENT_BINARY_DIR}/${name}_seed.cpp
      NAMESPACE comptoir::${name} FUNCTION SeedFiles FILES ${ARG_SEED_FILES})
    list(APPEND generated ${CMAKE_CURRENT_BINARY_DIR}/${name}_seed.cpp)
  endif()
  add_library(comptoir_${name} STATIC ${ARG_SOURCES} ${generated})
  target_include_directories(comptoir_${name} PUBLIC ${dir}/include PRIVATE ${dir}/src)
  target_link_libraries(comptoir_${name} PUBLIC comptoir_service)
endfunction()

# comptoir_add_integration_test(<target> <source> [LIBS ...] [FIXTURES pg redis])
# A test executable run by CTest with the real `comptoir` binary in COMPTOIR_BIN.
function(comptoir_add_integration_test target source)
  cmake_parse_arguments(ARG "" "" "LIBS;FIXTURES" ${ARGN})
  if(NOT ARG_FIXTURES)
    set(ARG_FIXTURES pg)
  endif()
  add_executable(${target} ${source})
  target_link_libraries(${target} PRIVATE comptoir_testing Boost::json GTest::gtest_main ${ARG_LIBS})
  add_test(NAME ${target} COMMAND ${target})
  set_tests_properties(${target} PROPERTIES
    FIXTURES_REQUIRED "${ARG_FIXTURES}"
    LABELS integration
    TIMEOUT 600
    ENVIRONMENT "COMPTOIR_BIN=$<TARGET_FILE:comptoir>;COMPTOIR_GATEWAY_KONG_YML=${PROJECT_SOURCE_DIR}/deploy/kong.yml")
endfunction()
