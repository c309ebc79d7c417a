package dev.fim.auditlink.search;

import dev.fim.auditlink.interpret.AccountSource;
import dev.fim.auditlink.interpret.Interpreter;
import dev.fim.auditlink.parse.RecordParser;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Entry point of the search: reads audit.log files in the order given (see
 * {@link InputFiles#rotations}), groups their records into events, and hands each event that
 * matches the {@link SearchSettings} to an {@link EventConsumer}, in the order the events end
 * in the log.
 *
 * <p>Events may span files (an event cut by a rotation is joined). Lines that are not audit
 * records are skipped and counted in {@link SearchStats#garbage()}. Instances are immutable
 * and may be reused; each {@link #run} is single-threaded and independent.
 */
public final class AuditSearch {
    private final SearchSettings settings;
    private final Long auid;
    private final int blockSize;
    private final Mode mode;

    /** How the input is read; {@link #AUTO} but in tests. */
    enum Mode {
        /** {@link #WINDOWED} when a criterion can be searched for as bytes and few lines hold it. */
        AUTO,
        /** Every line, in order ({@link LogScanner}). */
        SEQUENTIAL,
        /** Only the lines around those that hold the criterion ({@link WindowedSearch}) when possible. */
        WINDOWED
    }

    /** As {@link #AuditSearch(SearchSettings, AccountSource)} with the host's passwd. */
    public AuditSearch(SearchSettings settings) {
        this(settings, AccountSource.system());
    }

    /**
     * @param accounts where a user name given as {@code auid} is looked up
     * @throws IllegalArgumentException if {@code auid} is neither a number nor a known user
     */
    public AuditSearch(SearchSettings settings, AccountSource accounts) {
        this(settings, accounts, LogScanner.BLOCK, Mode.AUTO);
    }

    AuditSearch(SearchSettings settings, AccountSource accounts, int blockSize) {
        this(settings, accounts, blockSize, Mode.SEQUENTIAL);
    }

    AuditSearch(SearchSettings settings, AccountSource accounts, Mode mode) {
        this(settings, accounts, LogScanner.BLOCK, mode);
    }

    private AuditSearch(SearchSettings settings, AccountSource accounts, int blockSize, Mode mode) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.blockSize = blockSize;
        this.mode = mode;
        if (settings.auid() == null) {
            this.auid = null;
        } else {
            Interpreter names = new Interpreter(accounts);
            this.auid = names.uidOf(settings.auid());
            if (this.auid == null) {
                String why = names.accountsError();
                throw new IllegalArgumentException("auid " + settings.auid() + ": no such user in passwd"
                        + (why == null ? "" : " (" + why + ")") + "; give a user name or a numeric id");
            }
        }
    }

    public SearchSettings settings() {
        return settings;
    }

    /** Searches {@code inputs} in order; returns what was read and found. */
    public SearchStats run(List<Path> inputs, EventConsumer out) throws IOException {
        Objects.requireNonNull(out, "out");
        Prefilter prefilter = new Prefilter(settings, auid);
        int bit = prefilter.needleBit();
        if (mode != Mode.SEQUENTIAL && bit != 0) {
            WindowedSearch ws = WindowedSearch.open(inputs);
            if (ws != null) {
                SearchTrace.mark("files mapped");
                long[] lines = ws.linesWith(prefilter.needles(bit), Runtime.getRuntime().availableProcessors());
                SearchTrace.mark("byte search: %d lines", lines.length);
                // Each candidate costs a byte search of about twice the window around it: past
                // a quarter of the input, reading every line in order is cheaper.
                if (mode == Mode.WINDOWED || (double) lines.length * 2 * EventGrouper.WINDOW <= ws.total() / 4.0) {
                    ws.deliver(lines, (type, millis, b, off, end) -> (prefilter.hits(type, millis, b, off, end) & bit) != 0,
                            new RecordParser(), new EventMatcher(settings, auid), out);
                    return new SearchStats(inputs.size(), ws.total(), 0, 0, ws.rejected, ws.candidateEvents, ws.matched);
                }
            }
        }
        EventGrouper grouper = new EventGrouper(prefilter.all(), new EventMatcher(settings, auid), out);
        LogScanner scanner = new LogScanner(prefilter, grouper, blockSize);
        for (Path p : inputs) {
            scanner.scan(p);
        }
        grouper.finishAll();
        return new SearchStats(scanner.files, scanner.bytes, scanner.lines, scanner.records,
                scanner.garbage + grouper.rejected, grouper.scanned, grouper.matched);
    }
}
