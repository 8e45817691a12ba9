// The Qt resources of the views (resources/tmf-studio.qrc: the application, toolbar and behavior
// icons), compiled into this static library. A static library's resources are registered only when
// something calls Q_INIT_RESOURCE; the views that use them call this first.
#pragma once

void ensureViewsResources();
