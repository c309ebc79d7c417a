package dev.fim.store;

import java.util.Arrays;
import java.util.HexFormat;

/** One content digest. Immutable (the value is copied in and out). */
public record Digest(HashAlgorithm algorithm, byte[] value) {
  public Digest {
    if (value.length != algorithm.length()) {
      throw new IllegalArgumentException(
          algorithm.label()
              + " digest must be "
              + algorithm.length()
              + " bytes, got "
              + value.length);
    }
    value = Arrays.copyOf(value, value.length);
  }

  @Override
  public byte[] value() {
    return Arrays.copyOf(value, value.length);
  }

  public String hex() {
    return HexFormat.of().formatHex(value);
  }

  /**
   * {@link #hex()}'s characters as ASCII bytes ({@code 0-9a-f}) into {@code out} from {@code at};
   * returns the index after the last. For the event JSON, which copies them into its output.
   */
  public int hexInto(byte[] out, int at) {
    int i = at;
    for (byte b : value) {
      out[i++] = HEX[b >> 4 & 0xf];
      out[i++] = HEX[b & 0xf];
    }
    return i;
  }

  private static final byte[] HEX = {
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'
  };

  @Override
  public boolean equals(Object o) {
    return o instanceof Digest d && d.algorithm == algorithm && Arrays.equals(d.value, value);
  }

  @Override
  public int hashCode() {
    return algorithm.hashCode() * 31 + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return algorithm.label() + ":" + hex();
  }
}
