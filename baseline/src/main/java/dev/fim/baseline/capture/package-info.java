/**
 * Extended-attribute capture: every xattr of a file ({@code user.*}, {@code security.capability},
 * {@code system.posix_acl_access}/{@code _default}, {@code security.selinux}…), sorted by name,
 * read from an open fd ({@code flistxattr}/{@code fgetxattr}) or, for objects the scan never opens
 * (symlinks, FIFOs, sockets, devices, directories), from {@code /proc/self/fd/<dirfd>/<name>} with
 * the {@code l*} calls, which do not follow the last component.
 *
 * <p>{@link dev.fim.baseline.capture.XattrReader} is the entry type (one per thread). Must not know
 * about selection rules, hashing or the store beyond {@link dev.fim.store.Xattr}.
 */
package dev.fim.baseline.capture;
