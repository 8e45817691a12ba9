// tmf-studio: the desktop program. `tmf-studio [DATASET]` opens the dataset given (or none).
#include <QApplication>
#include <QCommandLineParser>

#include "dataset_window.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("TMF Studio"));
  QApplication::setApplicationName(QStringLiteral("tmf-studio"));
  QCommandLineParser parser;
  parser.setApplicationDescription(QStringLiteral("TMF Studio: analyse Triple Modality Fusion recommenders"));
  parser.addHelpOption();
  parser.addPositionalArgument(QStringLiteral("dataset"), QStringLiteral("a .tmfdb dataset to open"));
  parser.process(app);
  DatasetWindow window;
  window.show();
  if (!parser.positionalArguments().isEmpty()) window.openDataset(parser.positionalArguments().first());
  return app.exec();
}
