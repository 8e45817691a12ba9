# Runs the boundary check (cmake -P TmfBoundaries.cmake) on trees written here and compares its
# verdicts. Arguments: TMF_BOUNDARY_SCRIPT, TMF_SOURCE_ROOT, WORK (a scratch folder).
cmake_minimum_required(VERSION 3.20)

function(check root expect_ok)
  execute_process(COMMAND ${CMAKE_COMMAND} -DTMF_ROOT=${root} -P ${TMF_BOUNDARY_SCRIPT}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  string(REGEX REPLACE "[ \t\r\n]+" " " err "${err}")
  set(check_rc ${rc} PARENT_SCOPE)
  set(check_err "${err}" PARENT_SCOPE)
  if(expect_ok AND NOT rc EQUAL 0)
    message(FATAL_ERROR "the check refused ${root}: ${err}")
  elseif(NOT expect_ok AND rc EQUAL 0)
    message(FATAL_ERROR "the check accepted ${root}, which has violations")
  endif()
endfunction()

function(expect_message text)
  string(FIND "${check_err}" "${text}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "the check's message lacks \"${text}\":\n${check_err}")
  endif()
endfunction()

function(write path)
  string(REPLACE ";" "\n" body "${ARGN}")
  file(WRITE "${WORK}/${path}" "${body}\n")
endfunction()

# 1. This project's own tree passes.
check("${TMF_SOURCE_ROOT}" TRUE)

# 2. A clean small tree passes: downward includes, a torch-free file beside a torch one.
file(REMOVE_RECURSE "${WORK}")
write(core/util/error.h "#pragma once")
write(core/llm/llama.h "#pragma once" "#include <torch/torch.h>" "#include \"util/error.h\"")
write(core/llm/config.h "#pragma once" "#include \"util/error.h\"")
write(core/llm/config.cpp "#include \"llm/config.h\"")
write(core/llm/sources.cmake "list(APPEND TMF_BASE_SOURCES llm/config.cpp)" "list(APPEND TMF_CORE_SOURCES llm/llama.cpp)")
write(core/tmf/model.h "#pragma once" "#include \"llm/llama.h\"")
write(core/train/tuning.cpp "#include \"tmf/model.h\"")
write(views/panel.cpp "#include <QWidget>" "#include \"llm/config.h\"")
check("${WORK}" TRUE)

# 3. Each kind of violation, all at once; every one is named.
write(core/util/strings.cpp "#include <QString>")
write(views/chart.cpp "#include <torch/torch.h>")
write(core/tmf/inference.cpp "#include \"train/tuning.h\"")          # upward
write(core/train/tuning.h "#pragma once")
write(core/data/split.cpp "#include \"llm/config.h\"")             # sibling on floor 1
write(core/llm/config.cpp "#include \"llm/config.h\"" "#include \"tmf/model.h\"")  # upward, and torch in a base file
write(core/llm/tokenizer.cpp "#include <ATen/ATen.h>")
write(core/llm/sources.cmake "list(APPEND TMF_BASE_SOURCES llm/config.cpp llm/tokenizer.cpp)")
write(core/newarea/thing.cpp "#include \"util/error.h\"")
write(core/tmf/sources.cmake "# core/tmf, floor 2: says the wrong floor")
check("${WORK}" FALSE)
expect_message("Qt included in core: core/util/strings.cpp")
expect_message("torch included in views:")
expect_message("views/chart.cpp")
expect_message("core/tmf/inference.cpp (floor 3) includes \"train/tuning.h\" (floor 4)")
expect_message("core/data/split.cpp (floor 1) includes \"llm/config.h\" (floor 1)")
expect_message("core/llm/config.cpp (floor 1) includes \"tmf/model.h\" (floor 3)")
expect_message("core/llm/config.cpp belongs to torch-free tmf_base but includes \"tmf/model.h\", which reaches torch")
expect_message("core/llm/tokenizer.cpp is torch-free (TMF_BASE_SOURCES) but includes torch")
expect_message("core/newarea has no floor")
expect_message("core/tmf/sources.cmake says floor 2; the build's floor is 3")
message(STATUS "boundary check: the project passes; each of 9 violations is refused and named")
