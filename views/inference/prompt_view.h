// The hybrid prompt of an inference result as rich text: literal text as is, item placeholders
// [MT_i] and behavior placeholders [MT_b] highlighted in their own colours with a tooltip saying
// what they stand for (history step, candidate, behavior).
#pragma once
#include <QTextBrowser>

#include "prompt/hybrid_prompt.h"

class PromptView : public QTextBrowser {
  Q_OBJECT
 public:
  explicit PromptView(QWidget* parent = nullptr);
  void setPrompt(const tmf::HybridPrompt& prompt, const QStringList& historyNames, const QStringList& candidateNames);
  int placeholderCount() const { return m_placeholders; }
  static QString toHtml(const tmf::HybridPrompt& prompt, const QStringList& historyNames,
                        const QStringList& candidateNames, int* placeholders = nullptr);

 private:
  int m_placeholders = 0;
};
