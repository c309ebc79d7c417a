package dev.fim.auditlink.search;

import dev.fim.auditlink.interpret.Interpreter;
import dev.fim.auditlink.parse.AuditRecord;
import dev.fim.auditlink.parse.RecordType;
import java.io.IOException;
import java.io.Writer;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

/**
 * Renders an event as {@code ausearch -i} does, for {@code fim audit search --format text}:
 * <pre>
 * ----
 * time-&gt;Wed Apr 12 22:48:11 2017
 * type=SYSCALL msg=audit(04/12/17 22:48:11.036:59) : arch=x86_64 syscall=execve … key=user_commands
 * </pre>
 * Each record's date is {@code %x %T} in the C locale, then {@code .millis:serial}; each field
 * is {@code name=value } (ausearch leaves a space after every field) with the value
 * interpreted ({@link Interpreter}) and unquoted; a SYSCALL's {@code a0}..{@code a3} are shown
 * as {@code 0x…} hex, without ausearch's per-syscall decoding of flags and signals.
 *
 * <p>Differences from ausearch 3.0.9, on purpose: the {@code time->} line (ausearch prints it
 * only without {@code -i}) gives the event's time once; records keep their log order (3.0.9
 * with {@code -i} prints them last to first); a user message's {@code msg='…'} fields are
 * shown flat, without the quotes. Times are in the given zone (ausearch: the local one).
 * Thread-safe if the {@link Interpreter} is (it is).
 */
public final class SearchText {
    private static final DateTimeFormatter CTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT);
    private static final DateTimeFormatter RECORD = DateTimeFormatter.ofPattern("MM/dd/yy HH:mm:ss.SSS", Locale.ROOT);

    private final Interpreter names;
    private final ZoneId zone;

    public SearchText(Interpreter names, ZoneId zone) {
        this.names = names;
        this.zone = zone;
    }

    public void write(AuditEvent e, Writer w) throws IOException {
        StringBuilder sb = new StringBuilder(1024);
        sb.append("----\ntime->").append(CTIME.format(e.time().atZone(zone))).append('\n');
        for (AuditRecord r : e.records()) {
            if (r.node() != null) sb.append("node=").append(r.node()).append(' ');
            sb.append("type=").append(r.typeName()).append(" msg=audit(")
                    .append(RECORD.format(r.timestamp().atZone(zone))).append(':').append(r.serial()).append(") : ");
            for (Map.Entry<String, String> f : names.interpret(r).entrySet()) {
                String v = f.getValue();
                if (r.type() == RecordType.SYSCALL && isSyscallArg(f.getKey())) {
                    v = "0x" + v; // the kernel logs a0..a3 as bare hex
                }
                sb.append(f.getKey()).append('=').append(v).append(' ');
            }
            sb.append('\n');
        }
        w.write(sb.toString());
    }

    private static boolean isSyscallArg(String name) {
        return name.length() == 2 && name.charAt(0) == 'a' && name.charAt(1) >= '0' && name.charAt(1) <= '3';
    }
}
