package dev.fim.store.seal;

import com.kenai.jffi.MemoryIO;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * HMAC-SHA256 with the system's libcrypto doing the SHA-256 ({@link Libcrypto}): one block of
 * native memory holds the contexts after key XOR ipad and key XOR opad, the context of the MAC
 * being made, the inner digest and a staging area the message is copied into. A MAC of a message
 * that fits the staging area is four calls into the library (update, final; update, final), each
 * compressing with OpenSSL's kernel (SHA-NI on the bench's EPYC) where the JDK's SHA-256 under C1
 * (as {@code fim watch} runs) is plain Java (issue 18, session 16).
 *
 * <p>The block is a direct buffer, freed with this object by the garbage collector; like the JDK
 * engine's cloned digests it holds the states the padded keys give, never the key; the copies of
 * the key and pads it derives them from are zeroed, the staging area too.
 */
final class LibcryptoHmac implements HmacEngine {
  private static final int CONTEXT = Libcrypto.CONTEXT;
  private static final int INNER_START = 0;
  private static final int OUTER_START = CONTEXT;
  private static final int WORK = 2 * CONTEXT;
  private static final int DIGEST = 3 * CONTEXT;
  private static final int STAGE = DIGEST + HmacSha256.LENGTH;
  private static final int STAGE_SIZE = 4096;

  private final Libcrypto lib;
  private final ByteBuffer mem;
  private final long base;

  /** Bytes of the message staged and not yet fed to the library. */
  private int staged;

  /** Whether WORK holds a MAC in progress (a copy of the inner start). */
  private boolean started;

  LibcryptoHmac(byte[] key, Libcrypto lib) {
    this.lib = lib;
    mem = ByteBuffer.allocateDirect(STAGE + STAGE_SIZE).order(ByteOrder.nativeOrder());
    base = MemoryIO.getInstance().getDirectBufferAddress(mem);
    byte[] k = key.length > BLOCK ? digest(key) : key.clone();
    byte[] pad = new byte[BLOCK];
    try {
      for (int i = 0; i < BLOCK; i++) {
        pad[i] = (byte) ((i < k.length ? k[i] : 0) ^ 0x36);
      }
      startWith(INNER_START, pad);
      for (int i = 0; i < BLOCK; i++) {
        pad[i] = (byte) ((i < k.length ? k[i] : 0) ^ 0x5c);
      }
      startWith(OUTER_START, pad);
    } finally {
      java.util.Arrays.fill(k, (byte) 0);
      java.util.Arrays.fill(pad, (byte) 0);
      // the digest, the pads and, of a key longer than the block, what digest(key) staged
      int used = STAGE + Math.max(BLOCK, Math.min(key.length, STAGE_SIZE));
      for (int i = DIGEST; i < used; i++) {
        mem.put(i, (byte) 0);
      }
    }
  }

  /** The context at {@code at} after {@code block} (one SHA-256 block). */
  private void startWith(int at, byte[] block) {
    mem.put(STAGE, block);
    lib.init(base + at);
    lib.update(base + at, base + STAGE, BLOCK);
  }

  /** SHA-256 of a key longer than the block, through the WORK context. */
  private byte[] digest(byte[] key) {
    lib.init(base + WORK);
    for (int off = 0; off < key.length; off += STAGE_SIZE) {
      int n = Math.min(STAGE_SIZE, key.length - off);
      mem.put(STAGE, key, off, n);
      lib.update(base + WORK, base + STAGE, n);
    }
    lib.finish(base + DIGEST, base + WORK);
    byte[] d = new byte[HmacSha256.LENGTH];
    mem.get(DIGEST, d);
    return d;
  }

  private void begin() {
    if (!started) {
      mem.put(WORK, mem, INNER_START, CONTEXT);
      started = true;
    }
  }

  private void flush() {
    if (staged > STAGE_SIZE) {
      // only a MAC shared between threads (never done: one per thread) could get here; the
      // library must never read past the staging area
      throw new IllegalStateException("HmacSha256 used by two threads at once");
    }
    if (staged > 0) {
      lib.update(base + WORK, base + STAGE, staged);
      staged = 0;
      Reference.reachabilityFence(mem);
    }
  }

  @Override
  public void update(byte b) {
    begin();
    if (staged == STAGE_SIZE) {
      flush();
    }
    mem.put(STAGE + staged++, b);
  }

  @Override
  public void update(byte[] b, int off, int len) {
    begin();
    while (len > 0) {
      if (staged == STAGE_SIZE) {
        flush();
      }
      int n = Math.min(len, STAGE_SIZE - staged);
      mem.put(STAGE + staged, b, off, n);
      staged += n;
      off += n;
      len -= n;
    }
  }

  @Override
  public void update(ByteBuffer b) {
    if (b.hasArray()) {
      int p = b.position();
      update(b.array(), b.arrayOffset() + p, b.limit() - p);
      b.position(b.limit());
      return;
    }
    begin();
    while (b.hasRemaining()) {
      if (staged == STAGE_SIZE) {
        flush();
      }
      int p = b.position();
      int n = Math.min(b.remaining(), STAGE_SIZE - staged);
      mem.put(STAGE + staged, b, p, n);
      b.position(p + n);
      staged += n;
    }
  }

  @Override
  public void doFinal(byte[] out, int off) {
    begin();
    flush();
    lib.finish(base + DIGEST, base + WORK);
    mem.put(WORK, mem, OUTER_START, CONTEXT);
    lib.update(base + WORK, base + DIGEST, HmacSha256.LENGTH);
    lib.finish(base + DIGEST, base + WORK);
    mem.get(DIGEST, out, off, HmacSha256.LENGTH);
    started = false;
    Reference.reachabilityFence(mem);
  }

  @Override
  public void reset() {
    started = false;
    staged = 0;
  }
}
