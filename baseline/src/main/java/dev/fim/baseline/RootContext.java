package dev.fim.baseline;

import dev.fim.store.PathBytes;

/**
 * One root directory of a scan, kept open from its first listing to the end of the scan: every
 * subdirectory below it is opened relative to this fd with
 * {@code openat2(RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS)}. Immutable.
 */
record RootContext(PathBytes path, int fd) {
}
