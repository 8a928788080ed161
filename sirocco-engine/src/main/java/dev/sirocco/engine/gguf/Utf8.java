package dev.sirocco.engine.gguf;

/** Strict UTF-8 validation (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF). */
final class Utf8 {

    private Utf8() {}

    /** The index (relative to {@code off}) of the first byte that starts an invalid sequence, or -1. */
    static int firstInvalid(byte[] b, int off, int len) {
        int end = off + len;
        int i = off;
        while (i < end) {
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                i++;
                continue;
            }
            int more;
            if (c >= 0xC2 && c <= 0xDF) {
                more = 1;
            } else if (c >= 0xE0 && c <= 0xEF) {
                more = 2;
            } else if (c >= 0xF0 && c <= 0xF4) {
                more = 3;
            } else {
                return i - off; // a continuation byte, an overlong C0/C1 lead, or F5..FF
            }
            if (i + more >= end) {
                return i - off; // the sequence runs past the end
            }
            // The second byte's range excludes overlong forms (E0, F0), surrogates (ED) and > U+10FFFF (F4).
            int lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
            int hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
            int c1 = b[i + 1] & 0xFF;
            if (c1 < lo || c1 > hi) {
                return i - off;
            }
            for (int k = 2; k <= more; k++) {
                if ((b[i + k] & 0xC0) != 0x80) {
                    return i - off;
                }
            }
            i += more + 1;
        }
        return -1;
    }
}
