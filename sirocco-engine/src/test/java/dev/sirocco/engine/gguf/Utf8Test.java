package dev.sirocco.engine.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Our UTF-8 check against the JDK's strict decoder, which serves as the oracle. */
class Utf8Test {

    /** Index of the first malformed byte as the JDK's decoder sees it, or -1 when it decodes. */
    private static int jdkFirstInvalid(byte[] b) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(b);
        try {
            d.decode(in);
            return -1;
        } catch (CharacterCodingException e) {
            return in.position();
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void agreesWithTheJdkDecoderOnRandomBytes(long seed) {
        Random r = new Random(seed);
        int invalid = 0;
        for (int round = 0; round < 20_000; round++) {
            byte[] b = new byte[1 + r.nextInt(8)];
            for (int i = 0; i < b.length; i++) {
                // Mostly bytes that matter for UTF-8: ASCII, continuation bytes and lead bytes.
                b[i] = (byte) switch (r.nextInt(4)) {
                    case 0 -> r.nextInt(0x80);
                    case 1 -> 0x80 + r.nextInt(0x40);
                    default -> 0xC0 + r.nextInt(0x40);
                };
            }
            int expected = jdkFirstInvalid(b);
            assertThat(Utf8.firstInvalid(b, 0, b.length)).as("bytes %s", java.util.HexFormat.of().formatHex(b))
                    .isEqualTo(expected);
            if (expected >= 0) {
                invalid++;
            }
        }
        assertThat(invalid).isBetween(1000, 19_000);
    }

    @Test
    void acceptsEveryCodePointAndRejectsSurrogatesOverlongsAndBeyondU10FFFF() {
        for (int cp = 0; cp <= 0x10FFFF; cp += (cp < 0x10000 ? 1 : 97)) {
            if (cp >= 0xD800 && cp <= 0xDFFF) {
                continue;
            }
            byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
            assertThat(Utf8.firstInvalid(b, 0, b.length)).as("U+%04X", cp).isEqualTo(-1);
        }
        int[][] bad = {{0xED, 0xA0, 0x80}, {0xC0, 0xAF}, {0xE0, 0x80, 0xAF}, {0xF0, 0x80, 0x80, 0xAF},
                {0xF4, 0x90, 0x80, 0x80}, {0xF8, 0x88, 0x80, 0x80, 0x80}, {0xFF}, {0x80}, {0xE2, 0x82}};
        for (int[] seq : bad) {
            byte[] b = new byte[seq.length + 1];
            b[0] = 'a';
            for (int i = 0; i < seq.length; i++) {
                b[i + 1] = (byte) seq[i];
            }
            assertThat(Utf8.firstInvalid(b, 0, b.length)).isEqualTo(1);
        }
    }
}
