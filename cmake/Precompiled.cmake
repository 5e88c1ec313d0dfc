# Precompiled headers (ADR 0180).
#
# Nearly every translation unit parses the same third-party headers (Boost.JSON, the Asio coroutine
# pieces, Beast, spdlog/fmt, and GoogleTest in tests): that parsing was most of a clean build. They are
# precompiled once per kind (comptoir_pch_<kind>, four kinds below) and every C++ target reuses the
# .gch of its kind (REUSE_FROM): a build tree compiles at most four .gch files, not one per target.
#
# Only third-party headers go in: a change to a project header must not rebuild everything.
# GCC uses a .gch only when the macros and code-generation flags match (-Winvalid-pch, which CMake
# adds, warns when it does not; the compile then falls back to the plain header, slower but correct).
# The fuzz preset (clang, ADR 0130) returns before this file is used.
option(COMPTOIR_PCH "Precompile the third-party headers once per build tree (ADR 0180)" ON)

# Every target gets std, Boost.JSON, spdlog/fmt; a target that links comptoir_asio also gets Asio and
# Beast (their headers define static error categories whose functions only comptoir_asio has, so a
# target that does not link it must not see them); a target that links GoogleTest also gets gtest.h.
set(COMPTOIR_PCH_BASE
  <algorithm> <chrono> <cstdint> <functional> <map> <memory> <optional> <string> <string_view>
  <unordered_map> <utility> <variant> <vector>
  <boost/json.hpp> <spdlog/spdlog.h> <fmt/format.h>)
set(COMPTOIR_PCH_NET
  <boost/asio/awaitable.hpp> <boost/asio/co_spawn.hpp> <boost/asio/use_awaitable.hpp>
  <boost/asio/steady_timer.hpp> <boost/asio/io_context.hpp> <boost/asio/this_coro.hpp>
  <boost/asio/redirect_error.hpp> <boost/asio/as_tuple.hpp> <boost/asio/post.hpp>
  <boost/asio/ip/tcp.hpp>
  <boost/beast/core.hpp> <boost/beast/http.hpp>)

# All build-system targets defined in `dir` and below.
function(comptoir_targets_below dir out)
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(sub IN LISTS subdirs)
    comptoir_targets_below(${sub} below)
    list(APPEND targets ${below})
  endforeach()
  set(${out} ${targets} PARENT_SCOPE)
endfunction()

# Whether `target` links `wanted`, directly or through the project's own libraries.
function(comptoir_links target wanted out)
  set(seen)
  set(todo ${target})
  set(found FALSE)
  list(LENGTH todo n)
  while(n GREATER 0)
    list(POP_FRONT todo t)
    list(LENGTH todo n)
    if(t IN_LIST seen OR NOT TARGET ${t})
      continue()
    endif()
    list(APPEND seen ${t})
    if(t STREQUAL wanted)
      set(found TRUE)
      break()
    endif()
    get_target_property(imported ${t} IMPORTED)
    if(imported)
      continue()
    endif()
    get_target_property(libs ${t} LINK_LIBRARIES)
    get_target_property(ilibs ${t} INTERFACE_LINK_LIBRARIES)
    foreach(lib IN LISTS libs ilibs)
      string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" lib "${lib}")
      if(TARGET "${lib}")
        list(APPEND todo ${lib})
      endif()
    endforeach()
    list(LENGTH todo n)
  endwhile()
  set(${out} ${found} PARENT_SCOPE)
endfunction()

# Called once, at the end of the top-level CMakeLists.txt, when every target exists.
function(comptoir_use_precompiled_headers)
  if(NOT COMPTOIR_PCH)
    return()
  endif()
  # -fpch-preprocess: what ccache's manual asks for with GCC precompiled headers (it then hashes the .gch).
  set(pch_options)
  if(CCACHE_PROGRAM)
    set(pch_options -fpch-preprocess)
  endif()
  # One .gch per kind, built with the usage requirements (macros) of comptoir_core's users, which is
  # nearly every target: a .gch built with other command-line macros would be refused.
  foreach(kind base net base_test net_test)
    set(headers ${COMPTOIR_PCH_BASE})
    set(libs Boost::json Boost::headers spdlog::spdlog fmt::fmt)
    if(kind MATCHES "^net")
      list(APPEND headers ${COMPTOIR_PCH_NET})
    endif()
    if(kind MATCHES "_test$")
      if(NOT TARGET GTest::gtest)
        continue()
      endif()
      list(APPEND headers <gtest/gtest.h>)
      list(APPEND libs GTest::gtest)
    endif()
    add_library(comptoir_pch_${kind} OBJECT EXCLUDE_FROM_ALL ${PROJECT_SOURCE_DIR}/cmake/pch/empty.cpp)
    target_link_libraries(comptoir_pch_${kind} PRIVATE ${libs})
    target_precompile_headers(comptoir_pch_${kind} PRIVATE ${headers})
    target_compile_options(comptoir_pch_${kind} PRIVATE ${pch_options})
  endforeach()

  comptoir_targets_below(${PROJECT_SOURCE_DIR} targets)
  foreach(t IN LISTS targets)
    get_target_property(type ${t} TYPE)
    if(NOT type MATCHES "^(STATIC_LIBRARY|OBJECT_LIBRARY|EXECUTABLE)$" OR t MATCHES "^comptoir_pch_"
       OR t STREQUAL "comptoir_asio")  # compiles Asio/Beast themselves (impl/src.hpp): nothing to share
      continue()
    endif()
    get_target_property(sources ${t} SOURCES)
    if(NOT sources MATCHES "\\.(cpp|cc|cxx)(;|$)")
      continue()
    endif()
    comptoir_links(${t} comptoir_asio net)
    comptoir_links(${t} GTest::gtest test)
    if(NOT test)
      comptoir_links(${t} GTest::gtest_main test)
    endif()
    set(kind base)
    if(net)
      set(kind net)
    endif()
    if(test AND TARGET comptoir_pch_${kind}_test)
      set(kind ${kind}_test)
    endif()
    target_precompile_headers(${t} REUSE_FROM comptoir_pch_${kind})
    target_compile_options(${t} PRIVATE ${pch_options})
  endforeach()
endfunction()
