package dev.fim.engine.ship;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host id goes into every document id: a machine-id file that is missing, empty or not 32 hex
 * digits stops shipping instead of making ids that collide across hosts.
 */
class HostIdentityTest {
  @TempDir Path tmp;

  private Path file(String name, String content) throws Exception {
    return Files.writeString(tmp.resolve(name), content);
  }

  @Test
  void theMachineIdAndTheHostName() throws Exception {
    HostIdentity h =
        HostIdentity.of(
            file("machine-id", "3d1219c7c4c5404aaa1f6d2a48adfda4\n"), file("hostname", "web1\n"));
    assertEquals(new HostIdentity("web1", "3d1219c7c4c5404aaa1f6d2a48adfda4"), h);
  }

  @Test
  void aMissingEmptyOrForgedMachineIdIsRefused() throws Exception {
    Path hostname = file("hostname", "web1\n");
    for (String bad :
        new String[] {
          "",
          "uninitialized\n",
          "3D1219C7C4C5404AAA1F6D2A48ADFDA4\n",
          "3d12\n",
          "3d1219c7c4c5404aaa1f6d2a48adfda4\",\"x\n"
        }) {
      ShipException e =
          assertThrows(ShipException.class, () -> HostIdentity.of(file("id", bad), hostname));
      assertTrue(e.getMessage().contains("does not hold a machine id"), e.getMessage());
    }
    ShipException missing =
        assertThrows(ShipException.class, () -> HostIdentity.of(tmp.resolve("none"), hostname));
    assertTrue(missing.getMessage().contains("cannot read the host id"), missing.getMessage());
  }
}
