# Sourced by the bench/recon scripts: builds the bench module and sets root, data, work, cp (the classpath), java,
# jflags (JVM flags) and score (the ReconBench score command: KF_SCORE_SAMPLES surface samples, default 1,000,000,
# whose sampling spacing is far below the 0.5% threshold; 6 digits).
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
data="${KF_SHARED_DATA:-$root/../shared/data}"
work="${KF_BENCH_DIR:-/tmp/kf-recon-bench}"
cd "$root"
./mvnw -o -q -B package -DskipTests -pl bench -am >&2
cp="$root/bench/target/classes:$root/reconstruction/target/classes:$root/fields/target/classes:$root/engine/target/classes:$(cat "$root/bench/target/classpath.txt")"
java="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
mkdir -p "$work"
jflags="--add-modules=jdk.incubator.vector -Xmx6g"
score="$java $jflags -Dkf.digits=6 -Dkf.samples=${KF_SCORE_SAMPLES:-1000000} -cp $cp kernelfield.bench.ReconBench score"
