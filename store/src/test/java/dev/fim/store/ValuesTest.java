package dev.fim.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * {@link Values#mode} by hand writes what {@code String.format("%04o")} wrote, for every permission
 * value.
 */
class ValuesTest {
  @Test
  void modeIsFourOctalDigitsOfThePermissionBits() {
    for (int m = 0; m < 010000; m++) {
      assertEquals(String.format("%04o", m), Values.mode(m));
      assertEquals(
          String.format("%04o", m), Values.mode(0100000 | m), "the file type bits are left out");
    }
  }
}
