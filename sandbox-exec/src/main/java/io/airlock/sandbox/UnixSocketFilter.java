package io.airlock.sandbox;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;

/**
 * A seccomp program (classic BPF, as bubblewrap's {@code --seccomp FD} takes it) that refuses to create Unix-domain
 * sockets. {@code --unshare-net} cuts the network, but a Unix socket is reached through the file system, and a
 * read-only mount does not stop {@code connect}: without this, a sandboxed process could talk to the Docker socket,
 * an ssh-agent or any other host service that listens on a path it can see. {@code socketpair} (unnamed, already
 * connected pairs that runtimes use internally) stays allowed. On x86-64, the x32 and i386 syscall entries (which have
 * their own socket calls) are refused as a whole.
 */
final class UnixSocketFilter {

    private static final int AUDIT_ARCH_X86_64 = 0xC000003E;
    private static final int AUDIT_ARCH_AARCH64 = 0xC00000B7;
    private static final int SYS_SOCKET_X86_64 = 41;
    private static final int SYS_SOCKET_AARCH64 = 198;
    private static final int X32_SYSCALL_BIT = 0x40000000;
    private static final int AF_UNIX = 1;
    private static final int EPERM = 1;

    private static final short LD_W_ABS = 0x20;
    private static final short JEQ_K = 0x15;
    private static final short JGE_K = 0x35;
    private static final short RET_K = 0x06;
    private static final int RET_ALLOW = 0x7fff0000;
    private static final int RET_ERRNO = 0x00050000;
    /** Offsets in {@code struct seccomp_data}: nr, arch, args[0] (low word, little-endian). */
    private static final int NR = 0;
    private static final int ARCH = 4;
    private static final int ARG0 = 16;

    private UnixSocketFilter() {}

    /** The program for this machine's architecture, or null where it is not known (then no filter is loaded). */
    static byte[] program() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "amd64", "x86_64" -> program(AUDIT_ARCH_X86_64, SYS_SOCKET_X86_64, X32_SYSCALL_BIT);
            case "aarch64" -> program(AUDIT_ARCH_AARCH64, SYS_SOCKET_AARCH64, -1);
            default -> null;
        };
    }

    private static byte[] program(int auditArch, int socketNr, int refuseFrom) {
        ByteBuffer out = ByteBuffer.allocate(10 * 8).order(ByteOrder.LITTLE_ENDIAN);
        insn(out, LD_W_ABS, 0, 0, ARCH);                    // 0
        insn(out, JEQ_K, 1, 0, auditArch);                   // 1: our ABI -> 3
        insn(out, RET_K, 0, 0, RET_ERRNO | EPERM);           // 2: any other ABI: refused
        insn(out, LD_W_ABS, 0, 0, NR);                       // 3
        insn(out, JGE_K, 4, 0, refuseFrom);                  // 4: x32 entry points -> 9
        insn(out, JEQ_K, 0, 2, socketNr);                    // 5: socket() -> 6, else -> 8
        insn(out, LD_W_ABS, 0, 0, ARG0);                     // 6: its domain
        insn(out, JEQ_K, 1, 0, AF_UNIX);                     // 7: AF_UNIX -> 9
        insn(out, RET_K, 0, 0, RET_ALLOW);                   // 8
        insn(out, RET_K, 0, 0, RET_ERRNO | EPERM);           // 9
        return out.array();
    }

    private static void insn(ByteBuffer out, short code, int jt, int jf, int k) {
        out.putShort(code).put((byte) jt).put((byte) jf).putInt(k);
    }
}
