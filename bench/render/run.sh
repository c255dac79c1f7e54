#!/usr/bin/env bash
# Frames per second of the GL renderer (headless EGL): 100k and 1M splats, a 1M-triangle mesh, an implicit torus.
#   bench/render/run.sh [W H FRAMES [SCENES]]     (default 1280 720 5 splats,mesh,sdf)
# Builds the project through ./kf (package, never install) and runs RenderBench.java on its classpath.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
"$root/kf" --version >/dev/null
JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
[ -x "$JAVA" ] || JAVA=java
exec "$JAVA" --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Dorg.lwjgl.system.memoryBackend=ffm \
  -Xmx8g -cp "$(cat "$root/cli/target/kf.classpath")" "$root/bench/render/RenderBench.java" "$@" \
  2> >(grep -v --line-buffered -e '^WARNING' >&2)
