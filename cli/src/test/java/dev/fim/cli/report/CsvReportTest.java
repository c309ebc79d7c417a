package dev.fim.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which CSV cells a spreadsheet would run as a formula ({@link CsvReport#formulaLike}, issue 12
 * defect 8).
 */
class CsvReportTest {
  @ParameterizedTest(name = "[{0}] -> {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "=1+1|true",
        "+1|true",
        "-1+1|true",
        "@SUM(A1)|true",
        "`\t1`|true",
        "`\r1`|true",
        "`\n1`|true",
        "`  =1`|true",
        "`\u00a0@x`|true",
        "\uff1d1|true",
        "\uff0b1|true",
        "\uff0d1|true",
        "\uff20x|true",
        "-|true",
        "`  -1`|true",
        "-1|false",
        "-42|false",
        "42|false",
        "/etc/=cmd|false",
        "CHG-1234|false",
        "a=b|false",
        "`   `|false",
        "''|false",
        "'=1|false"
      })
  void formulaLike(String cell, boolean expected) {
    assertEquals(expected, CsvReport.formulaLike(cell.equals("''") ? "" : cell));
  }
}
