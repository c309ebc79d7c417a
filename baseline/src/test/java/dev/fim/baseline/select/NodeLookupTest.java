package dev.fim.baseline.select;

import static dev.fim.baseline.select.Configs.group;
import static dev.fim.baseline.select.Configs.path;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fim.store.FileType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The walk down the selection tree finds a node among many siblings by a path component's bytes
 * (RuleSelector's sorted child names): each sibling's rule decides below it, a name that is a
 * prefix or an extension of a sibling's does not reach that sibling, and names with bytes above
 * 0x7f (negative as Java bytes) sort and match like the others.
 */
class NodeLookupTest {
  private static final List<String> SIBLINGS =
      List.of(
          "a", "b", "d1", "d10", "d1x", "d2", "zz", "Z", "été", "\u00ff", "ü", "x-y", "x.y", "x_y",
          "lib", "lib64", "libexec", "0", "9");

  /** A different attribute set for each {@code mask} (1..255), so each group is told apart. */
  private static String distinctAttributes(int mask) {
    String[] attrs = {"p", "i", "n", "u", "g", "s", "m", "c"};
    List<String> on = new ArrayList<>();
    for (int b = 0; b < attrs.length; b++) {
      if ((mask & (1 << b)) != 0) {
        on.add(attrs[b]);
      }
    }
    return String.join("+", on);
  }

  @Test
  void eachSiblingsRuleDecidesBelowItAndNowhereElse() {
    List<String> order = new ArrayList<>(SIBLINGS);
    Collections.shuffle(order, new Random(18)); // the config's order is not the names' order
    StringBuilder conf = new StringBuilder("/srv/.* R\n");
    List<String> groups = new ArrayList<>();
    for (int i = 0; i < order.size(); i++) {
      String g = "G" + i;
      groups.add(g);
      conf.append(g).append(" = ").append(distinctAttributes(i + 1)).append('\n');
    }
    for (int i = 0; i < order.size(); i++) {
      conf.append("/srv/").append(order.get(i)).append("/.* ").append(groups.get(i)).append('\n');
    }
    Config c = Configs.of(conf.toString());
    for (int i = 0; i < order.size(); i++) {
      String name = order.get(i);
      assertEquals(
          group(c, groups.get(i)),
          c.selector().select(path("/srv/" + name + "/f"), FileType.FILE),
          name);
      assertEquals(
          group(c, groups.get(i)),
          c.selector().select(path("/srv/" + name + "/sub/f"), FileType.FILE),
          name + "/sub");
    }
    for (String other : List.of("d", "d100", "d1y", "lib6", "libexec2", "ét", "\u00fe", "c", "")) {
      assertEquals(
          group(c, "R"),
          c.selector().select(path("/srv/" + other + "/f"), FileType.FILE),
          "not a sibling: " + other);
    }
  }
}
