package dev.fim.auditlink.rules;

/**
 * Field operators, encoded in {@code fieldflags[]} (include/uapi/linux/audit.h, lines 303-325: the
 * "= > < ?" table, AUDIT_BIT_MASK 0x08000000 … AUDIT_GREATER_THAN_OR_EQUAL).
 */
enum Operator {
  /** AUDIT_EQUAL */
  EQUAL("=", 0x40000000),
  /** AUDIT_NOT_EQUAL (AUDIT_LESS_THAN|AUDIT_GREATER_THAN) */
  NOT_EQUAL("!=", 0x30000000),
  /** AUDIT_LESS_THAN */
  LESS_THAN("<", 0x10000000),
  /** AUDIT_GREATER_THAN */
  GREATER_THAN(">", 0x20000000),
  /** AUDIT_LESS_THAN_OR_EQUAL */
  LESS_THAN_OR_EQUAL("<=", 0x50000000),
  /** AUDIT_GREATER_THAN_OR_EQUAL */
  GREATER_THAN_OR_EQUAL(">=", 0x60000000),
  /** AUDIT_BIT_MASK: (value &amp; x) != 0 */
  BIT_MASK("&", 0x08000000),
  /** AUDIT_BIT_TEST (AUDIT_BIT_MASK|AUDIT_EQUAL): (value &amp; x) == x */
  BIT_TEST("&=", 0x48000000);

  /** Symbols longest first, so that "!=" is found before "=". */
  private static final Operator[] BY_LENGTH = {
    NOT_EQUAL,
    LESS_THAN_OR_EQUAL,
    GREATER_THAN_OR_EQUAL,
    BIT_TEST,
    EQUAL,
    LESS_THAN,
    GREATER_THAN,
    BIT_MASK
  };

  final String symbol;
  final int flag;

  Operator(String symbol, int flag) {
    this.symbol = symbol;
    this.flag = flag;
  }

  /** The operator whose symbol starts at {@code text[at]}, or null. */
  static Operator at(String text, int at) {
    for (Operator op : BY_LENGTH) {
      if (text.startsWith(op.symbol, at)) {
        return op;
      }
    }
    return null;
  }

  static Operator byFlag(int flag) {
    for (Operator op : values()) {
      if (op.flag == flag) {
        return op;
      }
    }
    return null;
  }

  boolean isEqualOrNot() {
    return this == EQUAL || this == NOT_EQUAL;
  }

  boolean isBitOp() {
    return this == BIT_MASK || this == BIT_TEST;
  }
}
