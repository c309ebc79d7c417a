package dev.fim.store.seal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key of the evidence chain (events, approvals, watch coverage; see {@link
 * dev.fim.store.EvidenceChain}): derived from the seal key as HMAC(seal key,
 * "fim-evidence-chain-v1"), so that the chain's MACs and the baseline's seal never share inputs
 * under one key. Hands out keyed MACs, never the bytes. Thread-safe.
 */
public final class EvidenceKey {
  private static final byte[] LABEL = "fim-evidence-chain-v1".getBytes(StandardCharsets.US_ASCII);
  private final SecretKeySpec spec;
  private final Path file;

  private EvidenceKey(Path file, byte[] derived) {
    this.file = file;
    this.spec = new SecretKeySpec(derived, "HmacSHA256");
  }

  public static EvidenceKey of(SealKey sealKey) {
    Mac m = hmac(new SecretKeySpec(sealKey.bytes(), "HmacSHA256"));
    return new EvidenceKey(sealKey.file(), m.doFinal(LABEL));
  }

  /** A new HMAC-SHA256 keyed with the chain key (a Mac is not thread-safe: one per thread). */
  public Mac newMac() {
    return hmac(spec);
  }

  /** The seal key file it was derived from (for messages). */
  public Path file() {
    return file;
  }

  private static Mac hmac(SecretKeySpec k) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(k);
      return m;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java 17 runtime", e);
    }
  }
}
