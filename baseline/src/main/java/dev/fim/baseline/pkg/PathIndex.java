package dev.fim.baseline.pkg;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Path bytes → the packages whose file lists name them. Built once from every {@code .list} file
 * (about 130,000 paths, 7.5 MB on a desktop), so it keeps the paths in one byte arena and the table
 * in int arrays: a few bytes per path beyond the path itself, no object per path. A path named by
 * several packages (directories, files of a multi-arch package installed for two architectures,
 * diverted files) keeps every owner, in the order they were added. Not thread-safe while it is
 * built; read-only after.
 */
final class PathIndex {
  private static final int MULTIPLE = -1;

  private final int seed = ThreadLocalRandom.current().nextInt(); // no crafted collision chains
  private byte[] arena = new byte[1 << 20];
  private int arenaUsed;
  private int[] start = new int[1 << 14];
  private int[] length = new int[1 << 14];
  private int[] owner = new int[1 << 14];
  private int count;
  private int[] slots = new int[1 << 15]; // entry + 1; 0 = empty
  private final Map<Integer, int[]> owners = new HashMap<>();

  /** Records that package {@code pkg} names {@code path[off, off+len)}. */
  void add(byte[] path, int off, int len, int pkg) {
    int h = hash(path, off, len);
    int mask = slots.length - 1;
    for (int i = h & mask; ; i = (i + 1) & mask) {
      int e = slots[i] - 1;
      if (e < 0) {
        insert(i, path, off, len, pkg);
        return;
      }
      if (equal(e, path, off, len)) {
        addOwner(e, pkg);
        return;
      }
    }
  }

  /** The packages that name {@code path}, in the order they were added; empty if none. */
  int[] owners(byte[] path) {
    int h = hash(path, 0, path.length);
    int mask = slots.length - 1;
    for (int i = h & mask; ; i = (i + 1) & mask) {
      int e = slots[i] - 1;
      if (e < 0) {
        return new int[0];
      }
      if (equal(e, path, 0, path.length)) {
        return owner[e] == MULTIPLE ? owners.get(e).clone() : new int[] {owner[e]};
      }
    }
  }

  int size() {
    return count;
  }

  /** Receives each path of the index once, with its owners in the order they were added. */
  @FunctionalInterface
  interface Visitor {
    /**
     * {@code arena[off, off+len)} is the path (do not keep the array); {@code owners} is a copy.
     */
    void visit(byte[] arena, int off, int len, int[] owners);
  }

  /** Every path and its owners, in the order the paths were first added. */
  void forEach(Visitor v) {
    for (int e = 0; e < count; e++) {
      int[] ids = owner[e] == MULTIPLE ? owners.get(e).clone() : new int[] {owner[e]};
      v.visit(arena, start[e], length[e], ids);
    }
  }

  /** Bytes held: the arena and the tables (for the documentation's numbers). */
  long footprint() {
    return arena.length + 12L * start.length + 4L * slots.length;
  }

  private void addOwner(int e, int pkg) {
    if (owner[e] == pkg) {
      return;
    }
    if (owner[e] != MULTIPLE) {
      owners.put(e, new int[] {owner[e], pkg});
      owner[e] = MULTIPLE;
      return;
    }
    int[] list = owners.get(e);
    for (int p : list) {
      if (p == pkg) {
        return;
      }
    }
    int[] grown = Arrays.copyOf(list, list.length + 1);
    grown[list.length] = pkg;
    owners.put(e, grown);
  }

  private void insert(int slot, byte[] path, int off, int len, int pkg) {
    if (arenaUsed + len > arena.length) {
      arena = Arrays.copyOf(arena, Math.max(arena.length * 2, arenaUsed + len));
    }
    System.arraycopy(path, off, arena, arenaUsed, len);
    if (count == start.length) {
      start = Arrays.copyOf(start, count * 2);
      length = Arrays.copyOf(length, count * 2);
      owner = Arrays.copyOf(owner, count * 2);
    }
    start[count] = arenaUsed;
    length[count] = len;
    owner[count] = pkg;
    arenaUsed += len;
    slots[slot] = ++count;
    if (count * 2 > slots.length) {
      rehash();
    }
  }

  private void rehash() {
    int[] bigger = new int[slots.length * 2];
    int mask = bigger.length - 1;
    for (int e = 0; e < count; e++) {
      int i = hash(arena, start[e], length[e]) & mask;
      while (bigger[i] != 0) {
        i = (i + 1) & mask;
      }
      bigger[i] = e + 1;
    }
    slots = bigger;
  }

  private boolean equal(int e, byte[] path, int off, int len) {
    return length[e] == len && Arrays.equals(arena, start[e], start[e] + len, path, off, off + len);
  }

  private int hash(byte[] b, int off, int len) {
    int h = seed;
    for (int i = off; i < off + len; i++) {
      h = (h ^ b[i]) * 0x01000193;
    }
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    return h;
  }
}
