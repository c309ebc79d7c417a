package dev.fim.auditlink.interpret;

import dev.fim.store.sys.AccountFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where account names come from: the bytes of passwd(5) and group(5) files, read by {@link
 * AccountFile}. Injected so that tests give fixed contents and a daemon can decide when to re-read.
 */
public interface AccountSource {
  byte[] passwd() throws IOException;

  byte[] group() throws IOException;

  /** The host's /etc/passwd and /etc/group (NSS sources such as LDAP are not consulted). */
  static AccountSource system() {
    return files(AccountFile.PASSWD, AccountFile.GROUP);
  }

  static AccountSource files(Path passwd, Path group) {
    return new AccountSource() {
      @Override
      public byte[] passwd() throws IOException {
        return Files.readAllBytes(passwd);
      }

      @Override
      public byte[] group() throws IOException {
        return Files.readAllBytes(group);
      }
    };
  }

  /** Fixed contents, for tests. */
  static AccountSource of(String passwd, String group) {
    byte[] p = passwd.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] g = group.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return new AccountSource() {
      @Override
      public byte[] passwd() {
        return p.clone();
      }

      @Override
      public byte[] group() {
        return g.clone();
      }
    };
  }
}
