# The architecture's two boundaries, enforced by the build:
#   core/  never includes Qt         (core stays usable on machines without Qt, e.g. the GPU box)
#   views/ never includes torch      (widgets use core's plain-struct API; keeps moc and builds fast)
# Checked at configure time and again by the ALL target tmf_boundaries on every build.
set(TMF_BOUNDARY_SCRIPT "${CMAKE_CURRENT_LIST_DIR}/TmfBoundaries.cmake")

function(tmf_scan_boundaries root)
  file(GLOB_RECURSE core_files "${root}/core/*.h" "${root}/core/*.hpp" "${root}/core/*.cpp" "${root}/core/*.cc")
  file(GLOB_RECURSE view_files "${root}/views/*.h" "${root}/views/*.hpp" "${root}/views/*.cpp" "${root}/views/*.cc")
  set(bad "")
  foreach(f IN LISTS core_files)
    file(STRINGS "${f}" hits REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"](Q[A-Za-z]|Qt[A-Za-z]*/)")
    if(hits)
      string(APPEND bad "\n  Qt included in core: ${f}: ${hits}")
    endif()
  endforeach()
  foreach(f IN LISTS view_files)
    file(STRINGS "${f}" hits REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"](torch|ATen|c10|caffe2)/")
    if(hits)
      string(APPEND bad "\n  torch included in views: ${f}: ${hits}")
    endif()
  endforeach()
  if(bad)
    message(FATAL_ERROR "Architecture boundary violated (core must not include Qt, views must not include torch):${bad}")
  endif()
endfunction()

macro(tmf_check_boundaries)
  tmf_scan_boundaries("${CMAKE_CURRENT_SOURCE_DIR}")
  add_custom_target(tmf_boundaries ALL
    COMMAND ${CMAKE_COMMAND} -DTMF_ROOT=${CMAKE_CURRENT_SOURCE_DIR} -P "${TMF_BOUNDARY_SCRIPT}"
    COMMENT "Checking core/views include boundaries" VERBATIM)
endmacro()

if(CMAKE_SCRIPT_MODE_FILE AND TMF_ROOT)
  tmf_scan_boundaries("${TMF_ROOT}")
endif()
