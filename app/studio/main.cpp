// tmf-studio: the desktop program.
//   tmf-studio [DATASET] [--model DIR] [--train-missing]
//                                               the analyst's window: opens the dataset given (or
//                                               none) and then the model package for it; with
//                                               --train-missing a missing package is trained in
//                                               the background (demo recipe) and opens when done
//   tmf-studio --rate --study NAME --rater NAME DATASET
//                                               rater mode of a blind rating study (paper §5.4):
//                                               only the rating window, nothing names a source
#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QMessageBox>
#include <QObject>

#include "util/blas_env.h"
#include "main_window.h"
#include "views_resources.h"
#include "rating/rater_window.h"

int main(int argc, char** argv) {
  tmf::configure_blas(argc, argv);  // before anything else: it may re-execute the program
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("TMF Studio"));
  QApplication::setApplicationName(QStringLiteral("tmf-studio"));
  QApplication::setApplicationVersion(QStringLiteral(TMF_VERSION));
  ensureViewsResources();
  QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/tmf-studio.svg")));
  QApplication::setDesktopFileName(QStringLiteral("org.tmfstudio.TmfStudio"));
  QCommandLineParser parser;
  parser.setApplicationDescription(QStringLiteral("TMF Studio: analyse Triple Modality Fusion recommenders"));
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument(QStringLiteral("dataset"), QStringLiteral("a .tmfdb dataset to open"));
  QCommandLineOption model(QStringLiteral("model"), QStringLiteral("a TMF model package to open for the dataset"),
                           QStringLiteral("DIR"));
  parser.addOption(model);
  QCommandLineOption trainMissing(QStringLiteral("train-missing"),
                                  QStringLiteral("train the --model package in the background when it does not exist yet"));
  parser.addOption(trainMissing);
  QCommandLineOption rate(QStringLiteral("rate"), QStringLiteral("rater mode: rate a blind study's recommendations"));
  QCommandLineOption study(QStringLiteral("study"), QStringLiteral("the rating study (rater mode)"), QStringLiteral("NAME"));
  QCommandLineOption rater(QStringLiteral("rater"), QStringLiteral("the rater's name or code (rater mode)"),
                           QStringLiteral("NAME"));
  parser.addOption(rate);
  parser.addOption(study);
  parser.addOption(rater);
  parser.process(app);
  if (parser.isSet(rate)) {
    if (parser.positionalArguments().isEmpty() || !parser.isSet(study) || !parser.isSet(rater)) {
      QMessageBox::critical(nullptr, QStringLiteral("TMF Studio"),
                            QStringLiteral("Rater mode needs a dataset, --study NAME and --rater NAME."));
      return 2;
    }
    RaterWindow w;
    w.show();  // shows the message itself when the session cannot be opened
    w.openSession(parser.positionalArguments().first(), parser.value(study), parser.value(rater));
    return app.exec();
  }
  MainWindow window;
  window.show();
  const QString modelDir = parser.value(model);
  if (!parser.positionalArguments().isEmpty()) {
    if (!modelDir.isEmpty()) {
      const bool train = parser.isSet(trainMissing);
      QObject::connect(&window, &MainWindow::datasetOpened, &window, [&window, modelDir, train](bool ok) {
        static bool once = false;
        if (ok && !once) {
          if (train)
            window.openOrTrainModel(modelDir);
          else
            window.openModel(modelDir);
        }
        once = true;
      });
    }
    window.openDataset(parser.positionalArguments().first());
  } else if (!modelDir.isEmpty()) {
    window.openModel(modelDir);  // explains that a dataset is needed first
  }
  return app.exec();
}
