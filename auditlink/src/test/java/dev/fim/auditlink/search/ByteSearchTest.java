package dev.fim.auditlink.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The word-at-a-time needle search against a byte-by-byte one, needles planted anywhere (edges too). */
class ByteSearchTest {
    private static final byte[] KEY = "fim-bench".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEY_HEX = Prefilter.hex(KEY);

    @Test
    void oneAndTwoNeedlesFindWhatANaiveSearchFinds() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int round = 0; round < 3000; round++) {
            int len = rnd.nextInt(0, 300);
            byte[] b = new byte[len];
            // A small alphabet that shares the needles' first and last bytes: many near misses.
            byte[] alphabet = "fh6822DEim-bench1234)".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < len; i++) b[i] = alphabet[rnd.nextInt(alphabet.length)];
            for (int k = rnd.nextInt(4); k > 0; k--) {
                byte[] n = rnd.nextBoolean() ? KEY : KEY_HEX;
                if (len >= n.length) System.arraycopy(n, 0, b, rnd.nextInt(len - n.length + 1), n.length);
            }
            int starts = len == 0 ? 0 : rnd.nextInt(len + 1);
            byte[][][] sets = {{KEY, KEY_HEX}, {KEY_HEX, KEY}, {KEY}, {"1234)".getBytes(StandardCharsets.US_ASCII)}, {"f".getBytes(StandardCharsets.US_ASCII), "h".getBytes(StandardCharsets.US_ASCII)}};
            for (byte[][] needles : sets) {
                WindowedSearch.LongList got = new WindowedSearch.LongList();
                WindowedSearch.search(b, len, needles, starts, 1000, got);
                long[] g = Arrays.copyOf(got.a, got.n);
                Arrays.sort(g);
                assertArrayEquals(naive(b, len, needles, starts, 1000), g, "round " + round + " " + new String(b, StandardCharsets.US_ASCII));
                // The same through a mapped-style buffer in small copies.
                if (needles.length == 1) {
                    // Any byte of the needle compared first (the serial search uses the one before ')').
                    for (int check = 0; check < needles[0].length; check++) {
                        WindowedSearch.LongList viaBuffer = new WindowedSearch.LongList();
                        WindowedSearch.search(ByteBuffer.wrap(b), needles[0], check, 0, starts, viaBuffer, new byte[needles[0].length + 7]);
                        long[] v = Arrays.copyOf(viaBuffer.a, viaBuffer.n);
                        assertArrayEquals(naive(b, len, needles, starts, 0), v, "buffer, check " + check + ", round " + round);
                    }
                }
            }
        }
    }

    private static long[] naive(byte[] b, int len, byte[][] needles, int starts, int at) {
        return LongStream.range(0, starts).filter(k -> {
            for (byte[] n : needles) {
                if (k + n.length <= len && Arrays.equals(b, (int) k, (int) k + n.length, n, 0, n.length)) return true;
            }
            return false;
        }).map(k -> k + at).flatMap(k -> {
            int count = 0;
            for (byte[] n : needles) {
                if (k - at + n.length <= len && Arrays.equals(b, (int) (k - at), (int) (k - at) + n.length, n, 0, n.length)) count++;
            }
            return LongStream.range(0, count).map(x -> k); // a position where both needles start counts twice
        }).toArray();
    }

    @Test
    void lineStartAndEndThroughSmallProbes() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int round = 0; round < 2000; round++) {
            byte[] b = new byte[rnd.nextInt(1, 200)];
            for (int i = 0; i < b.length; i++) b[i] = rnd.nextInt(8) == 0 ? (byte) '\n' : (byte) 'x';
            ByteBuffer bb = ByteBuffer.wrap(b);
            byte[] probe = new byte[1 + rnd.nextInt(9)];
            int at = rnd.nextInt(b.length);
            int start = at;
            while (start > 0 && b[start - 1] != '\n') start--;
            int end = at;
            while (end < b.length && b[end] != '\n') end++;
            org.junit.jupiter.api.Assertions.assertEquals(start, WindowedSearch.lineStart(bb, at, probe), "start, round " + round);
            org.junit.jupiter.api.Assertions.assertEquals(end, WindowedSearch.lineEnd(bb, at, probe), "end, round " + round);
        }
    }
}
