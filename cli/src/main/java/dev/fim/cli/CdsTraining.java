package dev.fim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * The training run of fim's class-data sharing archive: {@code bin/fim} runs this class once, in a
 * JVM started with {@code -XX:DumpLoadedClassList}, when the archive is missing or older than the
 * jars or the JVM, and dumps a static archive of the classes it loaded ({@code -Xshare:dump});
 * every later command of any kind maps those classes instead of loading, parsing and verifying them
 * from the jars (docs/performance.md, "Start-up").
 *
 * <p>It runs the commands whose classes matter, in this one JVM, on a scratch tree and database in
 * a private temporary directory that it deletes: {@code --version}, {@code init}, {@code check}
 * (text and JSON), {@code update}, {@code history}, {@code who}, {@code accept}, {@code report} in
 * every format and {@code --verify}, {@code config check}, {@code audit search} (text and JSON) on
 * a small log, with a config of its own. Their output is discarded. Not {@code audit status} or
 * {@code audit rules}: their netlink bindings (jnr-ffi, ~400 classes) would grow the archive by
 * ~2.5 MB, which Debian's Java 17 relocates at every start of every command (ASLR), a few ms each,
 * for two rarely run commands. The evidence seal goes to a socket path that does not exist, so no
 * training seal reaches the host's syslog. Exit 0 when every command ended without an error (below
 * 16): an archive recorded from a run that failed halfway would lack the classes of the real work,
 * so bin/fim keeps it only then.
 */
public final class CdsTraining {
  /** Two events of a real audit.log: a file opened for writing and one unlinked (key "fim"). */
  private static final String AUDIT_LOG =
      "type=SYSCALL msg=audit(1764064800.123:100): arch=c000003e syscall=257 success=yes exit=3"
          + " a0=ffffff9c a1=7ffc1b2a3f10 a2=241 a3=1b6 items=2 ppid=4100 pid=4242 auid=1001 uid=0"
          + " gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=7 comm=\"vim\""
          + " exe=\"/usr/bin/vim.basic\" subj=unconfined key=\"fim\"\n"
          + "type=CWD msg=audit(1764064800.123:100): cwd=\"/root\"\n"
          + "type=PATH msg=audit(1764064800.123:100): item=0 name=\"/etc/\" inode=131073 dev=fd:00"
          + " mode=040755 ouid=0 ogid=0 rdev=00:00 nametype=PARENT cap_fp=0 cap_fi=0 cap_fe=0"
          + " cap_fver=0 cap_frootid=0\n"
          + "type=PATH msg=audit(1764064800.123:100): item=1 name=\"/etc/hosts\" inode=131290"
          + " dev=fd:00 mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0"
          + " cap_fe=0 cap_fver=0 cap_frootid=0\n"
          + "type=PROCTITLE msg=audit(1764064800.123:100): proctitle=76696D002F6574632F686F737473\n"
          + "type=SYSCALL msg=audit(1764064801.500:101): arch=c000003e syscall=263 success=yes"
          + " exit=0 a0=ffffff9c a1=55d0c8a1e4c0 a2=0 a3=0 items=2 ppid=4100 pid=4300 auid=1001"
          + " uid=1001 gid=1001 euid=1001 suid=1001 fsuid=1001 egid=1001 sgid=1001 fsgid=1001"
          + " tty=pts0 ses=7 comm=\"rm\" exe=\"/usr/bin/rm\" subj=unconfined key=\"fim\"\n"
          + "type=CWD msg=audit(1764064801.500:101): cwd=\"/home/alice\"\n"
          + "type=PATH msg=audit(1764064801.500:101): item=1 name=\"/etc/motd\" inode=131300"
          + " dev=fd:00 mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype=DELETE cap_fp=0 cap_fi=0"
          + " cap_fe=0 cap_fver=0 cap_frootid=0\n";

  /**
   * {@link #AUDIT_LOG} followed by records that do not hold the key, to 320 KB: a search of a log
   * with more than one candidate line per 128 KB reads every line instead ({@code AuditSearch}), so
   * the windowed search gathers the key's events only from a log of this size; the training then
   * loads the classes of its candidates' path too (gathering, an event that ages out), which a real
   * search would otherwise read from the jars on its search threads.
   */
  static String trainingAuditLog() {
    StringBuilder b = new StringBuilder(330_000).append(AUDIT_LOG);
    for (int serial = 102; b.length() < 320_000; serial++) {
      b.append("type=USER_START msg=audit(1764064802.")
          .append(serial % 1000 / 100)
          .append(serial % 100 / 10)
          .append(serial % 10)
          .append(':')
          .append(serial)
          .append(
              "): pid=4400 uid=0 auid=1001 ses=7 msg='op=PAM:session_open acct=\"alice\""
                  + " exe=\"/usr/sbin/sshd\" hostname=? addr=? terminal=ssh res=success'\n");
    }
    return b.toString();
  }

  private CdsTraining() {}

  public static void main(String[] args) throws IOException {
    Path dir = Files.createTempDirectory("fim-cds-"); // 0700: nobody else can plant files there
    int worst = 0;
    try {
      for (int code : train(dir).values()) {
        worst = Math.max(worst, code);
      }
    } finally {
      deleteTree(dir);
    }
    System.exit(worst < ExitCodes.USAGE ? 0 : 1);
  }

