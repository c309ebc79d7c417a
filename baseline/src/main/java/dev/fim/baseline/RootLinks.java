package dev.fim.baseline;

import dev.fim.baseline.walk.DirCalls;
import dev.fim.store.FileType;
import dev.fim.store.PathBytes;
import dev.fim.store.sys.NativeException;
import java.util.ArrayList;
import java.util.List;

/**
 * The roots of a selection that are symlinks. The scan records such a root as the link itself and
 * does not descend (as AIDE does: {@code aide --init} on a symlinked root stores one entry, the
 * link): following it would let whoever can re-point the link choose what fim checks, and the
 * baseline would silently change trees. Since a 1-entry baseline of what was meant to be a tree is
 * almost always a mistake (e.g. {@code /lib -> usr/lib}), commands warn with the link's target so
 * the administrator names the real tree. A link whose target lies within another root of the
 * selection is left out: the default config's {@code /bin -> usr/bin} is right as it is, {@code
 * /usr} is checked. Stateless.
 */
public final class RootLinks {
  /**
   * A root that is a symlink, and the link's target exactly (bytes, relative or absolute as
   * written).
   */
  public record Link(PathBytes root, byte[] target) {
    /** {@code root /lib is a symlink to usr/lib: ...}: the warning a command prints. */
    public String warning() {
      return "root "
          + root.display()
          + " is a symlink to "
          + PathBytes.of(target).display()
          + ": recorded as the link itself, not followed (as AIDE does); name the target to check the tree it points to";
    }
  }

  private RootLinks() {}

  /**
   * The symlinks among {@code roots} whose target is outside every other root (missing or
   * unreadable roots are left to the scan, which reports them).
   */
  public static List<Link> of(List<PathBytes> roots) {
    List<Link> out = new ArrayList<>();
    DirCalls calls = new DirCalls();
    for (PathBytes root : roots) {
      DirCalls.Located at = null;
      try {
        at = calls.locate(root.toBytes(), root);
        if (FileType.ofMode(calls.lstatAt(at.dirFd(), at.name(), root).mode())
            == FileType.SYMLINK) {
          byte[] target = calls.readLinkAt(at.dirFd(), at.name(), root);
          if (!covered(root, target, roots)) {
            out.add(new Link(root, target));
          }
        }
      } catch (NativeException e) {
        // the scan tells
      } finally {
        calls.close(at);
      }
    }
    return out;
  }

  /** True when the target, made absolute and lexically normalised, is at or below another root. */
  static boolean covered(PathBytes root, byte[] target, List<PathBytes> roots) {
    if (target.length == 0) {
      return false;
    }
    PathBytes parent = root.parent();
    List<byte[]> parts = new ArrayList<>();
    if (target[0] != '/' && parent != null) {
      split(parent.toBytes(), parts);
    }
    split(target, parts);
    byte[] abs;
    if (parts.isEmpty()) {
      abs = new byte[] {'/'};
    } else {
      java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
      for (byte[] p : parts) {
        b.write('/');
        b.writeBytes(p);
      }
      abs = b.toByteArray();
    }
    PathBytes resolved = PathBytes.of(abs);
    for (PathBytes r : roots) {
      if (!r.equals(root) && (resolved.equals(r) || resolved.isUnder(r))) {
        return true;
      }
    }
    return false;
  }

  /** Appends the components of {@code path} to {@code parts}, applying "." and "..". */
  private static void split(byte[] path, List<byte[]> parts) {
    int i = 0;
    while (i < path.length) {
      while (i < path.length && path[i] == '/') {
        i++;
      }
      int start = i;
      while (i < path.length && path[i] != '/') {
        i++;
      }
      if (i == start) {
        break;
      }
      byte[] c = java.util.Arrays.copyOfRange(path, start, i);
      if (c.length == 1 && c[0] == '.') {
        continue;
      }
      if (c.length == 2 && c[0] == '.' && c[1] == '.') {
        if (!parts.isEmpty()) {
          parts.remove(parts.size() - 1);
        }
        continue;
      }
      parts.add(c);
    }
  }
}
