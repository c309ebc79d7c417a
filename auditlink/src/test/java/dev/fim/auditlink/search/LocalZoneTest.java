package dev.fim.auditlink.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneRules;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

class LocalZoneTest {
  @Test
  void everyUtcNameIsOffsetZeroAtEveryInstantInTheJdksOwnRules() {
    for (String name : LocalZone.UTC_NAMES) {
      assertEquals(name, TimeZone.getTimeZone(name).getID(), "unknown to the JDK: " + name);
      ZoneRules rules = ZoneId.of(name).getRules();
      assertTrue(rules.isFixedOffset(), name);
      assertEquals(ZoneOffset.UTC, rules.getOffset(Instant.MIN), name);
      assertEquals(ZoneOffset.UTC, rules.getOffset(Instant.MAX), name);
    }
  }

  @Test
  void aUtcDefaultIsTheOffsetAndAnyOtherDefaultIsTheJdksZone() {
    TimeZone before = TimeZone.getDefault();
    try {
      for (String name : LocalZone.UTC_NAMES) {
        TimeZone.setDefault(TimeZone.getTimeZone(name));
        assertSame(ZoneOffset.UTC, LocalZone.systemDefault(), name);
      }
      for (String name : new String[] {"Europe/Berlin", "Africa/Abidjan", "America/New_York"}) {
        TimeZone.setDefault(TimeZone.getTimeZone(name));
        assertEquals(ZoneId.systemDefault(), LocalZone.systemDefault(), name);
        assertEquals(ZoneId.of(name), LocalZone.systemDefault(), name);
      }
    } finally {
      TimeZone.setDefault(before);
    }
  }
}
