#!/usr/bin/env bash
# install_test.sh BUILD_DIR WORK_DIR: see CMakeLists.txt.
set -euo pipefail
build=$1
work=$2
rm -rf "$work"
mkdir -p "$work"
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" > "$work/install.log"

fail() { echo "install test: $*" >&2; exit 1; }
for f in bin/tmf bin/tmf-studio share/tmf-studio/worlds/electronics.json share/tmf-studio/worlds/pets.json \
         share/applications/org.tmfstudio.TmfStudio.desktop share/metainfo/org.tmfstudio.TmfStudio.metainfo.xml \
         share/icons/hicolor/scalable/apps/tmf-studio.svg share/icons/hicolor/48x48/apps/tmf-studio.png \
         share/icons/hicolor/256x256/apps/tmf-studio.png share/bash-completion/completions/tmf; do
  [[ -e $prefix/$f ]] || fail "$f was not installed"
done
[[ -x $prefix/bin/tmf && -x $prefix/bin/tmf-studio ]] || fail "the programs are not executable"

cd "$work"  # away from the source tree
env -u TMF_WORLDS_DIR "$prefix/bin/tmf" --version | tee version.txt
grep -q '^LibTorch ' version.txt || fail "tmf --version names no LibTorch"
env -u TMF_WORLDS_DIR "$prefix/bin/tmf" data generate --preset demo --world pets --out "$work/worlds" --quiet
[[ -s $work/worlds/pets.tmfdb ]] || fail "tmf data generate wrote no dataset"
"$prefix/bin/tmf" data stats "$work/worlds/pets.tmfdb" | grep -q pets || fail "the generated dataset has no stats"
# The installed specs are the ones used: a spec that exists only there is found.
sed 's/"world": "pets"/"world": "installedonly"/' "$prefix/share/tmf-studio/worlds/pets.json" \
  > "$prefix/share/tmf-studio/worlds/installedonly.json"
env -u TMF_WORLDS_DIR "$prefix/bin/tmf" data generate --preset demo --world installedonly --items 40 --users 30 \
  --out "$work/worlds" --quiet
[[ -s $work/worlds/installedonly.tmfdb ]] || fail "the installed world specs were not used"

desktop-file-validate "$prefix/share/applications/org.tmfstudio.TmfStudio.desktop"
appstreamcli validate --no-net "$prefix/share/metainfo/org.tmfstudio.TmfStudio.metainfo.xml"
bash -n "$prefix/share/bash-completion/completions/tmf"
QT_QPA_PLATFORM=offscreen "$prefix/bin/tmf-studio" --version | grep -q "tmf-studio" || fail "tmf-studio --version"
echo "install test: passed"
