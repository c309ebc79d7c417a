package dev.fim.auditlink.interpret;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decodes a SOCKADDR record's {@code saddr} (the raw {@code struct sockaddr}, hex) into {@code
 * saddr_fam}, {@code laddr}, {@code lport}, {@code path}, named as ausearch -i prints them (auparse
 * interpret.c print_sockaddr; family names from its socktab: AF_UNIX is {@code local}). Layouts:
 * include/uapi/linux/in.h, in6.h, un.h, netlink.h.
 */
final class SockAddr {
  private SockAddr() {}

  static Map<String, String> decode(String hex) {
    Map<String, String> out = new LinkedHashMap<>();
    byte[] b = unhex(hex);
    if (b == null || b.length < 2) {
      return out;
    }
    int family = (b[0] & 0xff) | (b[1] & 0xff) << 8; // sa_family_t, host order (little-endian here)
    switch (family) {
      case 1 -> {
        out.put("saddr_fam", "local");
        // An abstract socket name starts with NUL (unix(7)); show it with a leading '@'.
        boolean abstractName = b.length > 2 && b[2] == 0;
        int start = abstractName ? 3 : 2;
        int end = start;
        while (end < b.length && b[end] != 0) end++;
        out.put(
            "path",
            (abstractName ? "@" : "") + new String(b, start, end - start, StandardCharsets.UTF_8));
      }
      case 2 -> {
        out.put("saddr_fam", "inet");
        if (b.length >= 8) {
          out.put(
              "laddr",
              (b[4] & 0xff) + "." + (b[5] & 0xff) + "." + (b[6] & 0xff) + "." + (b[7] & 0xff));
          out.put("lport", Integer.toString((b[2] & 0xff) << 8 | (b[3] & 0xff)));
        }
      }
      case 10 -> {
        out.put("saddr_fam", "inet6");
        if (b.length >= 24) {
          byte[] a = java.util.Arrays.copyOfRange(b, 8, 24);
          try {
            String s = java.net.InetAddress.getByAddress(a).getHostAddress();
            out.put("laddr", compressIpv6(s));
          } catch (java.net.UnknownHostException e) {
            throw new AssertionError("16 bytes is a valid IPv6 address", e);
          }
          out.put("lport", Integer.toString((b[2] & 0xff) << 8 | (b[3] & 0xff)));
        }
      }
      case 16 -> out.put("saddr_fam", "netlink");
      default -> out.put("saddr_fam", Integer.toString(family));
    }
    return out;
  }

  /**
   * Java prints 0:0:0:0:0:0:0:0; ausearch (inet_ntop) prints "::". Compress the longest zero run.
   */
  private static String compressIpv6(String s) {
    String[] g = s.split(":");
    int bestStart = -1, bestLen = 0;
    for (int i = 0; i < g.length; ) {
      if (g[i].equals("0")) {
        int j = i;
        while (j < g.length && g[j].equals("0")) j++;
        if (j - i > bestLen && j - i > 1) {
          bestStart = i;
          bestLen = j - i;
        }
        i = j;
      } else {
        i++;
      }
    }
    if (bestStart < 0) return s;
    String left = String.join(":", java.util.Arrays.copyOfRange(g, 0, bestStart));
    String right = String.join(":", java.util.Arrays.copyOfRange(g, bestStart + bestLen, g.length));
    return left + "::" + right;
  }

  private static byte[] unhex(String hex) {
    if (hex == null || (hex.length() & 1) != 0) return null;
    byte[] out = new byte[hex.length() / 2];
    for (int i = 0; i < out.length; i++) {
      int hi = Character.digit(hex.charAt(2 * i), 16);
      int lo = Character.digit(hex.charAt(2 * i + 1), 16);
      if (hi < 0 || lo < 0) return null;
      out[i] = (byte) (hi << 4 | lo);
    }
    return out;
  }
}
