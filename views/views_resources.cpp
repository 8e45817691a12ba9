#include "views_resources.h"

#include <QtGlobal>

static void initResources() { Q_INIT_RESOURCE(tmf_studio); }  // outside any namespace, as Qt asks

void ensureViewsResources() {
  static const bool done = [] {
    initResources();
    return true;
  }();
  (void)done;
}
