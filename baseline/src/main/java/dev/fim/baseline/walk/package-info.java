/**
 * The kernel calls of a tree walk, with paths as bytes: {@code openat}/{@code openat2} of
 * directories and files, {@code getdents64}, {@code fstatat(AT_SYMLINK_NOFOLLOW)}, {@code fstat},
 * {@code readlinkat}, {@code close}, and the {@link dev.fim.store.sys.NativeException} every native
 * wrapper of the baseline module throws.
 *
 * <p>{@link dev.fim.baseline.walk.DirCalls} is the entry type (one per thread); {@link
 * dev.fim.baseline.walk.StatInfo} is its record. This package never follows a symlink it meets,
 * never opens anything but directories and regular files, and knows nothing about selection rules,
 * hashes or the store. The parallel walk that uses it lives in {@code dev.fim.baseline.Scanner}, so
 * that this package does not depend on its callers.
 */
package dev.fim.baseline.walk;
