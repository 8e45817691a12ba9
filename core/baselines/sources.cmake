# core/baselines, floor 6: LibTorch files only (TMF_CORE_SOURCES, in tmf_core). Checked by cmake/TmfBoundaries.cmake.
# Baselines of TMF paper Table 2 (issue 7): one Recommender interface (recommender.h), the ranking
# models with their shared trainer, MBHT, LLaRA and the text-only LLM.
list(APPEND TMF_CORE_SOURCES
  baselines/recommender.cpp
  baselines/model_files.cpp
  baselines/most_pop.cpp
  baselines/ranking_net.cpp
  baselines/ranking_trainer.cpp
  baselines/ranking_recommender.cpp
  baselines/transformer_encoder.cpp
  baselines/gru4rec.cpp
  baselines/sasrec.cpp
  baselines/bert4rec.cpp
  baselines/bpr.cpp
  baselines/mbgcn.cpp
  baselines/mbrec.cpp
  baselines/mbht_baseline.cpp
  baselines/tmf_model_recommending.cpp
  baselines/text_llm.cpp
  baselines/llara.cpp
)
