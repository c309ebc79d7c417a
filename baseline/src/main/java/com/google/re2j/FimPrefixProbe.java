package com.google.re2j;

/**
 * fim's one addition to RE2/J (in its package because it reads the compiled program, which RE2/J
 * keeps package-private): whether some text starting with a given prefix could match a pattern
 * anchored at its start. fim asks this before entering a directory ("could a rule select anything
 * below /home/alice/?"), which {@code java.util.regex} answered with {@code hitEnd()} and RE2/J's
 * public API cannot; AIDE asks the same with PCRE's partial matching.
 *
 * <p>It runs the pattern's NFA (Thompson's simulation, as RE2/J's own {@code Machine} does) over
 * the prefix, so it costs at most prefix length × program size steps, never more: no backtracking.
 * Conservative where the continuation is unknown: empty-width assertions ({@code $}, {@code \b}, …)
 * at the end of the prefix count as satisfiable. Compiled against RE2/J 1.8 (pinned in the parent
 * pom); a change of RE2/J's internals breaks the build here, not a scan. Thread-safe (it keeps no
 * state).
 */
public final class FimPrefixProbe {
  private FimPrefixProbe() {}

  /**
   * True when {@code pattern}, anchored at the start, matches a prefix of {@code text}, or could
   * match some longer text starting with {@code text} (a thread of the NFA is still alive after the
   * last char). Never false when some extension matches; the chars of {@code text} are the runes
   * (fim passes chars 0–255, one per path byte).
   */
  public static boolean mayMatchExtensionOf(Pattern pattern, CharSequence text) {
    Prog prog = pattern.re2().prog;
    int size = prog.numInst();
    int n = text.length();
    SparseSet current = new SparseSet(size);
    SparseSet next = new SparseSet(size);
    int[] stack =
        new int[2 * size + 1]; // each instruction, once in the set, pushes at most 2 others
    add(
        prog,
        current,
        stack,
        prog.start,
        n == 0 ? Utils.EMPTY_ALL : Utils.emptyOpContext(-1, text.charAt(0)));
    for (int i = 0; i < n; i++) {
      int c = text.charAt(i);
      next.clear();
      // At the end of the text the next rune is unknown: every assertion may hold there.
      int cond = i + 1 == n ? Utils.EMPTY_ALL : Utils.emptyOpContext(c, text.charAt(i + 1));
      boolean alive = false;
      for (int k = 0; k < current.size; k++) {
        Inst inst = prog.inst[current.dense[k]];
        boolean step;
        switch (inst.op) {
          case Inst.MATCH:
            return true; // the pattern matched a prefix of text: every extension starts with that
          // match
          case Inst.RUNE:
          case Inst.RUNE1:
            step = inst.matchRune(c);
            break;
          case Inst.RUNE_ANY:
            step = true;
            break;
          case Inst.RUNE_ANY_NOT_NL:
            step = c != '\n';
            break;
          default:
            step = false; // ALT, NOP, CAPTURE, EMPTY_WIDTH, FAIL: already followed by add()
        }
        if (step) {
          add(prog, next, stack, inst.out, cond);
          alive = true;
        }
      }
      if (!alive) {
        return false;
      }
      SparseSet t = current;
      current = next;
      next = t;
    }
    // A MATCH reached with the end-of-text assertions granted, or a rune instruction waiting for
    // the next char: some extension may match.
    for (int k = 0; k < current.size; k++) {
      int op = prog.inst[current.dense[k]].op;
      if (op == Inst.MATCH || Inst.isRuneOp(op)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Adds {@code pc} and every instruction it reaches without consuming a rune, as RE2/J's
   * Machine.add does, with an explicit stack (a long chain of empty-width instructions must not
   * overflow the Java stack). Each instruction enters the set once per step.
   */
  private static void add(Prog prog, SparseSet set, int[] stack, int pc, int cond) {
    int top = 0;
    stack[top++] = pc;
    while (top > 0) {
      int p = stack[--top];
      if (p == 0 || set.contains(p)) {
        continue; // instruction 0 is always FAIL in RE2/J programs
      }
      set.add(p);
      Inst inst = prog.inst[p];
      switch (inst.op) {
        case Inst.ALT:
        case Inst.ALT_MATCH:
          stack[top++] = inst.arg;
          stack[top++] = inst.out;
          break;
        case Inst.EMPTY_WIDTH:
          if ((inst.arg & ~cond) == 0) {
            stack[top++] = inst.out;
          }
          break;
        case Inst.NOP:
        case Inst.CAPTURE:
          stack[top++] = inst.out;
          break;
        default:
          break; // FAIL, MATCH and rune instructions stay in the set as they are
      }
    }
  }

  /** A set of instruction indices with O(1) add, contains and clear (Briggs and Torczon). */
  private static final class SparseSet {
    final int[] sparse;
    final int[] dense;
    int size;

    SparseSet(int n) {
      sparse = new int[n];
      dense = new int[n];
    }

    boolean contains(int i) {
      int j = sparse[i];
      return j < size && dense[j] == i;
    }

    void add(int i) {
      sparse[i] = size;
      dense[size++] = i;
    }

    void clear() {
      size = 0;
    }
  }
}
