#include "inference/prompt_view.h"

PromptView::PromptView(QWidget* parent) : QTextBrowser(parent) {
  setOpenLinks(false);
  setPlaceholderText(tr("The prompt appears here after a run."));
}

QString PromptView::toHtml(const tmf::HybridPrompt& prompt, const QStringList& historyNames,
                           const QStringList& candidateNames, int* placeholders) {
  QString html = QStringLiteral("<div style='font-family: monospace; white-space: pre-wrap;'>");
  int n = 0;
  for (const tmf::PromptPart& part : prompt.parts) {
    const QString text = QString::fromStdString(part.text).toHtmlEscaped();
    if (!part.is_placeholder) {
      html += text;
      continue;
    }
    ++n;
    QString what, colour;
    switch (part.ref.kind) {
      case tmf::PlaceholderRef::Kind::HistoryItem:
        what = tr("item token of history step %1%2").arg(part.ref.index + 1)
                   .arg(part.ref.index < historyNames.size() ? QStringLiteral(": ") + historyNames[part.ref.index] : QString());
        colour = QStringLiteral("#0072B2");
        break;
      case tmf::PlaceholderRef::Kind::CandidateItem:
        what = tr("item token of candidate %1%2").arg(part.ref.index + 1)
                   .arg(part.ref.index < candidateNames.size() ? QStringLiteral(": ") + candidateNames[part.ref.index]
                                                               : QString());
        colour = QStringLiteral("#009E73");
        break;
      case tmf::PlaceholderRef::Kind::Behavior:
        what = tr("behavior token (behavior id %1)").arg(part.ref.behavior_id);
        colour = QStringLiteral("#D55E00");
        break;
    }
    html += QStringLiteral("<span style='background-color:%1; color:white; font-weight:bold;' title='%2'>%3</span>")
                .arg(colour, what.toHtmlEscaped(), text);
  }
  html += QStringLiteral("</div>");
  if (placeholders) *placeholders = n;
  return html;
}

void PromptView::setPrompt(const tmf::HybridPrompt& prompt, const QStringList& historyNames,
                           const QStringList& candidateNames) {
  setHtml(toHtml(prompt, historyNames, candidateNames, &m_placeholders));
}
