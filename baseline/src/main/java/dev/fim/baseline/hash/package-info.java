/**
 * Content hashing of one open regular file: XXH3-128 (default), SHA-256 and SHA-512, computed over
 * native memory so that no file is ever read into the Java heap: every file is {@code pread}
 * through one reusable native buffer per thread, whole when it fits, else chunk by chunk with a
 * streaming XXH3-128 (works past 2 GiB and past RAM; a file that shrinks meanwhile is a short read,
 * not a SIGBUS as it would be under {@code mmap}).
 *
 * <p>{@link dev.fim.baseline.hash.ContentHasher} is the entry type (one per thread), {@link
 * dev.fim.baseline.hash.HashResult} its record. This package hashes what it is given: it does not
 * open files, decide whether a file is regular, or judge whether the content moved during the hash
 * (the caller compares {@code fstat} before and after).
 */
package dev.fim.baseline.hash;
