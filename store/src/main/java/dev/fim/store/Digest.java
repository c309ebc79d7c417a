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
