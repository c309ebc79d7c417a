package dev.fim.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Status;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * fim's database: one RocksDB with the column families of {@link Column}, a format version, and an
 * exclusive lock so that only one fim process writes at a time.
 *
 * <p>Thread-safe: RocksDB reads and writes may come from any thread; {@link RecordWriter}s batch
 * writes. Close it to release the lock.
 */
public final class Store implements AutoCloseable {
  /** On-disk format of this fim. A database with a larger number is refused, not guessed at. */
  public static final int FORMAT_VERSION = 1;

  /** The memtable budget across all column families (RocksDB's db_write_buffer_size). */
  static final long DB_WRITE_BUFFER_BYTES = 16L << 20;

  /**
   * The block cache shared by all column families (reads are mostly one sequential pass: a small
   * cache does).
   */
  static final long BLOCK_CACHE_BYTES = 8L << 20;

  static final String META_FORMAT = "format_version";

  /**
   * This database's identity: 128 random bits in hex, made by the first writer that opens it and
   * kept for its life. {@code fim ship} derives each document's id from it (with the host id and
   * the event's sequence), so two databases on one host never collide and a re-created database is
   * a new source, not a rewrite of the old one's documents.
   */
  static final String META_DATABASE_ID = "database_id";

  private static final String LOCK_FILE = "fim.lock";

  static {
    RocksDB.loadLibrary();
  }

  /**
   * Loads RocksDB's native library now (the first use of this class does it anyway), so that a
   * command can do it on another thread while it parses its config. Idempotent and thread-safe.
   */
  public static void loadNativeLibrary() {
    // Nothing more: calling this initialises the class, whose static block loads the library.
  }

  /** Whether {@link #open} may create a new database. */
  public enum OpenMode {
    /** Create the database if it does not exist (fim init). */
    CREATE,
    /** The database must exist (check, update, history…). */
    EXISTING,
    /**
     * The database must exist; opened for reading only and without fim's lock, so it can be read
     * while another fim (a running {@code fim watch}) writes it: what was written when it was
     * opened is visible (history, who, report). Every write fails.
     */
    READ_ONLY
  }

  private final Path dir;
  private final OpenMode mode;
  private FileChannel lockChannel;
  private FileLock lock;

  /** The open RocksDB; null while the database is lent to another fim process ({@link #lend}). */
  private volatile Opened opened;

  /** The loan request this store made to get the database (deleted on close), or null. */
  private Path borrowed;

  private final WriteOptions writeOptions;

  /** For bulk loads that are redone rather than recovered after a crash: no write-ahead log. */
  private final WriteOptions bulkWriteOptions;

  /** A RocksDB instance with what must be closed with it. */
  private record Opened(
      DBOptions dbOptions,
      ColumnFamilyOptions cfOptions,
      RocksDB db,
      Map<Column, ColumnFamilyHandle> handles) {
    void close() {
      for (ColumnFamilyHandle h : handles.values()) {
        h.close();
      }
      db.close();
      dbOptions.close();
      cfOptions.close();
    }
  }

  private Store(Path dir, OpenMode mode, FileChannel lockChannel, FileLock lock, Opened opened) {
    this.dir = dir;
    this.mode = mode;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.opened = opened;
    this.writeOptions = new WriteOptions();
    this.bulkWriteOptions = new WriteOptions().setDisableWAL(true);
  }

