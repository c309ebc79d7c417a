/**
 * The package manager's word on a file: which package owns a path, the installed version, and
 * whether the file's content is the package's (dpkg's {@code info/*.list}, {@code status}, {@code
 * diversions} and {@code info/PKG.md5sums}). {@link dev.fim.baseline.pkg.PackageDatabase} is the
 * entry point; the engine asks it about files dpkg wrote (and package files anyone changed), {@code
 * fim check} about changed files. The database is read as untrusted input: streamed, bounded lines,
 * bytes for paths, a missing or damaged file is "no answer", never a failure.
 */
package dev.fim.baseline.pkg;
