package dev.fim.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * {@link Actor#equals} is written out (issue 18, session 16): it must be the record's equality,
 * every component counted, nulls included, and agree with the record's hash code.
 */
class ActorEqualityTest {
  private static Actor full() {
    return new Actor(
        1000L,
        "alice",
        0L,
        "root",
        4242,
        4200,
        "/usr/bin/vim",
        "vim",
        List.of("vim", "/etc/hosts"),
        7L,
        "pts/0",
        "session-3.scope",
        List.of(new Actor.Parent(4200, "/bin/bash", 1000L)));
  }

  private static Actor nulls() {
    return new Actor(null, null, null, null, null, null, null, null, null, null, null, null, null);
  }

  /** Each component changed alone, to another value and to null: 13 × 2 variants. */
  private static List<Actor> variants(Actor a) {
    List<UnaryOperator<Object[]>> changes = new ArrayList<>();
    Object[] others = {
      1001L,
      "bob",
      1L,
      "daemon",
      4243,
      4201,
      "/usr/bin/nano",
      "nano",
      List.of("vim"),
      8L,
      "pts/1",
      "cron.service",
      List.of(new Actor.Parent(1, "/sbin/init", null))
    };
    for (int i = 0; i < others.length; i++) {
      int at = i;
      changes.add(c -> set(c, at, others[at]));
      changes.add(c -> set(c, at, null));
    }
    List<Actor> out = new ArrayList<>();
    for (UnaryOperator<Object[]> change : changes) {
      Actor v = of(change.apply(components(a)));
      if (!v.toString().equals(a.toString())) {
        out.add(v);
      }
    }
    return out;
  }

  private static Object[] set(Object[] c, int at, Object value) {
    c[at] = value;
    return c;
  }

  private static Object[] components(Actor a) {
    return new Object[] {
      a.auid(),
      a.auidName(),
      a.uid(),
      a.uidName(),
      a.pid(),
      a.ppid(),
      a.executable(),
      a.name(),
      a.args(),
      a.sessionId(),
      a.tty(),
      a.systemdUnit(),
      a.parents()
    };
  }

  @SuppressWarnings("unchecked")
  private static Actor of(Object[] c) {
    return new Actor(
        (Long) c[0],
        (String) c[1],
        (Long) c[2],
        (String) c[3],
        (Integer) c[4],
        (Integer) c[5],
        (String) c[6],
        (String) c[7],
        (List<String>) c[8],
        (Long) c[9],
        (String) c[10],
        (String) c[11],
        (List<Actor.Parent>) c[12]);
  }

  @Test
  void equalComponentsAreEqualActorsWithTheSameHash() {
    for (Actor a : List.of(full(), nulls())) {
      Actor copy = of(components(a));
      assertEquals(a, copy);
      assertEquals(copy, a);
      assertEquals(a.hashCode(), copy.hashCode());
      assertEquals(a, a);
    }
    // equal lists of another implementation are equal components, as in the record
    Actor a = full();
    Object[] c = components(a);
    c[8] = new ArrayList<>(a.args());
    assertEquals(a, of(c));
  }

  @Test
  void anyOneComponentThatDiffersMakesThemUnequal() {
    for (Actor a : List.of(full(), nulls())) {
      List<Actor> variants = variants(a);
      for (Actor v : variants) {
        assertNotEquals(a, v, () -> "differs from " + v);
        assertNotEquals(v, a, () -> "differs from " + v);
      }
    }
    assertEquals(26, variants(full()).size(), "every component, to another value and to null");
    assertEquals(13, variants(nulls()).size(), "every component, from null to a value");
    assertNotEquals(full(), null);
    assertNotEquals(full(), "an actor");
  }
}
