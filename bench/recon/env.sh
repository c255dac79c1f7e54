# Sourced by the bench/recon scripts: builds the bench module and sets root, data, work, cp (the classpath) and java.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
data="${KF_SHARED_DATA:-$root/../shared/data}"
work="${KF_BENCH_DIR:-/tmp/kf-recon-bench}"
cd "$root"
./mvnw -o -q -B package -DskipTests -pl bench -am >&2
cp="$root/bench/target/classes:$root/reconstruction/target/classes:$root/fields/target/classes:$root/engine/target/classes:$(cat "$root/bench/target/classpath.txt")"
java="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
mkdir -p "$work"
