# core/graph, floor 2: torch-free files (TMF_BASE_SOURCES, in tmf_base) and LibTorch files (TMF_CORE_SOURCES, in tmf_core). Checked by cmake/TmfBoundaries.cmake.
# Graph modality (paper §3.3): MBHT encoder/ranker and the embedding cache. Settings and the cache
# are torch-free (tmf_base); the module, training and ranking use LibTorch.
list(APPEND TMF_BASE_SOURCES
  graph/mbht_config.cpp
  graph/embedding_cache.cpp
)
list(APPEND TMF_CORE_SOURCES
  graph/hypergraph.cpp
  graph/mbht.cpp
  graph/mbht_model.cpp
  graph/mbht_rank.cpp
  graph/mbht_train.cpp
)
