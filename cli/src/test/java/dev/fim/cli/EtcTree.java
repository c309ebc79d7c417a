package dev.fim.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The small tree the command tests baseline, with its database, seal key and config in a temp
 * directory: {@code etc/hosts} and {@code etc/ssh/sshd_config} (a test adds what else it needs),
 * one group of every attribute with XXH3 over the tree.
 */
record EtcTree(Path tree, Path db, Path key, Path conf) {
  static EtcTree in(Path tmp, String configHeader) throws IOException {
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    Files.createDirectories(tree.resolve("etc/ssh"));
    Files.writeString(tree.resolve("etc/hosts"), "127.0.0.1 localhost\n");
    Files.writeString(tree.resolve("etc/ssh/sshd_config"), "PermitRootLogin no\n");
    Path conf = tmp.resolve("fim.conf");
    Files.writeString(
        conf, configHeader + "ALL = p+ftype+i+n+u+g+s+m+c+l+xattrs+xxh3\n" + tree + " ALL\n");
    return new EtcTree(tree, tmp.resolve("db"), tmp.resolve("seal.key"), conf);
  }
}
