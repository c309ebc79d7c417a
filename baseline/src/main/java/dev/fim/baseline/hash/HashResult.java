package dev.fim.baseline.hash;

import dev.fim.store.Digest;
import java.util.List;

/**
 * The outcome of hashing one file once. Immutable.
 *
 * @param digests one per requested algorithm, in request order; empty when {@code truncated}
 * @param bytesRead bytes of content hashed
 * @param truncated the file ended before the size it was hashed for (it shrank): no digest; the
 *     caller hashes again after a new {@code fstat}
 */
public record HashResult(List<Digest> digests, long bytesRead, boolean truncated) {
  public HashResult {
    digests = List.copyOf(digests);
  }
}
