package dev.fim.engine.ship;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * ECS {@code host.name} and {@code host.id} of the shipping host. The id is systemd's machine id
 * (machine-id(5): 32 lower-case hex digits), read once and validated: it goes into every document's
 * {@code _id}, so an empty or malformed file must stop shipping rather than make ids that collide
 * across hosts.
 */
public record HostIdentity(String name, String id) {
  public static final Path MACHINE_ID = Path.of("/etc/machine-id");
  private static final Path HOSTNAME = Path.of("/proc/sys/kernel/hostname");

  /** This host's identity, from /etc/machine-id and the kernel's host name. */
  public static HostIdentity ofThisHost() throws ShipException {
    return of(MACHINE_ID, HOSTNAME);
  }

  static HostIdentity of(Path machineId, Path hostname) throws ShipException {
    String id;
    try {
      id = Files.readString(machineId, StandardCharsets.US_ASCII).trim();
    } catch (IOException e) {
      throw new ShipException(
          ShipException.Reason.SETUP,
          "cannot read the host id from "
              + machineId
              + " ("
              + e.getMessage()
              + "); fim ship names each document by it: run systemd-machine-id-setup");
    }
    if (!id.matches("[0-9a-f]{32}")) {
      throw new ShipException(
          ShipException.Reason.SETUP,
          machineId
              + " does not hold a machine id (32 hex digits, machine-id(5)); fim ship names each"
              + " document by it: run systemd-machine-id-setup");
    }
    String name;
    try {
      name = Files.readString(hostname, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      name = "";
    }
    return new HostIdentity(name.isEmpty() ? "localhost" : name, id);
  }
}
