package dev.fim.store.seal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The key of the evidence chain (events, approvals, watch coverage; see {@link
 * dev.fim.store.EvidenceChain}): derived from the seal key as HMAC(seal key,
 * "fim-evidence-chain-v1"), so that the chain's MACs and the baseline's seal never share inputs
 * under one key. Hands out keyed MACs, never the bytes. Thread-safe.
 */
public final class EvidenceKey {
  private static final byte[] LABEL = "fim-evidence-chain-v1".getBytes(StandardCharsets.US_ASCII);
  private final byte[] derived;
  private final Path file;

  private EvidenceKey(Path file, byte[] derived) {
    this.file = file;
    this.derived = derived;
  }

  public static EvidenceKey of(SealKey sealKey) {
    return new EvidenceKey(sealKey.file(), new HmacSha256(sealKey.bytes()).doFinal(LABEL));
  }

  /** A new HMAC-SHA256 keyed with the chain key (not thread-safe: one per thread). */
  public HmacSha256 newMac() {
    return new HmacSha256(derived);
  }

  /** The seal key file it was derived from (for messages). */
  public Path file() {
    return file;
  }
}
