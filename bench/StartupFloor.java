import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;

/**
 * bench/startup.sh's floor for a short fim command (issue 18): the least any Java 17 + rocksdbjni
 * fim must do to answer from its database. Loads RocksDB's library, opens the database DIR
 * read-write with fim's column families and options (store's Store.openDb: keep them in step;
 * since issue 18's session 11 its table files are opened on the opening thread), reads one key of the
 * meta column family, closes and exits. No command line parsing, config, scan, seal or output.
 * Usage: java -cp rocksdbjni.jar:DIR StartupFloor DB
 */
public final class StartupFloor {
  private static final String[] COLUMNS = {
    "baseline", "current", "scan", "inodes", "events", "events_by_path", "meta", "approvals"
  };

  public static void main(String[] args) throws Exception {
    RocksDB.loadLibrary();
    try (DBOptions db =
            new DBOptions()
                .setCreateIfMissing(false)
                .setCreateMissingColumnFamilies(true)
                .setMaxBackgroundJobs(2)
                .setKeepLogFileNum(2)
                .setDbWriteBufferSize(16L << 20)
                .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                .setParanoidChecks(true)
                .setAtomicFlush(true)
                .setMaxFileOpeningThreads(1);
        ColumnFamilyOptions cf =
            new ColumnFamilyOptions()
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setTableFormatConfig(
                    new BlockBasedTableConfig()
                        .setBlockCache(new LRUCache(8L << 20))
                        .setCacheIndexAndFilterBlocks(true)
                        .setPinL0FilterAndIndexBlocksInCache(true))) {
      List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
      descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cf));
      for (String c : COLUMNS) {
        descriptors.add(new ColumnFamilyDescriptor(c.getBytes(StandardCharsets.US_ASCII), cf));
      }
      List<ColumnFamilyHandle> handles = new ArrayList<>();
      try (RocksDB rocks = RocksDB.open(db, args[0], descriptors, handles)) {
        byte[] v = rocks.get(handles.get(7), "format_version".getBytes(StandardCharsets.US_ASCII));
        if (v == null) {
          System.err.println("StartupFloor: " + args[0] + " has no format_version");
          System.exit(3);
        }
        for (ColumnFamilyHandle h : handles) {
          h.close();
        }
      }
    }
  }
}
