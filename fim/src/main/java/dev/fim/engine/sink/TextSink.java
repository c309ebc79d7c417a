package dev.fim.engine.sink;

import dev.fim.engine.output.EventText;
import dev.fim.store.ChangeEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One line per event for people at a terminal, as {@link EventText#lineWithWho}: {@code
 * 2026-11-25T10:00:00.123456Z updated /etc/hosts content: xxh3_128:1f… -> xxh3_128:9a…, inode: 1201
 * -> 1234 by alice (auid 1001) as root, vim[4242] /usr/bin/vim.basic} — the same line {@code fim
 * history} and {@code fim who} print, so an alert already answers who. Paths are shown as {@link
 * dev.fim.store.PathBytes#display()} (non-UTF-8 bytes escaped); the JSON form keeps the exact
 * bytes.
 */
public final class TextSink extends LineSink {
  public TextSink(LineOutput out) {
    super(out);
  }

  @Override
  void write(ChangeEvent e, OutputStream w) throws IOException {
    w.write(EventText.lineWithWho(e).getBytes(StandardCharsets.UTF_8));
  }
}
