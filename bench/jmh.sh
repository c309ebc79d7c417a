#!/usr/bin/env bash
# Runs the JMH microbenchmarks of one module (issue 18): test classes named *Bench with @Benchmark
# methods, compiled with the module's tests (JMH's annotation processor writes their harness).
#   bench/jmh.sh MODULE [JMH ARGS…]     e.g. bench/jmh.sh baseline Xxh3Bench
#                                             bench/jmh.sh store 'EventCodec' -p size=4096
# Builds the module and what it needs (offline, tests not run), then runs org.openjdk.jmh.Main with
# the module's test class path. JMH's own options pass through (-f forks, -wi/-i iterations, -prof gc).
# Results are machine-specific; bench/README.md lists the ones measured here.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
module=${1:?usage: bench/jmh.sh MODULE [JMH ARGS…] (MODULE: store, baseline, fim)}
shift
cd "$here"
cp_file=$(mktemp)
trap 'rm -f "$cp_file"' EXIT
# One reactor run: compile the module's tests (JMH's annotation processor writes the harness) and
# write its test class path; the module is last in reactor order, so its class path is what stays in
# the file, with sibling modules as their target/classes directories.
mvn -B -ntp -q -o -pl "$module" -am -DskipTests -Dspotless.check.skip=true \
  test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >/dev/null
exec java -cp "$module/target/test-classes:$module/target/classes:$(cat "$cp_file")" \
  org.openjdk.jmh.Main "$@"
