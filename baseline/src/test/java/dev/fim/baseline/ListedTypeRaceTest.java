package dev.fim.baseline;

import static dev.fim.baseline.TestFiles.pb;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.store.FileRecord;
import dev.fim.store.FileType;
import dev.fim.store.HashAlgorithm;
import dev.fim.store.PathBytes;
import dev.fim.store.Xattr;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scan opens an entry that its directory listing ({@code d_type}) calls a regular file without
 * an lstat first (issue 18: one syscall less per file). A name swapped between the listing and the
 * open must still never be followed, blocked on or read as something it is not. Each race is made
 * real and deterministic by the selector, which the scan asks about the listed type first: it swaps
 * the name right then, before the scan's first syscall on it.
 */
class ListedTypeRaceTest {
  @TempDir Path tmp;
  Path root;
  Path outside;
  Path victim;

  /** The types the selector was asked about for the victim, in order. */
  final List<FileType> asked = new ArrayList<>();

  @BeforeEach
  void tree() throws IOException {
    root = Files.createDirectory(tmp.resolve("root"));
    outside = Files.createDirectory(tmp.resolve("outside"));
    Files.writeString(outside.resolve("secret"), "not to be read through the tree\n");
    victim = Files.writeString(root.resolve("victim"), "a regular file when listed\n");
    Files.writeString(root.resolve("other"), "stays\n");
  }

