package dev.fim.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lending a held database ({@link DatabaseLoan}): a borrower gets it from a lender, the lender
 * takes it back and sees what was written; a holder that does not lend refuses at once; a lender
 * that does not answer makes the borrower fail after its wait; a dead borrower's request is
 * ignored. Lender and borrower are two stores in one JVM (the lock is per file description, so the
 * second one sees it held); the cli's WatchCommandTest does it with processes.
 */
class DatabaseLoanTest {
  @TempDir Path tmp;

  @Test
  void aLenderLendsOnRequestAndTakesItBack() throws Exception {
    Path dir = tmp.resolve("db");
    try (Store lender = Store.open(dir, Store.OpenMode.CREATE)) {
      lender.lendOnRequest();
      List<String> said = new ArrayList<>();
      CompletableFuture<Void> borrower =
          CompletableFuture.runAsync(
              () -> {
                try (Store s =
                    Store.openBorrowing(
                        dir, Store.OpenMode.EXISTING, Duration.ofSeconds(30), said::add)) {
                  s.putMeta("written_by", "borrower");
                } catch (StoreException e) {
                  throw new RuntimeException(e);
                }
              });
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      long pid;
      while ((pid = lender.loanRequested()) == 0) {
        assertTrue(System.nanoTime() < deadline, "no loan request");
        Thread.sleep(DatabaseLoan.POLL_MS);
      }
      assertEquals(ProcessHandle.current().pid(), pid);
      lender.lend();
      assertThrows(
          IllegalStateException.class, () -> lender.getMeta("written_by"), "no use while lent");
      assertTrue(lender.reclaim(pid, () -> false));
      borrower.get(30, TimeUnit.SECONDS);
      assertEquals(
          "borrower", lender.getMetaString("written_by"), "the lender sees the borrower's writes");
      assertEquals(1, said.size());
      assertTrue(said.get(0).contains("asked it to lend it"), said.get(0));
      assertFalse(
          Files.exists(dir.resolve(DatabaseLoan.REQUEST)), "the request is withdrawn on close");
      assertEquals(0, lender.loanRequested());
      assertTrue(Store.readLockFile(dir).endsWith(" lends"), "still lending after taking it back");
    }
  }

  @Test
  void aHolderThatDoesNotLendIsRefusedAtOnce() throws Exception {
    Path dir = tmp.resolve("db");
    try (Store holder = Store.open(dir, Store.OpenMode.CREATE)) {
      long t0 = System.nanoTime();
      StoreException e =
          assertThrows(
              StoreException.class,
              () ->
                  Store.openBorrowing(
                      dir, Store.OpenMode.EXISTING, Duration.ofSeconds(30), s -> {}));
      assertEquals(StoreException.Reason.LOCKED, e.reason());
      assertTrue(e.getMessage().contains("in use by another fim process"), e.getMessage());
      assertTrue(
          System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(20),
          "did not wait for a holder that never lends");
      assertFalse(Files.exists(dir.resolve(DatabaseLoan.REQUEST)));
    }
  }

  @Test
  void aLenderThatDoesNotAnswerFailsTheBorrowerAfterItsWait() throws Exception {
    Path dir = tmp.resolve("db");
    try (Store lender = Store.open(dir, Store.OpenMode.CREATE)) {
      lender.lendOnRequest();
      StoreException e =
          assertThrows(
              StoreException.class,
              () ->
                  Store.openBorrowing(
                      dir, Store.OpenMode.EXISTING, Duration.ofMillis(300), s -> {}));
      assertEquals(StoreException.Reason.LOCKED, e.reason());
      assertTrue(e.getMessage().contains("did not lend it within"), e.getMessage());
      assertFalse(
          Files.exists(dir.resolve(DatabaseLoan.REQUEST)),
          "a failed borrower withdraws its request");
    }
  }

  @Test
  void theRequestOfADeadOrReplacedProcessIsIgnoredAndRemoved() throws Exception {
    Path dir = tmp.resolve("db");
    Process dead = new ProcessBuilder("true").start();
    dead.waitFor();
    try (Store lender = Store.open(dir, Store.OpenMode.CREATE)) {
      Files.writeString(dir.resolve(DatabaseLoan.REQUEST), dead.pid() + " 0\n");
      assertEquals(0, lender.loanRequested());
      assertFalse(Files.exists(dir.resolve(DatabaseLoan.REQUEST)));
      // a live pid with another start time: the request of a process whose pid was reused since
      // (power loss)
      Files.writeString(
          dir.resolve(DatabaseLoan.REQUEST), ProcessHandle.current().pid() + " 12345\n");
      assertEquals(0, lender.loanRequested(), "a reused pid is not the requester");
      assertFalse(Files.exists(dir.resolve(DatabaseLoan.REQUEST)));
      assertArrayEquals(null, lender.getMeta("nothing"));
    }
  }
}