  /**
   * Opens (or creates) the database in {@code dir}, taking its lock.
   *
   * @throws StoreException LOCKED when another fim holds it, MISSING when mode is EXISTING and
   *     there is none, NEWER_FORMAT, CORRUPT, or IO (permissions, read-only, full disk)
   */
  public static Store open(Path dir, OpenMode mode) throws StoreException {
    boolean exists = Files.isRegularFile(dir.resolve("CURRENT"));
    if (!exists && mode != OpenMode.CREATE) {
      throw new StoreException(
          StoreException.Reason.MISSING,
          "no fim database in " + dir + "; create the baseline first with: fim init");
    }
    try {
      createPrivateDirectory(dir);
    } catch (IOException e) {
      throw ioFailure(dir, "create database directory", e);
    }
    makePrivate(dir);
    FileChannel channel = null;
    FileLock lock = null;
    if (mode != OpenMode.READ_ONLY) {
      Path lockPath = dir.resolve(LOCK_FILE);
      try {
        channel = openLockFile(lockPath);
        try {
          lock = channel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
          lock = null; // held by this very JVM (a second Store on the same directory)
        }
        if (lock == null) {
          String holder = readHolder(channel);
          channel.close();
          throw new StoreException(
              StoreException.Reason.LOCKED,
              "database "
                  + dir
                  + " is in use by another fim process"
                  + holder
                  + "; wait for it to finish (only one fim may use a database at a time)");
        }
        writeHolder(channel, "");
      } catch (IOException e) {
        throw ioFailure(dir, "lock database (" + lockPath + ")", e);
      }
    }
    Opened opened;
    try {
      opened = openDb(dir, mode);
    } catch (StoreException e) {
      closeQuietly(lock, channel);
      throw e;
    }
    makePrivate(dir, HELD_LOCKS); // what RocksDB's open created (log, manifest, options)
    Store store = new Store(dir, mode, channel, lock, opened);
    try {
      store.checkFormat(exists && mode != OpenMode.READ_ONLY);
      if (mode != OpenMode.READ_ONLY) {
        store.ensureDatabaseId();
      }
    } catch (StoreException e) {
      store.close();
      throw e;
    }
    return store;
  }

