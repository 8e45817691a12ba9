// A horizontal bar chart (Qt Charts) of the candidates' probabilities from one inference result
// (softmax over the candidates' summed log-likelihoods), the mean log-probability per token in the
// tooltip; the matched candidate and the expected one are marked in the category labels.
#pragma once
#include <QChartView>

#include "tmf/inference.h"

class ScoreChart : public QChartView {
  Q_OBJECT
 public:
  explicit ScoreChart(QWidget* parent = nullptr);
  void setResult(const tmf::InferenceResult& result);
  void clear();
  int barCount() const { return m_bars; }

 private:
  int m_bars = 0;
};
