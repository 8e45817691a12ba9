# core/world, floor 2: torch-free files only (TMF_BASE_SOURCES, in tmf_base). Checked by cmake/TmfBoundaries.cmake.
list(APPEND TMF_BASE_SOURCES
  world/world_spec.cpp
  world/product_image.cpp
  world/catalog.cpp
  world/shopper.cpp
  world/generate.cpp
  world/audit.cpp
)