  /**
   * Scans {@code root} on one thread; {@code swap} runs once, when the victim is listed as FILE.
   */
  private CollectingSink scanSwapping(AttributeSet set, Swap swap) throws InterruptedException {
    PathBytes v = pb(victim);
    AtomicBoolean swapped = new AtomicBoolean();
    TestSelector sel =
        new TestSelector(
            List.of(pb(root)),
            (p, t) -> {
              if (p.equals(v)) {
                asked.add(t);
                if (t == FileType.FILE && !swapped.getAndSet(true)) {
                  try {
                    swap.run();
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                }
              }
              return set;
            },
            p -> true);
    CollectingSink sink = new CollectingSink();
    new Scanner(ScanSettings.defaults().withThreads(1)).scan(sel, sink);
    assertTrue(swapped.get(), "the listing called the victim a regular file");
    return sink;
  }

  private interface Swap {
    void run() throws Exception;
  }

  @Test
  void aListedFileSwappedForASymlinkIsRecordedAsTheLinkNotFollowed() throws Exception {
    Path secret = outside.resolve("secret");
    CollectingSink sink =
        scanSwapping(
            TestSelector.DEFAULT,
            () -> {
              Files.delete(victim);
              Files.createSymbolicLink(victim, secret);
            });
    FileRecord r = sink.get(pb(victim));
    assertEquals(FileType.SYMLINK, r.type());
    assertArrayEquals(secret.toString().getBytes(StandardCharsets.UTF_8), r.linkTarget());
    assertTrue(r.digests().isEmpty(), "the link's target was not read");
    assertNotNull(
        sink.get(pb(root.resolve("other"))).digest(HashAlgorithm.XXH3_128),
        "the other file is recorded as usual");
    assertEquals(List.of(FileType.FILE, FileType.SYMLINK), asked, "listed FILE, then the lstat");
    assertEquals(List.of(), sink.problems());
  }

  /** Opening a FIFO for reading without O_NONBLOCK would block the scan: the timeout says so. */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aListedFileSwappedForAFifoIsNeitherBlockedOnNorRead() throws Exception {
    CollectingSink sink =
        scanSwapping(
            TestSelector.DEFAULT,
            () -> {
              Files.delete(victim);
              TestFiles.sh("mkfifo \"$1\"", victim.toString());
            });
    FileRecord r = sink.get(pb(victim));
    assertEquals(FileType.FIFO, r.type());
    assertTrue(r.digests().isEmpty());
    assertEquals(List.of(FileType.FILE, FileType.FIFO), asked);
    assertEquals(List.of(), sink.problems());
  }

  @Test
  void aListedFileSwappedForADirectoryIsRecordedAndWalkedAsOne() throws Exception {
    CollectingSink sink =
        scanSwapping(
            TestSelector.DEFAULT,
            () -> {
              Files.delete(victim);
              Files.createDirectory(victim);
              Files.writeString(victim.resolve("inner"), "inside\n");
            });
    assertEquals(FileType.DIRECTORY, sink.get(pb(victim)).type());
    FileRecord inner = sink.get(pb(victim.resolve("inner")));
    assertNotNull(inner, "the directory it became is walked");
    assertNotNull(inner.digest(HashAlgorithm.XXH3_128));
    assertEquals(List.of(FileType.FILE, FileType.DIRECTORY), asked);
    assertEquals(List.of(), sink.problems());
  }

  /**
   * The directory case: listed and lstat'ed as a directory, then swapped for a symlink to a tree
   * outside before it is opened. The relative open beneath the root (openat2 RESOLVE_NO_SYMLINKS,
   * or O_NOFOLLOW per component) refuses it; nothing outside is recorded under its name.
   */
  @Test
  void aDirectorySwappedForASymlinkBeforeItIsOpenedIsNotFollowed() throws Exception {
    Path sub = Files.createDirectory(root.resolve("sub"));
    Files.writeString(sub.resolve("inside"), "x\n");
    PathBytes s = pb(sub);
    AtomicBoolean swapped = new AtomicBoolean();
    TestSelector sel =
        new TestSelector(
            List.of(pb(root)),
            (p, t) -> TestSelector.DEFAULT,
            p -> {
              // asked after the lstat, before the directory is queued and opened
              if (p.equals(s) && !swapped.getAndSet(true)) {
                try {
                  Files.move(sub, tmp.resolve("moved-away"));
                  Files.createSymbolicLink(sub, outside);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              }
              return true;
            });
    CollectingSink sink = new CollectingSink();
    new Scanner(ScanSettings.defaults().withThreads(1)).scan(sel, sink);
    assertTrue(swapped.get());
    assertEquals(FileType.DIRECTORY, sink.get(s).type(), "recorded as its lstat saw it");
    assertNull(sink.get(pb(sub.resolve("secret"))), "the symlink's target was not walked");
    assertTrue(
        sink.records.keySet().stream().noneMatch(p -> p.isUnder(s) && !p.equals(s)),
        sink.records.keySet().toString());
    List<ScanProblem> vanished = sink.problems(ScanProblem.Kind.VANISHED);
    assertEquals(1, vanished.size(), sink.problems().toString());
    assertEquals(s, vanished.get(0).path());
    assertTrue(vanished.get(0).message().contains("not followed"), vanished.get(0).message());
  }

  /** The shortcut reads xattrs from the fd it hashes, when (and only when) the set wants them. */
  @Test
  void aListedFileReportsItsXattrsWhenTheSetWantsThem() throws Exception {
    UserDefinedFileAttributeView view =
        Files.getFileAttributeView(victim, UserDefinedFileAttributeView.class);
    view.write("note", ByteBuffer.wrap("hi".getBytes(StandardCharsets.US_ASCII)));

    CollectingSink hashed = scanSwapping(TestSelector.DEFAULT.with(Attribute.XATTRS), () -> {});
    FileRecord r = hashed.get(pb(victim));
    assertEquals(List.of("user.note"), r.xattrs().stream().map(Xattr::name).toList());
    assertEquals("hi", r.xattrs().get(0).displayValue());
    assertNotNull(r.digest(HashAlgorithm.XXH3_128));

    asked.clear();
    AttributeSet xattrsOnly = AttributeSet.of(Attribute.FTYPE, Attribute.SIZE, Attribute.XATTRS);
    FileRecord unhashed = scanSwapping(xattrsOnly, () -> {}).get(pb(victim));
    assertEquals(List.of("user.note"), unhashed.xattrs().stream().map(Xattr::name).toList());
    assertTrue(unhashed.digests().isEmpty());
    assertEquals(Files.size(victim), unhashed.size());

    asked.clear();
    FileRecord without = scanSwapping(TestSelector.DEFAULT, () -> {}).get(pb(victim));
    assertNull(without.xattrs(), "not selected: not read");
  }
}
