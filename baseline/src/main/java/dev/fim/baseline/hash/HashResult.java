package dev.fim.baseline.hash;

import dev.fim.store.Digest;
import java.util.List;

/**
 * The outcome of hashing one file once. Immutable.
 *
 * @param digests   one per requested algorithm, in request order; empty when {@code truncated}
 * @param bytesRead bytes of content hashed
 * @param truncated the file shrank under the mapping (the kernel's SIGBUS surfaced as the JVM's
 *                  "fault occurred in an unsafe memory access" error): no digest; hash again
 */
public record HashResult(List<Digest> digests, long bytesRead, boolean truncated) {
  public HashResult {
    digests = List.copyOf(digests);
  }
}
