package dev.fim.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyValueLinesTest {
  @Test
  void repeatedKeysInOrderValuesKeepTheirEqualsSignsLinesWithoutOneAreSkipped() {
    assertEquals(
        List.of(
            Map.entry("url", "https://h:9200/?a=b"),
            Map.entry("rule", "0a"),
            Map.entry("rule", "0b"),
            Map.entry("empty", "")),
        KeyValueLines.parse("url=https://h:9200/?a=b\nrule=0a\ngarbage\nrule=0b\n\nempty=\n"));
  }
}
