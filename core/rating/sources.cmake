# core/rating, floor 6: torch-free files (TMF_BASE_SOURCES, in tmf_base) and LibTorch files (TMF_CORE_SOURCES, in tmf_core). Checked by cmake/TmfBoundaries.cmake.
# Blind human rating (paper §5.4): studies, rater sessions, Fleiss' kappa, results, CSV/JSON.
list(APPEND TMF_BASE_SOURCES
  rating/fleiss_kappa.cpp
  rating/rating_study.cpp
  rating/rater_session.cpp
  rating/rating_stats.cpp
  rating/rating_csv.cpp
)
list(APPEND TMF_CORE_SOURCES
  rating/tmf_recommendations.cpp
)
