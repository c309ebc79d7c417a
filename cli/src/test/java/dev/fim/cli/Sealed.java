package dev.fim.cli;

import dev.fim.store.EvidenceChain;
import dev.fim.store.Store;
import dev.fim.store.seal.EvidenceKey;
import dev.fim.store.seal.SealKey;
import java.nio.file.Path;

/**
 * For tests that record events as fim watch does (straight into the store): sealed as fim's writers
 * seal them.
 */
final class Sealed {
  private Sealed() {}

  /** Attaches the evidence chain keyed by {@code key} (created when missing) to {@code store}. */
  static Store attach(Store store, Path key) throws Exception {
    EvidenceChain.attach(store, EvidenceKey.of(SealKey.loadOrCreate(key)), null, null);
    return store;
  }
}
