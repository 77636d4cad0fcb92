# Nelo's modules, read from the one list in src/core/module_names.hpp (kModuleNames), so that the
# C++ code and the build cannot disagree: NELO_MODULES (the names, in order) drives
# add_subdirectory(src/modules/<name>) at the top level, and NELO_MODULE_TARGETS (nelo_<name>)
# is what the executable and the test suites link. A plain header rather than a generated one
# keeps every compile line as it was (no extra include folder; ccache keeps its hits).
set(_nelo_module_list "${PROJECT_SOURCE_DIR}/src/core/module_names.hpp")
set_property(DIRECTORY "${PROJECT_SOURCE_DIR}" APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${_nelo_module_list}")
file(READ "${_nelo_module_list}" _nelo_text)
if(NOT _nelo_text MATCHES "kModuleNames = std::to_array<std::string_view>\\(\\{([^}]*)\\}\\);")
  message(FATAL_ERROR "${_nelo_module_list}: cannot find `kModuleNames = std::to_array<std::string_view>({...});`")
endif()
set(_nelo_body "${CMAKE_MATCH_1}")
string(REGEX REPLACE "[ \t\r\n]" "" _nelo_body "${_nelo_body}")
if(NOT _nelo_body MATCHES "^(\"[a-z][a-z0-9_]*\",)*(\"[a-z][a-z0-9_]*\",?)$")
  message(FATAL_ERROR "${_nelo_module_list}: kModuleNames must hold quoted names [a-z][a-z0-9_]* and commas only")
endif()
string(REGEX MATCHALL "[a-z][a-z0-9_]*" NELO_MODULES "${_nelo_body}")
unset(_nelo_body)
unset(_nelo_text)

set(NELO_MODULE_TARGETS ${NELO_MODULES})
list(TRANSFORM NELO_MODULE_TARGETS PREPEND nelo_)

# nelo_write_link_graph(<output file>)
# Writes, at generate time, what CMake itself links each of nelo_core, nelo_shared and the module
# targets against (their LINK_LIBRARIES, after every target_link_libraries call anywhere): one
# line `<target>: <item>;<item>;...` each. The architecture tests read it to check that a module
# links no other module and that core and shared link none.
function(nelo_write_link_graph out)
  set(content "")
  foreach(target nelo_core nelo_shared ${NELO_MODULE_TARGETS})
    string(APPEND content "${target}: $<TARGET_PROPERTY:${target},LINK_LIBRARIES>\n")
  endforeach()
  file(GENERATE OUTPUT "${out}" CONTENT "${content}")
endfunction()