  /**
   * Runs the training commands in {@code dir}; each command line (its words joined by spaces) and
   * its exit code, in the order run.
   */
  static java.util.LinkedHashMap<String, Integer> train(Path dir) throws IOException {
    Path tree = Files.createDirectories(dir.resolve("tree"));
    Files.writeString(tree.resolve("a"), "fim\n");
    Files.writeString(Files.createDirectories(tree.resolve("s")).resolve("x"), "fim\n");
    // A config of its own, with the built-in default's rule shapes (xxh3, and sha256 below s/): the
    // host's /etc/fim/fim.conf, whatever it holds, neither changes nor fails the training.
    Path conf = dir.resolve("fim.conf");
    Files.writeString(
        conf,
        "BIN = p+ftype+i+n+u+g+s+m+c+l+xattrs+xxh3\n"
            + "SHA = p+ftype+i+n+u+g+s+m+c+l+xattrs+sha256\n"
            + tree
            + " BIN\n"
            + tree.resolve("s")
            + " SHA\n",
        StandardCharsets.UTF_8);
    String c = conf.toString();
    Path log = dir.resolve("audit.log");
    Files.writeString(log, trainingAuditLog(), StandardCharsets.UTF_8);
    String syslog = System.getProperty(SyslogAnchor.SOCKET_PROPERTY);
    System.setProperty(SyslogAnchor.SOCKET_PROPERTY, dir.resolve("no-syslog").toString());
    String db = dir.resolve("db").toString();
    String key = dir.resolve("db.key").toString();
    String t = tree.toString();
    List<String[]> runs = new ArrayList<>();
    runs.add(new String[] {"--version"});
    runs.add(new String[] {"init", "-c", c, "--db", db, "--key", key, t});
    runs.add(new String[] {"check", "-c", c, "--db", db, "--key", key, t});
    runs.add(new String[] {"check", "-c", c, "--db", db, "--key", key, "--format", "json", t});
    runs.add(new String[] {"update", "-c", c, "--db", db, "--key", key, t});
    runs.add(new String[] {"history", "--db", db, "--key", key});
    runs.add(new String[] {"who", "--db", db, "--key", key, tree.resolve("b").toString()});
    runs.add(new String[] {"config", "check", "-c", c, t});
    // The built-in default config (what a host without /etc/fim/fim.conf runs): its regular
    // expressions reach re2j's matching machine, whose classes the scratch config above never
    // loads.
    Path builtIn = dir.resolve("default.conf");
    Files.write(builtIn, dev.fim.baseline.select.ConfigParser.defaultConfigBytes());
    runs.add(new String[] {"config", "check", "-c", builtIn.toString(), t});
    runs.add(new String[] {"audit", "search", "--input", log.toString(), "-k", "fim"});
    runs.add(
        new String[] {
          "audit", "search", "--input", log.toString(), "-k", "fim", "--format", "json"
        });
    // A time alone has no bytes to look for: every line is read in order (LogScanner,
    // EventGrouper), the way a search also goes when too many lines hold its needle.
    runs.add(
        new String[] {"audit", "search", "--input", log.toString(), "-ts", "2025-11-25T00:00:00Z"});
    // A change accepted, then the period's report in every format and its verification: the
    // report's renderers and the evidence chain's verification, which a short report would
    // otherwise read from the jars (about 100 classes).
    String a = tree.resolve("a").toString();
    runs.add(new String[] {"check", "-c", c, "--db", db, "--key", key, "--format", "text", t});
    runs.add(new String[] {"accept", "-c", c, "--db", db, "--key", key, "-m", "training", a});
    for (String format : new String[] {"text", "json", "csv", "html"}) {
      String out = dir.resolve("report." + format).toString();
      runs.add(
          new String[] {
            "report", "--db", db, "--key", key, "--since", "1d", "--format", format, "-o", out
          });
    }
    String html = dir.resolve("report.html").toString();
    runs.add(new String[] {"report", "--db", db, "--key", key, "--verify", html});
    java.util.LinkedHashMap<String, Integer> codes = new java.util.LinkedHashMap<>();
    // The built-in config's parsed form (DefaultConfigForm), which a command without -c on a host
    // without /etc/fim/fim.conf builds: every run above names a config, so its class was read from
    // fim-baseline's jar at each such command, and that first jar read loads the JDK's zip library,
    // which waited up to ~6 ms for RocksDB's library load on the preload thread (the dynamic
    // linker's lock; off-CPU profile, issue 18, session 17).
    dev.fim.baseline.select.ConfigParser.defaultConfig();
    // What the preload thread of a real search does (its JVM only starts it): the archive then
    // holds the classes of the memmem binding too, and the method handles jffi's set-up spins.
    dev.fim.auditlink.search.AuditSearch.warmUp();
    try {
      for (String[] run : runs) {
        if (run[0].equals("check") && run[run.length - 2].equals("json")) {
          Files.writeString(tree.resolve("b"), "added\n"); // a change to report and to update
        } else if (run[0].equals("check") && run[run.length - 2].equals("text")) {
          Files.writeString(tree.resolve("a"), "changed\n"); // a change to accept, after update
        }
        PrintWriter sink = new PrintWriter(Writer.nullWriter());
        // As Main.main starts it: the preload's classes (its task, FutureTask) come from the
        // archive too. It is done once; later calls only start what is already loaded.
        Preload.startFor(run);
        codes.put(String.join(" ", run), Main.execute(run, sink, sink));
      }
    } finally {
      if (syslog == null) {
        System.clearProperty(SyslogAnchor.SOCKET_PROPERTY);
      } else {
        System.setProperty(SyslogAnchor.SOCKET_PROPERTY, syslog);
      }
    }
    return codes;
  }

  private static void deleteTree(Path dir) throws IOException {
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
            Files.delete(f);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            Files.delete(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
