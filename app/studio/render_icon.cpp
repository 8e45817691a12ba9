// tmf-render-icon SVG OUT_DIR SIZE...: renders the application icon's SVG master into the PNG sizes
// a desktop wants, OUT_DIR/<size>x<size>/apps/<name>.png (the hicolor theme's layout). A build
// tool: resources/CMakeLists.txt runs it, nothing installs it.
#include <QDir>
#include <QFileInfo>
#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <QSvgRenderer>
#include <cstdio>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: tmf-render-icon SVG OUT_DIR SIZE...\n");
    return 2;
  }
  std::vector<char*> qt_args = {argv[0], const_cast<char*>("-platform"), const_cast<char*>("offscreen")};
  int qt_argc = int(qt_args.size());
  QGuiApplication app(qt_argc, qt_args.data());
  const QString svg = QString::fromLocal8Bit(argv[1]);
  QSvgRenderer renderer(svg);
  if (!renderer.isValid()) {
    std::fprintf(stderr, "tmf-render-icon: '%s' is not a valid SVG\n", argv[1]);
    return 1;
  }
  const QString name = QFileInfo(svg).completeBaseName();
  for (int i = 3; i < argc; ++i) {
    bool ok = false;
    const int size = QString::fromLatin1(argv[i]).toInt(&ok);
    if (!ok || size < 8 || size > 1024) {
      std::fprintf(stderr, "tmf-render-icon: size '%s' is not in [8, 1024]\n", argv[i]);
      return 2;
    }
    QImage img(size, size, QImage::Format_ARGB32_Premultiplied);
    img.fill(Qt::transparent);
    QPainter p(&img);
    p.setRenderHint(QPainter::Antialiasing);
    renderer.render(&p);
    p.end();
    const QString dir = QStringLiteral("%1/%2x%2/apps").arg(QString::fromLocal8Bit(argv[2])).arg(size);
    const QString out = dir + QLatin1Char('/') + name + QStringLiteral(".png");
    if (!QDir().mkpath(dir) || !img.save(out, "PNG")) {
      std::fprintf(stderr, "tmf-render-icon: cannot write '%s'\n", qPrintable(out));
      return 1;
    }
  }
  return 0;
}
