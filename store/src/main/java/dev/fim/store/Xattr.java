package dev.fim.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * One extended attribute (name and raw value), e.g. {@code security.capability} or {@code
 * system.posix_acl_access}. Immutable.
 */
public record Xattr(String name, byte[] value) {
  public Xattr {
    value = Arrays.copyOf(value, value.length);
  }

  @Override
  public byte[] value() {
    return Arrays.copyOf(value, value.length);
  }

  /** The value's length in bytes, without a copy of it. */
  public int valueLength() {
    return value.length;
  }

  /** The value as text when it is printable ASCII, else as {@code 0x…} hex. */
  public String displayValue() {
    boolean printable = true;
    int end = value.length;
    if (end > 0 && value[end - 1] == 0) {
      end--; // C strings such as security.selinux carry their NUL
    }
    for (int i = 0; i < end; i++) {
      if (value[i] < 0x20 || value[i] > 0x7e) {
        printable = false;
        break;
      }
    }
    return printable
        ? new String(value, 0, end, StandardCharsets.US_ASCII)
        : "0x" + HexFormat.of().formatHex(value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Xattr x && x.name.equals(name) && Arrays.equals(x.value, value);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return name + "=" + displayValue();
  }
}
