package dev.fim.auditlink.search;

import java.util.Arrays;

/**
 * A set of byte strings that answers "is b[off, end) in it?" without allocating: the hot path of
 * {@link PathLineFilter} asks it once per PATH record in the time window. Open addressing with
 * linear probing, at most half full. Not thread-safe; fixed after construction.
 */
final class ByteSet {
  private final byte[][] slots;
  private final int[] hashes;
  private final int mask;
  private int size;

  ByteSet(int expected) {
    int n = Integer.highestOneBit(Math.max(4, expected) * 2 - 1) << 1;
    slots = new byte[n][];
    hashes = new int[n];
    mask = n - 1;
  }

  /** Adds a copy of v[off, end); false if it was there. */
  boolean add(byte[] v, int off, int end) {
    if ((size + 1) * 2 > slots.length) {
      throw new IllegalStateException("ByteSet is full: size it for " + (size + 1) + " entries");
    }
    int h = hash(v, off, end);
    for (int i = h & mask; ; i = (i + 1) & mask) {
      byte[] s = slots[i];
      if (s == null) {
        slots[i] = Arrays.copyOfRange(v, off, end);
        hashes[i] = h;
        size++;
        return true;
      }
      if (hashes[i] == h && Arrays.equals(s, 0, s.length, v, off, end)) {
        return false;
      }
    }
  }

  boolean contains(byte[] v, int off, int end) {
    int h = hash(v, off, end);
    for (int i = h & mask; ; i = (i + 1) & mask) {
      byte[] s = slots[i];
      if (s == null) {
        return false;
      }
      if (hashes[i] == h && Arrays.equals(s, 0, s.length, v, off, end)) {
        return true;
      }
    }
  }

  int size() {
    return size;
  }

  /** FNV-1a, then a final mix so that the low bits (the slot) depend on every byte. */
  private static int hash(byte[] v, int off, int end) {
    int h = 0x811c9dc5;
    for (int i = off; i < end; i++) {
      h = (h ^ (v[i] & 0xff)) * 0x01000193;
    }
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    return h;
  }
}