  /** Opens the RocksDB in {@code dir} (the caller holds fim's lock unless read-only). */
  private static Opened openDb(Path dir, OpenMode mode) throws StoreException {
    DBOptions dbOptions =
        new DBOptions()
            .setCreateIfMissing(mode == OpenMode.CREATE)
            .setCreateMissingColumnFamilies(true)
            .setMaxBackgroundJobs(2)
            .setKeepLogFileNum(2)
            // All column families' memtables together, flushed beyond this: without it each of the
            // 8 may hold 2 × 64 MB,
            // and a long fim watch (events, current, rescans' scan column) grew past 380 MB RSS
            // (bench/watch.sh);
            // at 32 MB its peak was still 223 MiB, at 16 MB (with the 8 MB cache below) see README.
            .setDbWriteBufferSize(DB_WRITE_BUFFER_BYTES)
            .setInfoLogLevel(org.rocksdb.InfoLogLevel.WARN_LEVEL)
            // RocksDB's default, said here because fim depends on it: a corruption found on open or
            // by a background job
            // (compaction reads every block it rewrites) fails the open or stops writes instead of
            // being worked around.
            .setParanoidChecks(true)
            // A flush of several column families (flush(): the records and their inode index,
            // written by the bulk writers without the write-ahead log) installs all their table
            // files in one manifest edit: all or none after a crash, and one manifest sync instead
            // of one per column family. A 20k init's syncs after its scan: 23 -> 14 (issue 18).
            .setAtomicFlush(true)
            // The table files are opened (footer, index) at the open on the opening thread, not by
            // RocksDB's default 16 threads per column family: 9 column families made an open start
            // and join ~140 threads, for a database of a dozen small files. Open of a 1-file
            // check's database 67 -> 31 ms, of a 100k-file baseline's (12 files) 67 -> 40 ms
            // (medians of 7, issue 18, session 11).
            .setMaxFileOpeningThreads(1)
            // No preallocation of the MANIFEST (4 MB), the write-ahead log (its write buffer's
            // size) and the table files: a short command writes a few KB into each, and closing a
            // file truncates its unused preallocation, which frees the blocks; on a file system
            // mounted with `discard` each such free waits for the device's discard (1-2 ms on the
            // 1-file check's path, issue 18, session 17). Durability does not depend on it: the
            // syncs (fdatasync/fsync) that make each write durable are the same, and a file's size
            // is then part of what its fdatasync writes.
            .setAllowFAllocate(false)
            // No periodic statistics: fim never reads RocksDB's info LOG (kept at WARN) or its
            // persisted stats, and the dump's first run at open starts RocksDB's timer thread and
            // takes the database mutex the opening thread wants (issue 18, session 17).
            .setStatsDumpPeriodSec(0)
            .setStatsPersistPeriodSec(0)
            // Obsolete files (the previous MANIFEST and write-ahead log, a flushed table's inputs)
            // are deleted by a background thread instead of the opening or flushing thread. Their
            // deletion is not part of any durability step (a crash before it leaves them for the
            // next open to delete), and on a `discard` mount each unlink of a file with blocks
            // waited for the device: 2-3 ms on the open's path (issue 18, session 17). Close waits
            // for the purge.
            .setAvoidUnnecessaryBlockingIO(true);
    // One table factory (so one block cache) for every column family; RocksDB's default is a 32 MB
    // cache.
    ColumnFamilyOptions cfOptions =
        new ColumnFamilyOptions()
            .setCompressionType(org.rocksdb.CompressionType.LZ4_COMPRESSION)
            .setTableFormatConfig(
                new org.rocksdb.BlockBasedTableConfig()
                    .setBlockCache(new org.rocksdb.LRUCache(BLOCK_CACHE_BYTES))
                    .setCacheIndexAndFilterBlocks(true)
                    .setPinL0FilterAndIndexBlocksInCache(true));
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions));
    List<Column> opened = new ArrayList<>();
    List<ColumnFamilyHandle> list = new ArrayList<>();
    RocksDB db;
    try {
      // A read-only open cannot create a column family added after the database was written: leave
      // it out.
      List<byte[]> existing = mode == OpenMode.READ_ONLY ? existingColumnFamilies(dir) : null;
      for (Column c : Column.values()) {
        if (existing == null
            || !c.addedLater()
            || existing.stream().anyMatch(n -> java.util.Arrays.equals(n, c.cfNameBytes()))) {
          descriptors.add(new ColumnFamilyDescriptor(c.cfNameBytes(), cfOptions));
          opened.add(c);
        }
      }
      db =
          mode == OpenMode.READ_ONLY
              ? RocksDB.openReadOnly(dbOptions, dir.toString(), descriptors, list)
              : RocksDB.open(dbOptions, dir.toString(), descriptors, list);
    } catch (RocksDBException e) {
      dbOptions.close();
      cfOptions.close();
      throw translate(dir, "open", e);
    }
    Map<Column, ColumnFamilyHandle> handles = new EnumMap<>(Column.class);
    for (int i = 0; i < opened.size(); i++) {
      handles.put(opened.get(i), list.get(i + 1));
    }
    return new Opened(dbOptions, cfOptions, db, handles);
  }

  private static List<byte[]> existingColumnFamilies(Path dir) throws RocksDBException {
    try (org.rocksdb.Options o = new org.rocksdb.Options()) {
      return RocksDB.listColumnFamilies(o, dir.toString());
    }
  }

  private void checkFormat(boolean existed) throws StoreException {
    byte[] v = getMeta(META_FORMAT);
    if (v == null) {
      if (existed && hasAny(Column.BASELINE)) {
        throw new StoreException(
            StoreException.Reason.CORRUPT,
            "database "
                + dir
                + " has records but no format version; it was not written by fim or is damaged");
      }
      putMeta(META_FORMAT, Integer.toString(FORMAT_VERSION).getBytes(StandardCharsets.US_ASCII));
      return;
    }
    int found;
    try {
      found = Integer.parseInt(new String(v, StandardCharsets.US_ASCII));
    } catch (NumberFormatException e) {
      throw new StoreException(
          StoreException.Reason.CORRUPT,
          "database " + dir + " has an unreadable format version; it is damaged");
    }
    if (found > FORMAT_VERSION) {
      throw new StoreException(
          StoreException.Reason.NEWER_FORMAT,
          "database "
              + dir
              + " has format "
              + found
              + ", newer than this fim understands ("
              + FORMAT_VERSION
              + "); use a newer fim, or a new --db");
    }
  }

  public Path dir() {
    return dir;
  }

  /**
   * This database's identity (32 lower-case hex digits, see {@link #META_DATABASE_ID}), or null
   * when no writer of a fim that makes one has opened it yet (only a read-only open can see that).
   */
  public String databaseId() throws StoreException {
    String id = getMetaString(META_DATABASE_ID);
    if (id == null) {
      return null;
    }
    if (!id.matches("[0-9a-f]{32}")) {
      throw new StoreException(
          StoreException.Reason.CORRUPT,
          "database " + dir + " has an unreadable database id (" + id.length() + " characters)");
    }
    return id;
  }

  private void ensureDatabaseId() throws StoreException {
    if (getMeta(META_DATABASE_ID) == null) {
      byte[] random = new byte[16];
      new java.security.SecureRandom().nextBytes(random);
      putMetaAtomically(
          Map.of(
              META_DATABASE_ID,
              java.util.HexFormat.of().formatHex(random).getBytes(StandardCharsets.US_ASCII)));
    }
  }

  ColumnFamilyHandle handle(Column c) {
    ColumnFamilyHandle h = live().handles().get(c);
    if (h == null) {
      throw new IllegalStateException(
          "column family " + c.cfName() + " is not open (check has() first)");
    }
    return h;
  }

  /**
   * Whether {@code c} is open: always, except a column family {@linkplain Column#addedLater() added
   * later} that a database opened read-only does not have yet (read it as empty).
   */
  public boolean has(Column c) {
    return live().handles().containsKey(c);
  }

  RocksDB db() {
    return live().db();
  }

  private Opened live() {
    Opened o = opened;
    if (o == null) {
      throw new IllegalStateException("database " + dir + " is lent to another fim process");
    }
    return o;
  }

  // ---- meta ----

  public byte[] getMeta(String name) throws StoreException {
    return get(Column.META, name.getBytes(StandardCharsets.UTF_8));
  }

  public String getMetaString(String name) throws StoreException {
    byte[] v = getMeta(name);
    return v == null ? null : new String(v, StandardCharsets.UTF_8);
  }

  public void putMeta(String name, byte[] value) throws StoreException {
    put(Column.META, name.getBytes(StandardCharsets.UTF_8), value);
  }

  public void putMeta(String name, String value) throws StoreException {
    putMeta(name, value.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Puts (or, for a null value, deletes) several meta entries in one atomic write that is synced to
   * disk before this returns: a commit point, e.g. the switch from one sealed baseline to the next.
   */
  public void putMetaAtomically(Map<String, byte[]> entries) throws StoreException {
    try (WriteBatch batch = new WriteBatch();
        WriteOptions synced = new WriteOptions().setSync(true)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        byte[] k = e.getKey().getBytes(StandardCharsets.UTF_8);
        if (e.getValue() == null) {
          batch.delete(handle(Column.META), k);
        } else {
          batch.put(handle(Column.META), k, e.getValue());
        }
      }
      db().write(synced, batch);
    } catch (RocksDBException e) {
      throw translate(dir, "write meta", e);
    }
  }

  // ---- records ----

  /** The record of {@code path} in {@code column}, or null. */
  public FileRecord getRecord(Column column, PathBytes path) throws StoreException {
    byte[] v = get(column, path.toBytes());
    return v == null ? null : decode(path, v);
  }

  /**
   * A batched writer of records into {@code column}; flush/close it before reading what it wrote.
   */
  public RecordWriter newWriter(Column column) {
    return new RecordWriter(this, List.of(column), false);
  }

  /**
   * A batched writer that puts each record into every one of {@code columns} (and its inode into
   * the index when {@code INODES} is listed), without the write-ahead log: call {@link #flush()}
   * when done to make it durable.
   */
  public RecordWriter newBulkWriter(Column... columns) {
    return new RecordWriter(this, List.of(columns), true);
  }

  /** Iterates {@code column} in key (path byte) order; close the cursor. */
  public RecordCursor cursor(Column column) {
    return new RecordCursor(this, column, null);
  }

  /** Iterates {@code column}'s keys and values as bytes in key order; close the cursor. */
  public RawCursor rawCursor(Column column) {
    return new RawCursor(this, column);
  }

  /** Iterates the records of {@code column} at or below {@code prefix} in key order. */
  public RecordCursor cursor(Column column, PathBytes prefix) {
    return new RecordCursor(this, column, prefix);
  }

  /** Whether {@code column} has at least one entry. */
  public boolean hasAny(Column column) throws StoreException {
    try (RocksIterator it = db().newIterator(handle(column))) {
      it.seekToFirst();
      if (!it.isValid()) {
        checkIterator(it, column); // an unreadable first block is not "empty"
        return false;
      }
      return true;
    }
  }

  /**
   * Read options with block checksums verified: RocksDB's default (and so of every iterator made
   * without options), said here for those made with options, because fim relies on it to notice a
   * damaged table file.
   */
  static ReadOptions readOptions() {
    return new ReadOptions().setVerifyChecksums(true);
  }

  /**
   * Read options for one pass in key order over a whole column or period (a report, the evidence
   * chain's verification): checksums verified, not through the block cache (the pass would only
   * push out what other readers use), and read ahead in 2 MiB reads. Without the read-ahead,
   * RocksDB read each ~2 KiB compressed block with its own pread: 150,000 system calls for a
   * million events and their approvals (strace), each costly on a virtual machine.
   */
  static ReadOptions passOptions() {
    return readOptions().setFillCache(false).setReadaheadSize(PASS_READAHEAD_BYTES);
  }

  private static final long PASS_READAHEAD_BYTES = 2L << 20;

  /**
   * Throws if {@code it} stopped because of an error rather than at the end of the data: a RocksDB
   * iterator that meets a damaged block (checksum mismatch) or cannot read a table file just turns
   * invalid, so a loop that ends without asking reads a damaged database as a shorter one: fewer
   * events in a history, a report that verifies. Call it after every loop over an iterator (also
   * one left by {@code break}: its status is then OK). RocksDB's message names the damaged table
   * file.
   */
  void checkIterator(RocksIterator it, Column column) throws StoreException {
    try {
      it.status();
    } catch (RocksDBException e) {
      throw translate(dir, "read " + column.cfName(), e);
    }
  }

  /** Removes every entry of {@code column}. */
  public void clear(Column column) throws StoreException {
    try {
      // Paths start with '/', event keys with a time: no key is as large as 0xff × 17.
      byte[] end = new byte[17];
      java.util.Arrays.fill(end, (byte) 0xff);
      db().deleteRange(handle(column), new byte[0], end);
    } catch (RocksDBException e) {
      throw translate(dir, "clear " + column.cfName(), e);
    }
  }

  /**
   * Replaces the whole content of {@code to} with that of {@code from} (e.g. scan → baseline),
   * without the write-ahead log: {@link #flush()} afterwards.
   */
  public void replaceAll(Column from, Column to) throws StoreException {
    clear(to);
    try (RocksIterator it = db().newIterator(handle(from));
        WriteBatch batch = new WriteBatch()) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        batch.put(handle(to), it.key(), it.value());
        if (batch.getDataSize() > RecordWriter.BATCH_BYTES) {
          db().write(bulkWriteOptions, batch);
          batch.clear();
        }
      }
      it.status(); // a damaged block must not pass for the end of the column: the copy would be
      // silently short
      db().write(bulkWriteOptions, batch);
    } catch (RocksDBException e) {
      throw translate(dir, "copy " + from.cfName() + " to " + to.cfName(), e);
    }
  }

  byte[] get(Column column, byte[] key) throws StoreException {
    try {
      return db().get(handle(column), key);
    } catch (RocksDBException e) {
      throw translate(dir, "read " + column.cfName(), e);
    }
  }

  void put(Column column, byte[] key, byte[] value) throws StoreException {
    try {
      db().put(handle(column), writeOptions, key, value);
    } catch (RocksDBException e) {
      throw translate(dir, "write " + column.cfName(), e);
    }
  }

  void write(WriteBatch batch) throws StoreException {
    write(batch, false);
  }

  void write(WriteBatch batch, boolean bulk) throws StoreException {
    try {
      db().write(bulk ? bulkWriteOptions : writeOptions, batch);
    } catch (RocksDBException e) {
      throw translate(dir, "write", e);
    }
  }

  /** Forces written data to disk (end of init/update). */
  public void sync() throws StoreException {
    try {
      db().flushWal(true);
    } catch (RocksDBException e) {
      throw translate(dir, "sync", e);
    }
  }

  /**
   * Writes every memtable to table files and waits: what bulk writers wrote (without the
   * write-ahead log) is durable afterwards.
   */
  public void flush() throws StoreException {
    try (org.rocksdb.FlushOptions o = new org.rocksdb.FlushOptions().setWaitForFlush(true)) {
      db().flush(o, new ArrayList<>(live().handles().values()));
    } catch (RocksDBException e) {
      throw translate(dir, "flush", e);
    }
    makePrivate(dir, HELD_LOCKS); // the table files just written
  }

  // ---- the database is private to its owner (issue 12) ----

  private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> GROUP_AND_OTHERS =
      java.util.EnumSet.complementOf(
          java.util.EnumSet.of(
              java.nio.file.attribute.PosixFilePermission.OWNER_READ,
              java.nio.file.attribute.PosixFilePermission.OWNER_WRITE,
              java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE));

  /**
   * Creates {@code dir} (its parents as usual) mode 0700 whatever the umask; an existing one is
   * left to makePrivate.
   */
  private static void createPrivateDirectory(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Path parent = dir.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try {
      Files.createDirectory(
          dir,
          java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
              java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
    } catch (java.nio.file.FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir)) {
        throw e;
      }
    }
  }

  /**
   * Takes every group and other permission from the database directory and the files in it: the
   * baseline names the files under private directories with their hashes, the events who changed
   * what. RocksDB creates its files with the process's umask (usually 0644) and has no option for
   * it, so they are tightened after the fact: when the database is opened (which also tightens a
   * database made by an older fim), after each flush and on close. The directory itself, 0700 from
   * the start, is what keeps others out meanwhile. Best effort: a user who may read the database
   * but does not own it cannot change it, and that is no reason to fail.
   */
  static void makePrivate(Path dir) {
    makePrivate(dir, java.util.Set.of());
  }

  /**
   * The lock files held while the database is open: fim's and RocksDB's. The mode is changed
   * through a descriptor of the file (see {@link #chmodPrivate}), and closing any descriptor of a
   * file drops every POSIX lock this process holds on it; so they are left alone while held
   * (fim.lock is created 0600; LOCK, an empty file, is tightened at the next open, before it is
   * locked).
   */
  private static final java.util.Set<String> HELD_LOCKS = java.util.Set.of(LOCK_FILE, "LOCK");

  /** {@link #makePrivate(Path)}, leaving the files named in {@code held} as they are. */
  static void makePrivate(Path dir, java.util.Set<String> held) {
    chmodPrivate(dir);
    try (java.nio.file.DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        if (!held.contains(f.getFileName().toString())) {
          chmodPrivate(f);
        }
      }
    } catch (IOException | java.nio.file.DirectoryIteratorException e) {
      // unreadable or gone: nothing to tighten
    }
  }

  private static void chmodPrivate(Path p) {
    try {
      java.nio.file.attribute.PosixFileAttributes a =
          Files.readAttributes(
              p,
              java.nio.file.attribute.PosixFileAttributes.class,
              java.nio.file.LinkOption.NOFOLLOW_LINKS);
      if (a.isSymbolicLink() || a.isOther()) {
        return; // not ours to change (chmod would follow a link)
      }
      java.util.Set<java.nio.file.attribute.PosixFilePermission> perms =
          java.util.EnumSet.noneOf(java.nio.file.attribute.PosixFilePermission.class);
      perms.addAll(a.permissions());
      if (perms.removeAll(GROUP_AND_OTHERS)) {
        // Not Files.setPosixFilePermissions: chmod(2) follows a symlink, and whoever can write this
        // directory can swap one in after the lstat above (root would then change any file it
        // names). Without following links, Java opens the name O_NOFOLLOW and changes the mode of
        // what it opened (fchmod): a link is refused (ELOOP).
        Files.getFileAttributeView(
                p,
                java.nio.file.attribute.PosixFileAttributeView.class,
                java.nio.file.LinkOption.NOFOLLOW_LINKS)
            .setPermissions(perms);
      }
    } catch (IOException | UnsupportedOperationException e) {
      // not the owner, or gone meanwhile (RocksDB deletes obsolete files)
    }
  }

  FileRecord decode(PathBytes path, byte[] value) throws StoreException {
    try {
      return FileRecordCodec.decode(value);
    } catch (IllegalArgumentException e) {
      throw new StoreException(
          StoreException.Reason.CORRUPT,
          "database "
              + dir
              + ": the record of "
              + path.display()
              + " cannot be decoded ("
              + e.getMessage()
              + ")",
          e);
    }
  }

  @Override
  public synchronized void close() {
    Opened o = opened;
    opened = null;
    if (o != null) {
      o.close();
    }
    writeOptions.close();
    bulkWriteOptions.close();
    if (o != null && mode != OpenMode.READ_ONLY) {
      makePrivate(
          dir,
          java.util.Set.of(
              LOCK_FILE)); // what RocksDB wrote since the last flush (logs, compactions)
    }
    closeQuietly(lock, lockChannel);
    lock = null;
    lockChannel = null;
    if (borrowed != null) {
      DatabaseLoan.returned(borrowed);
      borrowed = null;
    }
  }

  // ---- lending the database to another fim process (DatabaseLoan) ----

  /**
   * Says in the lock file that this holder lends the database on request: a {@code fim check} (or
   * update, accept) that finds it locked then asks ({@link #openBorrowing}) instead of failing.
   * {@code fim watch} does.
   */
  public synchronized void lendOnRequest() throws StoreException {
    try {
      writeHolder(lockChannel, DatabaseLoan.LENDS);
    } catch (IOException e) {
      throw ioFailure(dir, "mark the lock file", e);
    }
  }

  /** The pid of a live fim process asking to borrow this database, or 0. */
  public long loanRequested() {
    return DatabaseLoan.requester(dir);
  }

  /**
   * Closes the database and releases the lock so that the requester can open it; every use until
   * {@link #reclaim} throws IllegalStateException. The caller must hold no cursor or unwritten
   * batch.
   */
  public synchronized void lend() {
    Opened o = opened;
    opened = null;
    if (o != null) {
      o.close();
    }
    closeQuietly(lock, lockChannel);
    lock = null;
    lockChannel = null;
  }

  /**
   * Takes the database back once the borrower {@code pid} returned it (closed it) or died: waits
   * for that, then for the lock, then reopens. Gives up, returning false with the database still
   * lent, when {@code giveUp} turns true (the lender is stopping).
   */
  public synchronized boolean reclaim(long pid, java.util.function.BooleanSupplier giveUp)
      throws StoreException, InterruptedException {
    Path lockPath = dir.resolve(LOCK_FILE);
    while (true) {
      if (giveUp.getAsBoolean()) {
        return false;
      }
      if (!DatabaseLoan.stillBorrowing(dir, pid)) {
        try {
          FileChannel channel = openLockFile(lockPath);
          FileLock l = channel.tryLock();
          if (l != null) {
            lockChannel = channel;
            lock = l;
            writeHolder(channel, DatabaseLoan.LENDS);
            opened = openDb(dir, mode);
            return true;
          }
          channel.close(); // another fim took it first: wait for that one too
        } catch (IOException e) {
          throw ioFailure(dir, "lock database (" + lockPath + ")", e);
        }
      }
      Thread.sleep(DatabaseLoan.POLL_MS);
    }
  }

  /**
   * {@link #open} that, when the database is locked by a fim that lends it ({@code fim watch}),
   * asks for it and waits up to {@code wait} for it: a nightly check runs beside the watch service
   * instead of failing. The request is withdrawn on close. A holder that does not lend (another
   * check) fails at once as with {@link #open}.
   *
   * @param status told once when the database is asked for (a line for stderr)
   */
  public static Store openBorrowing(
      Path dir, OpenMode mode, java.time.Duration wait, java.util.function.Consumer<String> status)
      throws StoreException {
    try {
      return open(dir, mode);
    } catch (StoreException e) {
      if (e.reason() != StoreException.Reason.LOCKED || mode == OpenMode.READ_ONLY) {
        throw e;
      }
      long holder = DatabaseLoan.lender(dir);
      if (holder == 0) {
        throw e;
      }
      return DatabaseLoan.borrow(
          dir,
          holder,
          wait,
          status,
          () -> open(dir, mode),
          s -> s.borrowed = DatabaseLoan.requestFile(dir));
    }
  }

  // ---- errors ----

  static StoreException translate(Path dir, String what, RocksDBException e) {
    Status s = e.getStatus();
    Status.Code code = s == null ? null : s.getCode();
    String msg = e.getMessage();
    StoreException.Reason reason;
    if (code == Status.Code.Corruption) {
      reason = StoreException.Reason.CORRUPT;
    } else if (msg != null && msg.contains("lock") && msg.contains("unavailable")) {
      reason = StoreException.Reason.LOCKED;
    } else if (code == Status.Code.InvalidArgument
        && msg != null
        && msg.contains("does not exist")) {
      reason = StoreException.Reason.MISSING;
    } else {
      reason = StoreException.Reason.IO;
    }
    String hint =
        switch (reason) {
          case CORRUPT ->
              "; the database is damaged: restore it from a backup or re-create it with fim init --db NEWDIR";
          case LOCKED -> "; another process uses it";
          default -> hintFor(msg);
        };
    return new StoreException(
        reason, "database " + dir + ": cannot " + what + ": " + msg + hint, e);
  }

  private static String hintFor(String msg) {
    if (msg == null) {
      return "";
    }
    if (msg.contains("No space left")) {
      return " (the disk is full; free space and run again: nothing was committed past this point)";
    }
    if (msg.contains("Read-only file system")) {
      return " (the file system is read-only; use --db on a writable location)";
    }
    if (msg.contains("Permission denied")) {
      return " (permission denied; run as root or use --db on a writable location)";
    }
    return "";
  }

  private static StoreException ioFailure(Path dir, String what, IOException e) {
    String why;
    if (e instanceof AccessDeniedException) {
      why = "permission denied; run as root or use --db on a writable location";
    } else if (e instanceof NoSuchFileException) {
      why = "no such file or directory";
    } else if (e instanceof FileSystemException fse && fse.getReason() != null) {
      why = fse.getReason();
    } else {
      why = String.valueOf(e.getMessage());
    }
    return new StoreException(
        StoreException.Reason.IO, "database " + dir + ": cannot " + what + ": " + why, e);
  }

  /**
   * Opens fim's lock file without following a symlink (O_NOFOLLOW): it is truncated and rewritten,
   * and whoever can write the database directory could otherwise point it at any file root may
   * write (fim.lock -> /etc/shadow).
   */
  private static FileChannel openLockFile(Path lockPath) throws IOException {
    try {
      return FileChannel.open(
          lockPath,
          java.util.Set.of(
              StandardOpenOption.CREATE,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE,
              java.nio.file.LinkOption.NOFOLLOW_LINKS),
          java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
              java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
    } catch (java.nio.file.FileSystemException e) {
      if (Files.isSymbolicLink(lockPath)) {
        throw new IOException(
            lockPath
                + " is a symbolic link, not fim's lock file: it was placed there by someone"
                + " who can write the database directory; check the host, then remove the link",
            e);
      }
      throw e;
    }
  }

  /**
   * The size of the lock file's holder line: the pid and note, blanks, a newline. Readers trim it.
   */
  static final int HOLDER_BYTES = 32;

  /**
   * Writes this process's pid (and {@code note}) into the lock file: who holds it, for the next one
   * to say. The line is always {@link #HOLDER_BYTES} long and written over the old one, then the
   * file cut to that size (a no-op unless something longer was there): emptying the file first
   * freed its block, and on a file system mounted with {@code discard} the free waited for the
   * device (0.4-1.9 ms of every command's open, issue 18, session 17). A reader never sees a mix of
   * two holders either: every line covers the same bytes.
   */
  private static void writeHolder(FileChannel channel, String note) throws IOException {
    byte[] text =
        (ProcessHandle.current().pid() + (note.isEmpty() ? "" : " " + note))
            .getBytes(StandardCharsets.US_ASCII);
    if (text.length >= HOLDER_BYTES) {
      throw new IOException("holder line too long: " + text.length + " bytes");
    }
    byte[] line = new byte[HOLDER_BYTES];
    java.util.Arrays.fill(line, (byte) ' ');
    System.arraycopy(text, 0, line, 0, text.length);
    line[HOLDER_BYTES - 1] = '\n';
    ByteBuffer buf = ByteBuffer.wrap(line);
    while (buf.hasRemaining()) {
      channel.write(buf, buf.position());
    }
    channel.truncate(HOLDER_BYTES);
  }

  static String readLockFile(Path dir) {
    try {
      return Files.readString(dir.resolve(LOCK_FILE), StandardCharsets.US_ASCII).trim();
    } catch (IOException e) {
      return "";
    }
  }

  private static String readHolder(FileChannel channel) {
    try {
      ByteBuffer buf = ByteBuffer.allocate(32);
      channel.read(buf, 0);
      String pid = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).trim();
      return pid.isEmpty()
          ? ""
          : " (pid "
              + pid.split(" ")[0]
              + (pid.endsWith(DatabaseLoan.LENDS) ? ", fim watch" : "")
              + ")";
    } catch (IOException e) {
      return "";
    }
  }

  private static void closeQuietly(FileLock lock, FileChannel channel) {
    try {
      if (lock != null) {
        lock.release();
      }
      if (channel != null) {
        channel.close();
      }
    } catch (IOException ignored) {
      // Closing the channel releases the lock anyway; nothing else to do on close.
    }
  }
}
